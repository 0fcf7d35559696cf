//! The `tracing` events of attempts and retries: what they say, and that no secret or header
//! value is in them.

use crate::support::{
    faults::{FaultServer, PROJECT, Reply, SERVICE, TOKEN, modify, tiny_policy},
    logs::Logs,
};
use otc_vpcep::{Client, Credentials};

async fn logs_of(server: &FaultServer, credentials: Credentials) -> String {
    let logs = Logs::capture(tracing::Level::DEBUG);
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(credentials)
        .retry_policy(tiny_policy(3))
        .build()
        .expect("client");
    let _ = modify(&client).await;
    logs.text()
}

#[tokio::test]
async fn every_attempt_and_retry_is_traced_with_method_path_status_attempt_and_delay() {
    let server = FaultServer::sequence(
        vec![Reply::error(503, "", "").with_header("X-Request-Id", "header-value-503")],
        Reply::ok(),
    )
    .await;
    let logs = logs_of(&server, Credentials::token(TOKEN)).await;
    let path = crate::support::service_path(PROJECT, SERVICE);
    let lines: Vec<&str> = logs.lines().collect();

    let sent: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("sending attempt"))
        .collect();
    assert_eq!(sent.len(), 2, "{logs}");
    for (n, line) in sent.iter().enumerate() {
        assert!(line.contains(&format!("attempt={}", n + 1)), "{line}");
        assert!(line.contains("PUT") && line.contains(&path), "{line}");
    }
    let retries: Vec<_> = lines.iter().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 1, "{logs}");
    for field in ["attempt=1", "status=503", "delay_ms=", "PUT", path.as_str()] {
        assert!(
            retries[0].contains(field),
            "{field} missing in {}",
            retries[0]
        );
    }
    let answers: Vec<_> = lines.iter().filter(|l| l.contains(" answer")).collect();
    assert!(
        answers
            .iter()
            .any(|l| l.contains("status=200") && l.contains("attempt=2")),
        "{logs}"
    );
    assert!(!logs.contains(TOKEN), "{logs}");
    assert!(!logs.contains("header-value-503"), "{logs}");
}

#[tokio::test]
async fn transport_failures_are_traced_by_kind_without_secrets() {
    let server = FaultServer::always(Reply::Reset).await;
    let logs = logs_of(
        &server,
        Credentials::access_key("AKEXAMPLE", "SK-super-secret"),
    )
    .await;
    let failed = logs
        .lines()
        .filter(|l| l.contains("attempt failed"))
        .count();
    assert_eq!(failed, 3, "{logs}");
    assert!(
        logs.contains("failure=\"request\"") || logs.contains("failure=request"),
        "{logs}"
    );
    assert!(logs.contains("giving up"), "{logs}");
    assert!(!logs.contains("SK-super-secret"), "{logs}");
}

#[tokio::test]
async fn budget_exhaustion_and_pacing_cuts_are_traced_without_secrets() {
    let logs = Logs::capture(tracing::Level::INFO);
    let server = FaultServer::always(Reply::error(
        400,
        "EndPoint.0022",
        "The number of requests exceeded the limit. Please try later.",
    ))
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .retry_policy(tiny_policy(4))
        .retry_budget(otc_vpcep::RetryBudget::new(5))
        .build()
        .expect("client");
    let error = crate::support::faults::get(&client)
        .await
        .expect_err("always rate limited");
    assert!(
        matches!(error, otc_vpcep::Error::RetryBudgetSpent(_)),
        "{error:?}"
    );
    let logs = logs.text();
    assert!(logs.contains("retry budget spent"), "{logs}");
    assert!(logs.contains("capacity=5"), "{logs}");
    assert!(logs.contains("send rate cut"), "{logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
}
