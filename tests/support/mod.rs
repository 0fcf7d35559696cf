//! What the tests share, in one place: the spec's documented examples and a client of the
//! documented project (here), and by job:
//!
//! - [`server`]: a scripted loopback server that records what it received and can misbehave;
//! - [`auth`]: that server for the authentication tests, and replays to the emulator;
//! - [`faults`]: that server for the `faults_*` tests, with a tiny retry policy;
//! - [`emulator`]: clients of an in-process emulator, and raw requests to it;
//! - [`cli`]: the `vpcep` binary in a clean environment, and `vpcep emulator` running;
//! - [`tls`]: certificates made at test time, a CONNECT proxy, temporary folders;
//! - [`logs`]: the `tracing` events of a test, captured as text.
//!
//! Each `tests/*.rs` is a module of the one test binary (`tests/main.rs`) and uses a part of it.

#![allow(dead_code, unused_imports)] // without the features, the tests that use some of it are left out

pub mod auth;
pub mod cli;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod faults;
pub mod logs;
pub mod server;
pub mod tls;

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

/// A client configuration of the documented project at `endpoint`, with `credentials`.
pub fn builder_as(endpoint: &str, credentials: otc_vpcep::Credentials) -> otc_vpcep::ClientBuilder {
    otc_vpcep::Client::builder()
        .endpoint(endpoint)
        .project_id(PROJECT_ID)
        .credentials(credentials)
}

/// A client of the documented project at `endpoint`, with a test token.
pub fn client(endpoint: &str) -> otc_vpcep::Client {
    builder_as(endpoint, otc_vpcep::Credentials::token("test-token"))
        .build()
        .expect("a valid configuration")
}

/// The violations of a configuration that must fail to build, as `field: rule` strings.
pub fn config_violations(builder: otc_vpcep::ClientBuilder) -> Vec<String> {
    match builder.build() {
        Err(otc_vpcep::Error::InvalidConfig(violations)) => {
            violations.iter().map(ToString::to_string).collect()
        }
        Err(other) => panic!("expected InvalidConfig, got {other:?}"),
        Ok(_) => panic!("expected InvalidConfig, the client was built"),
    }
}
