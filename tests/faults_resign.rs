//! A retried AK/SK request is signed again: a fresh `X-Sdk-Date` and signature per attempt.

use std::time::Duration;

use crate::support::faults::{FaultServer, PROJECT, Reply, modify, tiny_policy};
use otc_vpcep::{Client, Credentials};

#[tokio::test]
async fn each_attempt_carries_a_fresh_signature() {
    // `Retry-After: 1` makes the attempts a second apart, so their `X-Sdk-Date`s differ.
    let server = FaultServer::sequence(
        vec![Reply::error(503, "", "").with_header("Retry-After", "1")],
        Reply::ok(),
    )
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(Credentials::access_key("AK", "SK"))
        .retry_policy(tiny_policy(2))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a valid test client");
    modify(&client).await.expect("retried to success");

    let received = server.received();
    assert_eq!(received.len(), 2);
    let (first, second) = (&received[0], &received[1]);
    for request in [first, second] {
        assert!(request.header("x-sdk-date").is_some());
        assert_eq!(request.header("x-project-id"), Some(PROJECT));
        assert!(
            request
                .header("authorization")
                .is_some_and(|a| a.starts_with("SDK-HMAC-SHA256 Access=AK,"))
        );
    }
    assert_ne!(first.header("x-sdk-date"), second.header("x-sdk-date"));
    assert_ne!(
        first.header("authorization"),
        second.header("authorization")
    );
    assert_eq!(first.body, second.body);
}
