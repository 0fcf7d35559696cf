//! Waiting for `available` against the emulator: services that become available, fail, go
//! away or settle after a change, and polls that meet faults. (The time limit itself is
//! tested on tokio's paused clock, in `src/operations/wait.rs`.)

#![cfg(feature = "emulator")]

use std::time::{Duration, Instant};

use crate::support::emulator::{builder, client, client_without_retries, until_received};
use otc_vpcep::{
    Client, Error, OpenEnum, WaitError,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, documented_service},
    types::{EndpointService, Protocol, ServiceError, ServiceStatus},
};

const OTHER_ID: &str = "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11";

/// A service of the documented project with the ID `OTHER_ID` and this status.
fn other_service(status: ServiceStatus) -> EndpointService {
    let mut service = documented_service();
    service.id = OTHER_ID.to_owned();
    service.port_id = None;
    service.status = Some(OpenEnum::Known(status));
    service
}

/// A wait with short pauses, fit for a test.
fn quick_wait(
    client: &Client,
    service_id: &str,
    timeout: Duration,
) -> impl Future<Output = Result<EndpointService, Error>> {
    client
        .wait_until_available(service_id, timeout)
        .poll_interval(Duration::from_millis(20), Duration::from_millis(80))
        .send()
}

/// Why the wait ended, or a panic naming what came instead.
fn ended(result: Result<EndpointService, Error>) -> WaitError {
    match result {
        Err(Error::Wait(wait)) => *wait,
        other => panic!("expected the wait to fail, got {other:?}"),
    }
}

fn status(service: &EndpointService) -> String {
    service
        .status
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

#[tokio::test]
async fn a_creating_service_is_waited_for_until_it_is_available() {
    let started = Instant::now();
    let emulator = Emulator::builder()
        .service_available_after(
            other_service(ServiceStatus::Creating),
            Duration::from_millis(300),
        )
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let mut seen = Vec::new();
    let service = client
        .wait_until_available(OTHER_ID, Duration::from_secs(10))
        .poll_interval(Duration::from_millis(20), Duration::from_millis(80))
        .on_poll(|service| seen.push(status(service)))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status(&service), "available");
    assert!(seen.len() >= 2, "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("available"));
    assert!(
        seen[..seen.len() - 1].iter().all(|s| s == "creating"),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_failed_service_ends_the_wait_with_its_errors_in_both_spellings() {
    let emulator = Emulator::start().await.unwrap();
    let mut failed = other_service(ServiceStatus::Failed);
    failed.error = serde_json::from_value(serde_json::json!([
        {"error_code": "EndPoint.3008", "error_message": "The port does not exist."},
        {"code": "EndPoint.2004", "message": "The VPC does not exist."}
    ]))
    .unwrap();
    emulator.seed(failed).unwrap();
    let error = ended(quick_wait(&client(&emulator), OTHER_ID, Duration::from_secs(10)).await);
    let WaitError::Failed { service_id, errors } = &error else {
        panic!("expected a failed service, got {error:?}");
    };
    assert_eq!(service_id, OTHER_ID);
    assert_eq!(
        errors,
        &[
            ServiceError {
                error_code: Some("EndPoint.3008".into()),
                error_message: Some("The port does not exist.".into()),
                code: None,
                message: None,
            },
            ServiceError {
                error_code: None,
                error_message: None,
                code: Some("EndPoint.2004".into()),
                message: Some("The VPC does not exist.".into()),
            },
        ]
    );
    assert_eq!(
        error.to_string(),
        format!(
            "service {OTHER_ID} is failed: EndPoint.3008: The port does not exist.; \
             EndPoint.2004: The VPC does not exist."
        )
    );
}

#[tokio::test]
async fn deleting_or_gone_ends_the_wait() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .seed(other_service(ServiceStatus::Deleting))
        .unwrap();
    let client = client(&emulator);
    let error = ended(quick_wait(&client, OTHER_ID, Duration::from_secs(10)).await);
    assert!(matches!(error, WaitError::Deleting { .. }), "{error:?}");

    let gone = "11111111-2222-4333-8444-555555555555";
    let result = quick_wait(&client, gone, Duration::from_secs(10)).await;
    let Err(error) = result else {
        panic!("expected an error, got {result:?}");
    };
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.error_code(), Some("EndPoint.0005"));
    assert!(error.request_id().is_some());
    assert!(
        matches!(ended(Err(error)), WaitError::NotFound { ref service_id, .. } if service_id == gone)
    );
}

#[tokio::test]
async fn the_time_limit_ends_the_wait_naming_the_last_status() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .seed(other_service(ServiceStatus::Creating))
        .unwrap();
    let started = Instant::now();
    let error = ended(quick_wait(&client(&emulator), OTHER_ID, Duration::from_millis(300)).await);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        error.to_string(),
        format!("service {OTHER_ID} is not available after 300ms: its last status was creating")
    );
}

