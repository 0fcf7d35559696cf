//! Retries, backoff, `Retry-After`, the total budget and timeouts, against the fault server.

use std::time::{Duration, Instant};

use crate::support::faults::{
    FaultServer, PROJECT, Reply, SERVICE, TOKEN, client, get, modify, tiny_policy,
};
use otc_vpcep::{Client, Error, RetryPolicy};

#[tokio::test]
async fn a_503_then_200_succeeds_on_the_second_attempt() {
    let server = FaultServer::sequence(
        vec![Reply::error(503, "APIG.0201", "Backend unavailable")],
        Reply::ok(),
    )
    .await;
    let service = modify(&client(&server, tiny_policy(4)))
        .await
        .expect("retried to success");
    assert_eq!(service.service_name.as_deref(), Some("test123"));
    assert_eq!(server.hits(), 2);
}

/// GET is idempotent: a 503 and a reset connection are retried, a 404 never.
#[tokio::test]
async fn a_query_retries_a_503_and_a_reset_but_never_a_404() {
    let server = FaultServer::sequence(
        vec![
            Reply::error(503, "APIG.0201", "Backend unavailable"),
            Reply::Reset,
        ],
        Reply::ok(),
    )
    .await;
    let service = get(&client(&server, tiny_policy(4)))
        .await
        .expect("retried to success");
    assert_eq!(service.id, "4189d3c2-8882-4871-a3c2-d380272eed83");
    assert_eq!(server.hits(), 3);
    assert!(server.received().iter().all(|r| r.method == "GET"));

    let server = FaultServer::always(Reply::error(
        404,
        "EndPoint.0005",
        "The requested resource does not exist.",
    ))
    .await;
    let error = get(&client(&server, tiny_policy(4))).await.unwrap_err();
    assert_eq!(error.error_code(), Some("EndPoint.0005"));
    assert_eq!(server.hits(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn the_rate_limit_400_is_retried_in_any_case_of_its_code() {
    for code in ["EndPoint.0022", "endpoint.0022"] {
        let server = FaultServer::sequence(
            vec![Reply::error(
                400,
                code,
                "The number of requests exceeded the limit.",
            )],
            Reply::ok(),
        )
        .await;
        modify(&client(&server, tiny_policy(4)))
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(server.hits(), 2, "{code}");
    }
}

#[tokio::test]
async fn always_500_stops_at_max_attempts_with_the_last_status_and_code() {
    let server = FaultServer::start(|n, _| {
        Reply::error(
            500,
            "EndPoint.0001",
            &format!("System error {n}. Please retry."),
        )
    })
    .await;
    let error = modify(&client(&server, tiny_policy(3))).await.unwrap_err();
    assert_eq!(server.hits(), 3);
    let Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(api.status, 500);
    assert!(api.code_is("EndPoint.0001"));
    assert_eq!(
        api.message, "System error 2. Please retry.",
        "the last answer"
    );
    assert_eq!(api.request_id.as_deref(), Some("req-500"));
    assert!(error.is_retryable());
    assert_eq!(error.error_code(), Some("EndPoint.0001"));
    assert_eq!(error.request_id(), Some("req-500"));
    assert_eq!(error.status(), Some(500));
}

#[tokio::test]
async fn every_retryable_5xx_is_retried_and_other_5xx_are_not() {
    for (status, retried) in [
        (500, true),
        (502, true),
        (503, true),
        (504, true),
        (501, false),
    ] {
        let server = FaultServer::always(Reply::error(status, "X.1", "boom")).await;
        let error = modify(&client(&server, tiny_policy(2))).await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(server.hits(), if retried { 2 } else { 1 }, "{status}");
    }
}

#[tokio::test]
async fn documented_4xx_are_typed_and_not_retried() {
    for (status, code, message) in [
        (
            401,
            "EndPoint.0003",
            "Authentication failed or authentication information is invalid.",
        ),
        (
            403,
            "EndPoint.0004",
            "Authentication information is incorrect or you have no permissions.",
        ),
        (
            404,
            "EndPoint.0005",
            "The requested resource does not exist.",
        ),
        (400, "EndPoint.0002", "Parameter error."),
        (
            400,
            "EndPoint.3045",
            "The endpoint service status is not available.",
        ),
        (
            401,
            "APIG.0303",
            "Incorrect app authentication information.",
        ),
    ] {
        let server = FaultServer::always(Reply::error(status, code, message)).await;
        let error = modify(&client(&server, tiny_policy(4))).await.unwrap_err();
        assert_eq!(server.hits(), 1, "{code} must not be retried");
        let Error::Api(api) = &error else {
            panic!("{code}: not an API error: {error:?}")
        };
        assert_eq!(
            (api.status, api.code.as_str(), api.message.as_str()),
            (status, code, message)
        );
        assert_eq!(
            api.request_id.as_deref(),
            Some(format!("req-{status}").as_str())
        );
        assert_eq!(api.raw_body, None);
        assert!(!error.is_retryable(), "{code}");
        assert!(!error.to_string().contains(TOKEN));
    }
}

#[tokio::test]
async fn each_attempt_is_authorized_and_carries_the_same_request() {
    let server = FaultServer::sequence(
        vec![
            Reply::error(502, "", ""),
            Reply::error(504, "EndPoint.0013", "timed out"),
        ],
        Reply::ok(),
    )
    .await;
    modify(&client(&server, tiny_policy(4)))
        .await
        .expect("third attempt succeeds");
    let received = server.received();
    assert_eq!(received.len(), 3);
    let path = crate::support::service_path(PROJECT, SERVICE);
    for request in &received {
        assert_eq!(
            (request.method.as_str(), request.path()),
            ("PUT", path.as_str())
        );
        assert_eq!(request.header("x-auth-token"), Some(TOKEN));
        assert_eq!(request.header("api-version"), None);
        assert_eq!(request.body, received[0].body);
    }
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).expect("JSON body");
    assert_eq!(body["service_name"], "test");
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = FaultServer::always(Reply::error(503, "", "")).await;
    let off = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .no_retries()
        .build()
        .expect("client");
    assert_eq!(off.retry_policy().max_attempts(), 1);
    assert_eq!(modify(&off).await.unwrap_err().status(), Some(503));
    assert_eq!(server.hits(), 1);

    server.reset_log();
    let disabled = client(&server, RetryPolicy::disabled());
    modify(&disabled).await.unwrap_err();
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn max_attempts_on_the_builder_keeps_the_rest_of_the_policy() {
    let server = FaultServer::always(Reply::error(503, "", "")).await;
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .retry_policy(tiny_policy(9))
        .max_attempts(2)
        .build()
        .expect("client");
    assert_eq!(client.retry_policy(), &tiny_policy(2));
    modify(&client).await.unwrap_err();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = FaultServer::sequence(
        vec![Reply::error(503, "", "").with_header("Retry-After", "1")],
        Reply::ok(),
    )
    .await;
    let started = Instant::now();
    modify(&client(&server, tiny_policy(2)))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.hits(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_ends_the_call_at_once() {
    let server = FaultServer::always(
        Reply::error(400, "EndPoint.0022", "slow down").with_header("Retry-After", "3600"),
    )
    .await;
    let error = modify(&client(&server, tiny_policy(4))).await.unwrap_err();
    assert_eq!(server.hits(), 1);
    assert!(error.is_retryable());
    assert_eq!(error.error_code(), Some("EndPoint.0022"));
}

#[tokio::test]
async fn the_total_budget_bounds_the_attempts() {
    let server = FaultServer::always(Reply::error(503, "", "")).await;
    // Waits of up to 200 ms within a 250 ms budget leave room for only a few attempts.
    let policy = RetryPolicy::default()
        .with_max_attempts(50)
        .with_backoff(Duration::from_millis(200), Duration::from_millis(200))
        .with_total_budget(Duration::from_millis(250));
    let started = Instant::now();
    modify(&client(&server, policy)).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!((1..50).contains(&server.hits()), "{}", server.hits());
}

#[tokio::test]
async fn an_answer_that_never_comes_times_out_within_its_bound() {
    let server = FaultServer::always(Reply::Silence).await;
    let timeout = Duration::from_millis(200);
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .retry_policy(tiny_policy(2))
        .timeout(timeout)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = modify(&client).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(
        error.to_string().ends_with(": operation timed out"),
        "{error}"
    );
    assert!(error.is_retryable());
    assert_eq!(server.hits(), 2, "a timed-out attempt is retried");
    assert!(elapsed >= 2 * timeout, "{elapsed:?}");
    assert!(
        elapsed < 2 * timeout + Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_body_that_stalls_times_out_too() {
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n{\"id\":".to_vec();
    let server = FaultServer::always(Reply::Stall(head)).await;
    let timeout = Duration::from_millis(200);
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .no_retries()
        .timeout(timeout)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = modify(&client).await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() >= timeout, "{:?}", started.elapsed());
    assert!(
        started.elapsed() < timeout + Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn the_total_budget_cuts_an_attempt_that_hangs() {
    let server = FaultServer::always(Reply::Silence).await;
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .retry_policy(tiny_policy(4).with_total_budget(Duration::from_millis(300)))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = modify(&client).await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let server = FaultServer::sequence(vec![Reply::Reset], Reply::ok()).await;
    modify(&client(&server, tiny_policy(3)))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn always_reset_ends_in_a_transport_error_after_max_attempts() {
    let server = FaultServer::always(Reply::Reset).await;
    let error = modify(&client(&server, tiny_policy(3))).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_body_that_breaks_off_is_retried() {
    let cut =
        b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\nConnection: close\r\n\r\n{\"id\":".to_vec();
    let server = FaultServer::sequence(vec![Reply::Raw(cut.clone())], Reply::ok()).await;
    modify(&client(&server, tiny_policy(3)))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.hits(), 2);

    let always = FaultServer::always(Reply::Raw(cut)).await;
    let error = modify(&client(&always, tiny_policy(2))).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(always.hits(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let client = Client::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .retry_policy(tiny_policy(2))
        .build()
        .expect("client");
    let error = modify(&client).await.unwrap_err();
    let Error::Transport(inner) = &error else {
        panic!("not a transport error: {error:?}")
    };
    assert!(inner.is_connect(), "{inner:?}");
    assert!(error.is_retryable());
}

#[test]
fn broken_timeouts_and_policies_are_refused_by_name() {
    let error = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .project_id(PROJECT)
        .timeout(Duration::ZERO)
        .connect_timeout(Duration::ZERO)
        .retry_policy(RetryPolicy::default().with_max_attempts(0))
        .build()
        .unwrap_err();
    let Error::InvalidConfig(violations) = &error else {
        panic!("not a config error: {error:?}")
    };
    let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        ["timeout", "connect_timeout", "retry_policy.max_attempts"]
    );
}

#[tokio::test]
async fn transport_errors_say_why_they_happened() {
    for (reply, reason) in [
        (
            Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Le".to_vec()),
            "connection closed before message completed",
        ),
        (
            Reply::Raw(b"HTTP/1.1 200 OK\r\nX-Bad\x01: 1\r\n\r\n".to_vec()),
            "invalid HTTP header parsed",
        ),
        (
            Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n{".to_vec()),
            "end of file before message length reached",
        ),
    ] {
        let server = FaultServer::always(reply).await;
        let error = modify(&client(&server, tiny_policy(1))).await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        let text = error.to_string();
        assert!(text.starts_with("transport error: "), "{text}");
        assert!(text.ends_with(reason), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
}
