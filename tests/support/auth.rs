//! Helpers for the authentication tests: a loopback server ([`super::server`]) that answers
//! and records every request, and a replay of a recorded request to the emulator, whose
//! verifier (independent of the crate's signer) decides whether its signature is valid.

#![allow(dead_code, unused_imports)] // Each test file uses part of it.

pub use super::{
    PROJECT_ID, SERVICE_ID,
    server::{Received, Reply, TestServer},
};

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