#[tokio::test]
async fn a_503_during_polling_does_not_end_the_wait() {
    let emulator = Emulator::start().await.unwrap();
    // Without the client's own retries, the wait polls on.
    emulator.fail_next(2, 503, "EndPoint.0001");
    let service = quick_wait(
        &client_without_retries(&emulator),
        DOCUMENTED_SERVICE_ID,
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    assert_eq!(status(&service), "available");
    assert_eq!(emulator.requests_received(), 3);
}

#[tokio::test]
async fn polls_go_through_the_hooks_retries_and_authentication() {
    let emulator = Emulator::builder().token("right").start().await.unwrap();
    let retrying = builder(&emulator)
        .credentials(otc_vpcep::Credentials::token("right"))
        .retry_policy(
            otc_vpcep::RetryPolicy::default()
                .with_backoff(Duration::from_millis(10), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    emulator.fail_next(1, 400, "EndPoint.0022");
    quick_wait(&retrying, DOCUMENTED_SERVICE_ID, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(emulator.requests_received(), 2, "the rate limit, retried");

    let wrong = builder(&emulator)
        .credentials(otc_vpcep::Credentials::token("wrong"))
        .build()
        .unwrap();
    let result = quick_wait(&wrong, DOCUMENTED_SERVICE_ID, Duration::from_secs(10)).await;
    let Err(error) = result else {
        panic!("expected a refusal, got {result:?}");
    };
    assert_eq!(error.error_code(), Some("EndPoint.0003"));
}

#[tokio::test]
async fn a_bad_wait_is_refused_before_any_poll() {
    let emulator = Emulator::start().await.unwrap();
    let result = client(&emulator)
        .wait_until_available("nope", Duration::ZERO)
        .poll_interval(Duration::from_secs(2), Duration::from_secs(1))
        .send()
        .await;
    let Err(Error::InvalidRequest(v)) = result else {
        panic!("expected a refusal, got {result:?}");
    };
    let fields: Vec<&str> = v.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        ["vpc_endpoint_service_id", "timeout", "poll_interval"]
    );
    assert_eq!(emulator.requests_received(), 0);
}

#[tokio::test]
async fn after_a_modify_a_settling_service_is_creating_and_refuses_another() {
    let emulator = Emulator::builder()
        .settle_after_modify(Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let client = client_without_retries(&emulator);
    let answered = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .description("first")
        .send()
        .await
        .unwrap();
    assert_eq!(status(&answered), "creating");
    let read = client
        .get_endpoint_service(DOCUMENTED_SERVICE_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(status(&read), "creating");
    let refused = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .description("second")
        .send()
        .await;
    assert_eq!(refused.unwrap_err().error_code(), Some("EndPoint.3045"));

    // Once it is available again, a modify that waits answers the service when it is
    // available after its own change.
    quick_wait(&client, DOCUMENTED_SERVICE_ID, Duration::from_secs(10))
        .await
        .unwrap();
    let started = Instant::now();
    let waited = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .description("third")
        .wait_until_available(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(status(&waited), "available");
    assert_eq!(waited.description.as_deref(), Some("third"));
}

#[tokio::test]
async fn a_change_that_waits_holds_back_the_next_change_of_the_service() {
    let emulator = Emulator::builder()
        .settle_after_modify(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let client = client_without_retries(&emulator);
    let first = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
                .add_port(8443, 443, Protocol::Tcp)
                .wait_until_available(Duration::from_secs(10))
                .send()
                .await
        })
    };
    until_received(&emulator, 2).await;
    // The first edit has written and waits; this one starts only after it is done, so it
    // meets an available service instead of EndPoint.3045.
    let second = client
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .add_port(8444, 444, Protocol::Tcp)
        .send()
        .await
        .unwrap();
    let first = first.await.unwrap().unwrap();
    assert_eq!(status(first.after.as_ref().unwrap()), "available");
    assert_eq!(status(&second.before), "available");
    assert_eq!(
        second.before.ports.len(),
        3,
        "the first edit's mapping was read"
    );
    assert_eq!(
        emulator
            .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
            .unwrap()
            .ports
            .len(),
        4
    );
}

#[tokio::test]
async fn a_service_that_fails_while_waited_for_ends_the_wait() {
    let emulator = Emulator::builder()
        .service_available_after(
            other_service(ServiceStatus::Creating),
            Duration::from_secs(1),
        )
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let wait = quick_wait(&client, OTHER_ID, Duration::from_secs(10));
    let fail = async {
        until_received(&emulator, 2).await;
        emulator.update_service(DOCUMENTED_PROJECT_ID, OTHER_ID, |service| {
            service.status = Some(OpenEnum::Known(ServiceStatus::Failed));
        })
    };
    let (result, failed) = tokio::join!(wait, fail);
    assert!(failed.is_some());
    assert!(matches!(ended(result), WaitError::Failed { ref errors, .. } if errors.is_empty()));
    // Its change of status ended its way to `available`.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let now = emulator.service(DOCUMENTED_PROJECT_ID, OTHER_ID).unwrap();
    assert_eq!(status(&now), "failed");
}
