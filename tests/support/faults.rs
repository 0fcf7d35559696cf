//! What the `faults_*` tests share: the scripted loopback server of [`super::server`] (which
//! can misbehave on purpose), a client with a tiny retry policy, and a valid request.

#![allow(dead_code, unused_imports)] // each test crate uses a part of it

use std::time::Duration;

use otc_vpcep::{Client, Credentials, RetryPolicy};

pub use super::{
    PROJECT_ID as PROJECT, SERVICE_ID as SERVICE,
    server::{Reply, TestServer as FaultServer},
};

/// The documented example answer of the modify call, as text.
pub fn service_json() -> String {
    super::documented_response().to_string()
}

/// The token the test clients send; it must never show in logs or errors.
pub const TOKEN: &str = "MIIT-secret-token-never-logged";

/// A retry policy with tiny waits, so that the tests stay fast.
pub fn tiny_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(max_attempts)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .with_total_budget(Duration::from_secs(10))
}

/// A client of `server` with a token, `policy` and a 2 s attempt timeout.
pub fn client(server: &FaultServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .retry_policy(policy)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("a valid test client")
}

/// Sends a query of the service.
pub async fn get(client: &Client) -> Result<otc_vpcep::types::EndpointService, otc_vpcep::Error> {
    client.get_endpoint_service(SERVICE).send().await
}

/// Sends a valid modify request.
pub async fn modify(
    client: &Client,
) -> Result<otc_vpcep::types::EndpointService, otc_vpcep::Error> {
    client
        .modify_endpoint_service(SERVICE)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, otc_vpcep::types::Protocol::Tcp)
        .send()
        .await
}
