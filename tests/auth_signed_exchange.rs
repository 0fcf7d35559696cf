//! Signed requests end to end: the client sends the documented example PUT (and others) to a
//! loopback server whose verifier re-computes the `SDK-HMAC-SHA256` signature from the raw
//! request it received, with its own canonical URI, query and header handling.

mod auth_support;
mod common;

use auth_support::{
    PROJECT_ID, Received, SERVICE_ID, TestServer, example_response, rejected, start_server,
    verify_call, verify_signature,
};
use otc_vpcep::{
    Client, Credentials, Error,
    signer::{SigningRequest, sign},
    types::Protocol,
};
use serde_json::json;

const AK: &str = "HPUAFNKYZ7LTZ1ZKGQ8M";
const SK: &str = "s3cr3t-Secret-Key-0123456789abcdefghijkl";
const SECURITY_TOKEN: &str = "gQpjbi1ub3J0aC00temporary-security-token";

fn client(server: &TestServer, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT_ID)
        .credentials(credentials)
        .build()
        .expect("a valid configuration")
}

/// A server that answers the example response to calls signed with `AK`/`SK` (and
/// `security_token`), and the gateway's 401 to anything else.
async fn gateway(security_token: Option<&'static str>) -> TestServer {
    start_server(
        move |request| match verify_call(request, AK, SK, security_token) {
            Ok(_) => (200, example_response()),
            Err(reason) => rejected(&reason),
        },
    )
    .await
}

fn only_request(server: &TestServer) -> Received {
    let received = server.received();
    assert_eq!(received.len(), 1, "exactly one request was sent");
    received.into_iter().next().expect("one request")
}

#[test]
fn the_verifier_accepts_published_vector_4_and_rejects_a_changed_body() {
    let mut request = Received {
        method: "POST".into(),
        target: "/resources?size=1".into(),
        headers: vec![
            ("Host".into(), "service.endpoint.myhuaweicloud.com".into()),
            ("X-Sdk-Date".into(), "20200608T023900Z".into()),
            (
                "Authorization".into(),
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, \
                 Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
                    .into(),
            ),
        ],
        body: br#"{"name":"test","id":1}"#.to_vec(),
    };
    verify_signature(&request, "AccessKey", "SecretKey").expect("vector 4 verifies");
    request.body.push(b' ');
    assert!(verify_signature(&request, "AccessKey", "SecretKey").is_err());
}

#[test]
fn the_verifier_agrees_with_the_signer_on_an_encoded_path_a_query_and_an_empty_body() {
    let path = "/v1/my%20project/%C3%BC~n/a+b";
    let query = "b=2&a=x%20y&a=w";
    let headers = [
        ("Host", "vpcep.eu-de.otc.t-systems.com"),
        ("X-Project-Id", "p"),
    ];
    let signature = sign(
        &SigningRequest {
            method: "GET",
            path,
            query,
            headers: &headers,
            body: b"",
        },
        "20260101T000000Z",
        AK,
        SK.as_bytes(),
    );
    let mut request = Received {
        method: "GET".into(),
        target: format!("{path}?{query}"),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .chain([
                ("X-Sdk-Date".into(), "20260101T000000Z".into()),
                ("Authorization".into(), signature.authorization.clone()),
            ])
            .collect(),
        body: Vec::new(),
    };
    let verified = verify_signature(&request, AK, SK).expect("the signer's output verifies");
    assert_eq!(verified.canonical_request, signature.canonical_request);
    assert!(
        verified
            .canonical_request
            .starts_with("GET\n/v1/my%20project/%C3%BC~n/a%2Bb/\na=w&a=x%20y&b=2\n")
    );
    // The verifier is not blind: another path does not verify.
    request.target = "/v1/my%20project/%C3%BC~n/a b?b=2&a=x%20y&a=w".into();
    assert!(verify_signature(&request, AK, SK).is_err());
}

#[tokio::test]
async fn the_example_put_signed_with_access_keys_is_accepted() {
    let server = gateway(None).await;
    let service = client(&server, Credentials::access_key(AK, SK))
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, Protocol::Tcp)
        .port(8082, 23, Protocol::Udp)
        .send()
        .await
        .expect("the gateway accepts the signature");
    assert_eq!(service.id, "4189d3c2-8882-4871-a3c2-d380272eed83");

    let request = only_request(&server);
    assert_eq!(request.method, "PUT");
    assert_eq!(request.target, common::service_path(PROJECT_ID, SERVICE_ID));
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
    let verified = verify_call(&request, AK, SK, None).expect("verifies");
    // Every header on the request when it is signed, but `content-type` (as the SDKs do).
    assert_eq!(
        verified.signed_headers,
        ["accept", "host", "x-project-id", "x-sdk-date"]
    );
    assert_eq!(request.header("x-project-id"), Some(PROJECT_ID));
    assert_eq!(request.header("api-version"), None);
    assert_eq!(request.header("x-auth-token"), None);
    assert_eq!(request.header("x-security-token"), None);
}

#[tokio::test]
async fn temporary_credentials_send_and_sign_the_security_token() {
    let server = gateway(Some(SECURITY_TOKEN)).await;
    client(&server, Credentials::temporary(AK, SK, SECURITY_TOKEN))
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(false)
        .send()
        .await
        .expect("the gateway accepts the temporary credentials");
    let request = only_request(&server);
    assert_eq!(request.header("x-security-token"), Some(SECURITY_TOKEN));
    let verified = verify_call(&request, AK, SK, Some(SECURITY_TOKEN)).expect("verifies");
    assert!(
        verified
            .signed_headers
            .iter()
            .any(|h| h == "x-security-token")
    );
}

#[tokio::test]
async fn a_body_of_200_mappings_is_signed_byte_for_byte() {
    let server = gateway(None).await;
    let client = client(&server, Credentials::access_key(AK, SK));
    let mut modify = client.modify_endpoint_service(SERVICE_ID);
    for port in 1..=200u16 {
        modify = modify.port(10_000 + port, port, Protocol::Tcp);
    }
    modify
        .send()
        .await
        .expect("the gateway accepts the signature");
    let request = only_request(&server);
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(body["ports"].as_array().map(Vec::len), Some(200));
    assert!(
        request.body.len() > 200 * 40,
        "{} bytes",
        request.body.len()
    );
}

#[tokio::test]
async fn a_wrong_secret_key_is_rejected_by_the_verifier() {
    let server = gateway(None).await;
    let error = client(&server, Credentials::access_key(AK, "not-the-secret-key"))
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .expect_err("the gateway rejects the signature");
    match &error {
        Error::Api(api) => {
            assert_eq!(api.status, 401);
            assert!(api.code_is("APIG.0303"), "{api}");
        }
        other => panic!("expected the gateway's error, got {other:?}"),
    }
    assert!(!format!("{error} {error:?}").contains("not-the-secret-key"));
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
