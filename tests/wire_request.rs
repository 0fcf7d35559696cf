//! The request on the wire: the documented example, byte for byte as sent, and edge cases.

use crate::support::{
    PROJECT_ID, SERVICE_ID, client, documented_request,
    server::{Reply, TestServer},
};
use otc_vpcep::types::Protocol;
use serde_json::{Value, json};

/// The documented example request, built through the ergonomic API.
fn documented_change(client: &otc_vpcep::Client) -> otc_vpcep::ModifyEndpointService<'_> {
    client
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, Protocol::Tcp)
        .port(8082, 23, Protocol::Udp)
}

fn offline_client() -> otc_vpcep::Client {
    client("http://127.0.0.1:9")
}

#[test]
fn documented_example_serialises_to_the_page_example() {
    let client = offline_client();
    let body = documented_change(&client).build_body().expect("valid");
    assert_eq!(serde_json::to_value(&body).unwrap(), documented_request());
    insta::assert_snapshot!(serde_json::to_string(&body).unwrap());
}

#[test]
fn empty_change_sends_an_empty_object() {
    let client = offline_client();
    let body = client
        .modify_endpoint_service(SERVICE_ID)
        .build_body()
        .unwrap();
    assert_eq!(serde_json::to_string(&body).unwrap(), "{}");
}

#[test]
fn approval_enabled_false_is_sent() {
    let client = offline_client();
    let body = client
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(false)
        .build_body()
        .unwrap();
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"approval_enabled":false}"#
    );
}

#[test]
fn every_optional_field_is_sent_when_set() {
    let client = offline_client();
    #[allow(deprecated)]
    let body = client
        .modify_endpoint_service(SERVICE_ID)
        .port_id("4189d3c2-8882-4871-a3c2-d380272eed88")
        .vip_port_id("5289d3c2-8882-4871-a3c2-d380272eed80")
        .tcp_proxy(otc_vpcep::types::TcpProxy::ProxyOpen)
        .description("backend of the billing API")
        .build_body()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "port_id": "4189d3c2-8882-4871-a3c2-d380272eed88",
            "vip_port_id": "5289d3c2-8882-4871-a3c2-d380272eed80",
            "tcp_proxy": "proxy_open",
            "description": "backend of the billing API",
        })
    );
}

#[test]
fn two_hundred_mappings_are_sent_in_order() {
    let client = offline_client();
    let ports: Vec<_> = (1..=200).map(|p| (p, 10_000 + p, Protocol::Tcp)).collect();
    let body = client
        .modify_endpoint_service(SERVICE_ID)
        .ports(ports)
        .build_body()
        .unwrap();
    let sent = serde_json::to_value(&body).unwrap();
    let sent = sent["ports"].as_array().unwrap();
    assert_eq!(sent.len(), 200);
    assert_eq!(
        sent[0],
        json!({"client_port": 1, "server_port": 10001, "protocol": "TCP"})
    );
    assert_eq!(
        sent[199],
        json!({"client_port": 200, "server_port": 10200, "protocol": "TCP"})
    );
}

/// The complete request as a server receives it: method, path, headers, body.
#[tokio::test]
async fn documented_example_on_the_wire() {
    let server = TestServer::always(Reply::ok()).await;
    let client = client(server.url());
    documented_change(&client)
        .send()
        .await
        .expect("the server answers 200");

    let received = server.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.target,
        crate::support::service_path(PROJECT_ID, SERVICE_ID)
    );
    assert_eq!(request.header("api-version"), None);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, documented_request());

    assert_eq!(request.header("x-auth-token"), Some("test-token"));
    insta::assert_snapshot!(on_the_wire(request));
}

/// A received request as a snapshot shows it: the host's port varies per run, and
/// credentials never go into a snapshot.
fn on_the_wire(request: &crate::support::server::Received) -> String {
    let headers: Vec<String> = request
        .headers
        .iter()
        .filter(|(name, _)| name != "host")
        .map(|(name, value)| match name.as_str() {
            "x-auth-token" => format!("{name}: [redacted]"),
            _ => format!("{name}: {value}"),
        })
        .collect();
    format!(
        "{} {}\n{}\n\n{}",
        request.method,
        request.target,
        headers.join("\n"),
        String::from_utf8_lossy(&request.body)
    )
}

/// The query of a service on the wire: GET on the service's path, no body.
#[tokio::test]
async fn get_on_the_wire() {
    let server = TestServer::always(Reply::ok()).await;
    let client = client(server.url());
    client
        .get_endpoint_service("4189D3C2-8882-4871-A3C2-D380272EED88")
        .send()
        .await
        .expect("the server answers 200");
    let received = server.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        crate::support::service_path(PROJECT_ID, SERVICE_ID)
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("x-auth-token"), Some("test-token"));
    insta::assert_snapshot!(on_the_wire(request));
}

#[tokio::test]
async fn service_id_is_sent_in_canonical_form() {
    let server = TestServer::always(Reply::ok()).await;
    let client = client(server.url());
    client
        .modify_endpoint_service("4189D3C2-8882-4871-A3C2-D380272EED88")
        .approval_enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.received()[0].target,
        crate::support::service_path(PROJECT_ID, SERVICE_ID)
    );
}

/// The generated client stays reachable, and its calls go through the same hooks.
#[tokio::test]
async fn the_raw_generated_client_is_reachable() {
    let server = TestServer::always(Reply::ok()).await;
    let client = client(server.url());
    let body: otc_vpcep::types::ModifyEndpointServiceRequest =
        serde_json::from_value(documented_request()).unwrap();
    let answer = client
        .raw()
        .modify_endpoint_service()
        .project_id(PROJECT_ID)
        .vpc_endpoint_service_id(SERVICE_ID)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let request = &server.received()[0];
    assert_eq!(request.header("x-auth-token"), Some("test-token"));
    assert_eq!(request.header("api-version"), None);
    assert_eq!(
        serde_json::from_slice::<Value>(&request.body).unwrap(),
        documented_request()
    );
}
