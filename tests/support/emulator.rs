//! Helpers shared by the emulator tests: a client of a running emulator, and raw requests
//! that bypass every client-side check.

#![allow(dead_code)] // each test file uses its own subset

use otc_vpcep::{
    Client, ClientBuilder, Credentials,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator},
};
use serde_json::Value;

/// The path of the documented service on an emulator.
pub fn documented_path() -> String {
    otc_vpcep::spec::GET_ENDPOINT_SERVICE.path_with(&[
        ("project_id", DOCUMENTED_PROJECT_ID),
        ("vpc_endpoint_service_id", DOCUMENTED_SERVICE_ID),
    ])
}

/// A client configuration for the emulator's documented project, with a token.
pub fn builder(emulator: &Emulator) -> ClientBuilder {
    builder_as(emulator, Credentials::token("test-token"))
}

/// A client configuration for the emulator's documented project, with `credentials`.
pub fn builder_as(emulator: &Emulator, credentials: Credentials) -> ClientBuilder {
    Client::builder()
        .endpoint(emulator.base_url())
        .project_id(DOCUMENTED_PROJECT_ID)
        .credentials(credentials)
}

/// An ergonomic client of the emulator's documented project, with a token.
pub fn client(emulator: &Emulator) -> Client {
    builder(emulator).build().expect("a valid configuration")
}

/// Like [`client`], but every request is tried once: what the emulator answers is what the
/// test sees.
pub fn client_without_retries(emulator: &Emulator) -> Client {
    builder(emulator)
        .no_retries()
        .build()
        .expect("a valid configuration")
}

/// Waits (a bounded time) until the emulator has received `n` requests in all.
pub async fn until_received(emulator: &Emulator, n: u64) {
    for _ in 0..1000 {
        if emulator.requests_received() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!(
        "the emulator received {} requests, not {n}",
        emulator.requests_received()
    );
}

/// An answer as a test looks at it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub allow: Option<String>,
    pub body: Value,
}

impl Answer {
    /// The `error_code` of an error answer.
    pub fn code(&self) -> &str {
        self.body["error_code"]
            .as_str()
            .unwrap_or("(no error_code)")
    }
}

/// Sends `body` as it is, with a token, to `path` of the emulator.
pub async fn send_raw(
    emulator: &Emulator,
    method: reqwest::Method,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> Answer {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", emulator.base_url()))
        .header("x-auth-token", "test-token")
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    answer(request.send().await.expect("the emulator answers")).await
}

/// PUTs a JSON body as it is to the documented service.
pub async fn put_json(emulator: &Emulator, body: &str) -> Answer {
    send_raw(
        emulator,
        reqwest::Method::PUT,
        &documented_path(),
        Some("application/json"),
        body,
    )
    .await
}

/// Reads an answer: status, the headers tests look at, and the body as JSON.
pub async fn answer(response: reqwest::Response) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let status = response.status().as_u16();
    let content_type = header("content-type");
    let request_id = header("x-request-id");
    let allow = header("allow");
    let bytes = response.bytes().await.expect("a readable body");
    if bytes.is_empty() {
        // A delete's answer has no body.
        return Answer {
            status,
            content_type,
            request_id,
            allow,
            body: Value::Null,
        };
    }
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "the body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    Answer {
        status,
        content_type,
        request_id,
        allow,
        body,
    }
}

/// The path of the project's services (list and create).
pub fn services_path(project_id: &str) -> String {
    otc_vpcep::spec::LIST_ENDPOINT_SERVICES.path_with(&[("project_id", project_id)])
}

/// The path of the project's quotas.
pub fn quotas_path(project_id: &str) -> String {
    otc_vpcep::spec::LIST_QUOTAS.path_with(&[("project_id", project_id)])
}

/// The path of the service `service_id` of the documented project.
pub fn service_path(service_id: &str) -> String {
    super::service_path(DOCUMENTED_PROJECT_ID, service_id)
}

/// The API reference's example create request, as the spec embeds it.
pub fn documented_create_request() -> Value {
    super::spec()["paths"][otc_vpcep::spec::CREATE_ENDPOINT_SERVICE.path]["post"]["requestBody"]
        ["content"]["application/json"]["examples"]["documented"]["value"]
        .clone()
}

/// A create request of the documented project that clashes with no other service: the
/// documented example on a backend port of its own (`port`, a number for the UUID's end).
pub fn create_request(port: u32) -> Value {
    let mut body = documented_create_request();
    body["port_id"] = Value::from(format!("aaaaaaaa-0000-4000-8000-{port:012x}"));
    body
}

/// Sends `method` with no body and a token to `path` of the emulator (with its query).
pub async fn request(emulator: &Emulator, method: reqwest::Method, path: &str) -> Answer {
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", emulator.base_url()))
        .header("x-auth-token", "test-token")
        .send()
        .await
        .expect("the emulator answers");
    answer(response).await
}

/// GETs `path` (with its query) of the emulator.
pub async fn get(emulator: &Emulator, path: &str) -> Answer {
    request(emulator, reqwest::Method::GET, path).await
}

/// POSTs `body` as JSON to the documented project's services.
pub async fn create(emulator: &Emulator, body: &Value) -> Answer {
    send_raw(
        emulator,
        reqwest::Method::POST,
        &services_path(DOCUMENTED_PROJECT_ID),
        Some("application/json"),
        &body.to_string(),
    )
    .await
}

/// DELETEs the documented project's service `service_id`.
pub async fn delete(emulator: &Emulator, service_id: &str) -> Answer {
    request(emulator, reqwest::Method::DELETE, &service_path(service_id)).await
}

/// The status of the documented project's service `service_id` as `GET` answers it, or the
/// error code.
pub async fn status_of(emulator: &Emulator, service_id: &str) -> String {
    let answer = get(emulator, &service_path(service_id)).await;
    if answer.status == 200 {
        answer.body["status"]
            .as_str()
            .unwrap_or("(none)")
            .to_owned()
    } else {
        answer.code().to_owned()
    }
}
