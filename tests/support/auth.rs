//! Helpers for the authentication tests: a loopback server ([`super::server`]) that answers
//! and records every request, and a replay of a recorded request to the emulator, whose
//! verifier (independent of the crate's signer) decides whether its signature is valid.

#![allow(dead_code, unused_imports)] // Each test file uses part of it.

use std::collections::HashMap;

use otc_vpcep::ClientBuilder;

pub use super::{
    PROJECT_ID, SERVICE_ID,
    server::{Received, Reply, TestServer},
};

/// `ClientBuilder::from_env_with` over the variables `vars` (name, value), and no others.
pub fn from_vars(vars: &[(&str, &str)]) -> ClientBuilder {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ClientBuilder::from_env_with(move |name| vars.get(name).cloned())
}

/// How the request of a client authenticated, seen at a loopback server.
#[derive(Debug, PartialEq)]
pub enum Sent {
    Token(String),
    Signed {
        access_key: String,
        security_token: Option<String>,
    },
    Nothing,
}

/// Sends a modify request with a client of `builder` to a loopback server answering the
/// example, and tells how it authenticated.
pub async fn sent_by(builder: ClientBuilder) -> Sent {
    let server = start_server(|_| (200, example_response())).await;
    let client = builder
        .endpoint(server.url())
        .build()
        .expect("a valid configuration");
    client
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .expect("the server answers 200");
    let request = server.received().pop().expect("a request");
    let access_key = request
        .header("authorization")
        .and_then(|a| a.split("Access=").nth(1))
        .and_then(|a| a.split(',').next())
        .map(str::to_owned);
    match (request.header("x-auth-token"), access_key) {
        (Some(token), None) => Sent::Token(token.to_owned()),
        (None, Some(access_key)) => Sent::Signed {
            access_key,
            security_token: request.header("x-security-token").map(str::to_owned),
        },
        (None, None) => Sent::Nothing,
        (Some(_), Some(_)) => panic!("both a token and a signature were sent"),
    }
}

/// The example response of the API reference page, as text.
pub fn example_response() -> String {
    super::documented_response().to_string()
}

/// What the server answers: status and JSON body.
pub type Answer = (u16, String);

/// Starts a loopback server answering every request with `answer(request)`.
pub async fn start_server(
    answer: impl Fn(&Received) -> Answer + Send + Sync + 'static,
) -> TestServer {
    TestServer::start(move |_, request| {
        let (status, body) = answer(request);
        Reply::json(status, &body)
    })
    .await
}

/// The gateway's answer to a request it does not authenticate.
pub fn rejected(reason: &str) -> Answer {
    (
        401,
        serde_json::json!({
            "error_code": "APIG.0303",
            "error_msg": format!("Incorrect app authentication information: {reason}"),
            "request_id": "gateway-request-id",
        })
        .to_string(),
    )
}

/// The header names a signed request lists in `SignedHeaders` of its `Authorization`.
pub fn signed_header_names(request: &Received) -> Vec<&str> {
    request
        .header("authorization")
        .and_then(|value| {
            value
                .split(", ")
                .find_map(|p| p.strip_prefix("SignedHeaders="))
        })
        .map(|names| names.split(';').collect())
        .unwrap_or_default()
}

/// Sends `request` as it was received (method, target, headers in order, body bytes) to a
/// fresh emulator that knows `access_key` with `secret_key`, and returns its status and
/// `error_code` (empty on success). Its verifier, not the test, judges the signature.
#[cfg(feature = "emulator")]
pub async fn replay_to_emulator(
    request: &Received,
    access_key: &str,
    secret_key: &str,
) -> (u16, String) {
    let emulator = otc_vpcep::emulator::Emulator::builder()
        .access_key(access_key, secret_key)
        .start()
        .await
        .expect("the emulator starts");
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("a method");
    let mut replay = reqwest::Client::new()
        .request(method, format!("{}{}", emulator.base_url(), request.target))
        .body(request.body.clone());
    for (name, value) in &request.headers {
        // The framing is reqwest's; everything else, `Host` included, goes as it was sent.
        if !name.eq_ignore_ascii_case("content-length") {
            replay = replay.header(name, value);
        }
    }
    let response = replay.send().await.expect("the emulator answers");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("a JSON answer");
    emulator.shutdown().await;
    let code = body["error_code"].as_str().unwrap_or_default().to_owned();
    (status, code)
}
