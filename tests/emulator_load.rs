//! The emulator's load faults over HTTP: the rate limit per project (400 `EndPoint.0022`
//! with the documented body and an `X-Request-Id`) and the injected failure rate (503), both
//! before anything is changed; their settings checked by name.

#![cfg(feature = "emulator")]

use crate::support::emulator::put_json;
use otc_vpcep::{
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, EmulatorError},
    types::EndpointService,
};

const RENAME: &str = r#"{"service_name":"renamed"}"#;

fn name_of(emulator: &Emulator) -> Option<String> {
    emulator
        .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
        .and_then(|s: EndpointService| s.service_name)
}

#[tokio::test]
async fn past_the_burst_the_rate_limit_answers_its_documented_error_and_changes_nothing() {
    // A burst of 2 and a refill far slower than the test.
    let emulator = Emulator::builder()
        .rate_limit(0.001, 2)
        .start()
        .await
        .expect("emulator");
    let before = name_of(&emulator);
    let first = put_json(&emulator, r#"{"approval_enabled":true}"#).await;
    let second = put_json(&emulator, r#"{"approval_enabled":false}"#).await;
    assert_eq!((first.status, second.status), (200, 200));
    let refused = put_json(&emulator, RENAME).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.code(), "EndPoint.0022");
    assert_eq!(
        refused.body["error_msg"],
        "The number of requests exceeded the limit. Please try later."
    );
    assert!(refused.request_id.is_some_and(|id| !id.is_empty()));
    assert_eq!(refused.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        name_of(&emulator),
        before,
        "a refused request changes nothing"
    );
    assert_eq!(emulator.requests_rate_limited(), 1);
    assert_eq!(emulator.requests_received(), 3);
}

#[tokio::test]
async fn the_rate_limit_is_per_project() {
    let other = "0123456789abcdef0123456789abcdef";
    let emulator = Emulator::builder()
        .rate_limit(0.001, 1)
        .start()
        .await
        .expect("emulator");
    assert_eq!(put_json(&emulator, RENAME).await.status, 200);
    assert_eq!(put_json(&emulator, RENAME).await.code(), "EndPoint.0022");
    // Another project has a bucket of its own (and answers its own 404).
    let path = otc_vpcep::spec::GET_ENDPOINT_SERVICE.path_with(&[
        ("project_id", other),
        ("vpc_endpoint_service_id", DOCUMENTED_SERVICE_ID),
    ]);
    let answer =
        crate::support::emulator::send_raw(&emulator, reqwest::Method::GET, &path, None, "").await;
    assert_eq!(answer.code(), "EndPoint.0005");
}

#[tokio::test]
async fn an_injected_failure_answers_503_before_the_change_is_applied() {
    let emulator = Emulator::builder()
        .failure_rate(1.0)
        .start()
        .await
        .expect("emulator");
    let before = name_of(&emulator);
    for _ in 0..5 {
        let answer = put_json(&emulator, RENAME).await;
        assert_eq!(answer.status, 503);
        assert_eq!(answer.code(), "EndPoint.0001");
        assert!(answer.request_id.is_some());
    }
    assert_eq!(
        name_of(&emulator),
        before,
        "a failed request changes nothing"
    );
    assert_eq!(emulator.requests_failed(), 5);
}

#[tokio::test]
async fn a_share_of_requests_fails() {
    let emulator = Emulator::builder()
        .failure_rate(0.25)
        .start()
        .await
        .expect("emulator");
    let http = reqwest::Client::new();
    let url = format!(
        "{}{}",
        emulator.base_url(),
        crate::support::emulator::documented_path()
    );
    let mut failed = 0;
    for _ in 0..400 {
        let answer = http
            .get(&url)
            .header("x-auth-token", "test-token")
            .send()
            .await
            .expect("answered");
        match answer.status().as_u16() {
            503 => failed += 1,
            200 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    // 100 expected; the bounds are more than six standard deviations (8.7) away.
    assert!((45..=155).contains(&failed), "{failed} of 400 failed");
    assert_eq!(emulator.requests_failed(), failed);
}

#[tokio::test]
async fn broken_load_settings_are_refused_by_name() {
    let error = Emulator::builder()
        .rate_limit(-1.0, 0)
        .failure_rate(2.0)
        .start()
        .await
        .expect_err("refused");
    let EmulatorError::InvalidConfig(problems) = &error else {
        panic!("{error:?}");
    };
    let text = problems.join("; ");
    for name in ["rate_limit", "burst", "failure_rate"] {
        assert!(text.contains(name), "{name} not in {text}");
    }
}
