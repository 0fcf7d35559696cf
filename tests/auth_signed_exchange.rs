//! Signed requests end to end: the client sends the documented example PUT (and others) to a
//! loopback server that records it; the test checks what went on the wire, and replays the
//! recorded request byte for byte to the emulator, whose verifier is written independently of
//! the client's signer: it must accept the signature, and refuse it once the request changes.

#![cfg(feature = "emulator")] // the replays go to the emulator

use crate::support::{
    auth::{
        PROJECT_ID, Received, SERVICE_ID, TestServer, example_response, rejected,
        replay_to_emulator, signed_header_names, start_server,
    },
    builder_as,
};
use otc_vpcep::{Client, Credentials, types::Protocol};
use serde_json::json;

const AK: &str = "HPUAFNKYZ7LTZ1ZKGQ8M";
const SK: &str = "s3cr3t-Secret-Key-0123456789abcdefghijkl";
const SECURITY_TOKEN: &str = "gQpjbi1ub3J0aC00temporary-security-token";

fn client(server: &TestServer, credentials: Credentials) -> Client {
    builder_as(server.url(), credentials)
        .build()
        .expect("a valid configuration")
}

/// A server that answers the example response to every request.
async fn gateway() -> TestServer {
    start_server(|_| (200, example_response())).await
}

fn only_request(server: &TestServer) -> Received {
    let received = server.received();
    assert_eq!(received.len(), 1, "exactly one request was sent");
    received.into_iter().next().expect("one request")
}

#[tokio::test]
async fn the_example_put_signed_with_access_keys_is_accepted() {
    let server = gateway().await;
    let service = client(&server, Credentials::access_key(AK, SK))
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, Protocol::Tcp)
        .port(8082, 23, Protocol::Udp)
        .send()
        .await
        .expect("the server answers the example");
    assert_eq!(service.id, "4189d3c2-8882-4871-a3c2-d380272eed83");

    let mut request = only_request(&server);
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.target,
        crate::support::service_path(PROJECT_ID, SERVICE_ID)
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(
        body,
        json!({
            "approval_enabled": true,
            "service_name": "test",
            "ports": [
                {"client_port": 8081, "server_port": 22, "protocol": "TCP"},
                {"client_port": 8082, "server_port": 23, "protocol": "UDP"},
            ],
        })
    );
    // Every header on the request when it is signed, but `content-type` (as the SDKs do).
    assert_eq!(
        signed_header_names(&request),
        ["accept", "host", "x-project-id", "x-sdk-date"]
    );
    assert_eq!(request.header("x-project-id"), Some(PROJECT_ID));
    assert_eq!(request.header("api-version"), None);
    assert_eq!(request.header("x-auth-token"), None);
    assert_eq!(request.header("x-security-token"), None);

    assert_eq!(
        replay_to_emulator(&request, AK, SK).await,
        (200, String::new())
    );
    // The verifier is not blind: one byte more in the body, and the signature is refused.
    request.body.push(b' ');
    assert_eq!(
        replay_to_emulator(&request, AK, SK).await,
        (401, "EndPoint.0003".to_owned())
    );
}

#[tokio::test]
async fn temporary_credentials_send_and_sign_the_security_token() {
    let server = gateway().await;
    client(&server, Credentials::temporary(AK, SK, SECURITY_TOKEN))
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(false)
        .send()
        .await
        .expect("the server answers the example");
    let mut request = only_request(&server);
    assert_eq!(request.header("x-security-token"), Some(SECURITY_TOKEN));
    assert!(signed_header_names(&request).contains(&"x-security-token"));
    assert_eq!(
        replay_to_emulator(&request, AK, SK).await,
        (200, String::new())
    );
    // The security token is signed: another one does not verify.
    for (name, value) in &mut request.headers {
        if name.eq_ignore_ascii_case("x-security-token") {
            value.push('x');
        }
    }
    assert_eq!(
        replay_to_emulator(&request, AK, SK).await,
        (401, "EndPoint.0003".to_owned())
    );
}

#[tokio::test]
async fn a_body_of_200_mappings_is_signed_byte_for_byte() {
    let server = gateway().await;
    let client = client(&server, Credentials::access_key(AK, SK));
    let mut modify = client.modify_endpoint_service(SERVICE_ID);
    for port in 1..=200u16 {
        modify = modify.port(10_000 + port, port, Protocol::Tcp);
    }
    modify.send().await.expect("the server answers the example");
    let request = only_request(&server);
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(body["ports"].as_array().map(Vec::len), Some(200));
    assert!(
        request.body.len() > 200 * 40,
        "{} bytes",
        request.body.len()
    );
    assert_eq!(
        replay_to_emulator(&request, AK, SK).await,
        (200, String::new())
    );
}

#[tokio::test]
async fn a_wrong_secret_key_is_refused_by_the_verifier() {
    let server = gateway().await;
    client(&server, Credentials::access_key(AK, "not-the-secret-key"))
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .expect("the server answers the example");
    assert_eq!(
        replay_to_emulator(&only_request(&server), AK, SK).await,
        (401, "EndPoint.0003".to_owned())
    );
}

#[tokio::test]
async fn a_token_is_sent_as_x_auth_token_without_a_signature() {
    let token = "MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQExDTALBglghkgBZQMEAgEwggKXBgkqhkiG";
    let server = start_server(move |request| {
        if request.header("x-auth-token") == Some(token) {
            (200, example_response())
        } else {
            rejected("no valid token")
        }
    })
    .await;
    client(&server, Credentials::token(token))
        .modify_endpoint_service(SERVICE_ID)
        .service_name("test")
        .send()
        .await
        .expect("the token is accepted");
    let request = only_request(&server);
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("x-sdk-date"), None);
    assert_eq!(request.header("api-version"), None);
}
