//! What the tests share: the spec's documented examples, a client of the documented project,
//! and a scripted loopback server ([`server`]).

#![allow(dead_code)] // each test crate uses a part of it

pub mod server;

use serde_json::Value;

pub const PROJECT_ID: &str = "6e9dfd51d1124e8d8498dce894923a0d";
pub const SERVICE_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";

/// The spec, as JSON.
pub fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vpcep.yaml"))
        .expect("the spec is readable");
    serde_yaml_ng::from_str(&text).expect("the spec is YAML")
}

/// The path of the service `service` of `project` (both operations share it).
pub fn service_path(project: &str, service: &str) -> String {
    otc_vpcep::spec::GET_ENDPOINT_SERVICE.path_with(&[
        ("project_id", project),
        ("vpc_endpoint_service_id", service),
    ])
}

/// The spec's operation `method` (lower case) on the service's path.
pub fn operation_of(method: &str) -> Value {
    spec()["paths"][otc_vpcep::spec::GET_ENDPOINT_SERVICE.path][method].clone()
}

fn operation() -> Value {
    operation_of("put")
}

/// The documented example request, as embedded in the spec.
pub fn documented_request() -> Value {
    operation()["requestBody"]["content"]["application/json"]["examples"]["documented"]["value"]
        .clone()
}

/// The documented example response, as embedded in the spec.
pub fn documented_response() -> Value {
    operation()["responses"]["200"]["content"]["application/json"]["examples"]["documented"]
        ["value"]
        .clone()
}

/// A client of the documented project at `endpoint`, with a test token.
pub fn client(endpoint: &str) -> otc_vpcep::Client {
    otc_vpcep::Client::builder()
        .endpoint(endpoint)
        .project_id(PROJECT_ID)
        .credentials(otc_vpcep::Credentials::token("test-token"))
        .build()
        .expect("a valid configuration")
}
