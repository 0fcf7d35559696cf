//! Property tests: whatever status and body the server answers, the client never panics and
//! returns `Ok` or a typed error consistent with the status, after as many attempts as the
//! error's `is_retryable` says.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use crate::support::faults::{FaultServer, Reply, client, modify, service_json, tiny_policy};
use otc_vpcep::{Error, RetryPolicy};
use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};
use serde_json::Value;

/// Statuses: the interesting ones often, any final status (200..=999) sometimes.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![200u16, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503, 504]),
        2 => 200u16..=999,
    ]
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "EndPoint.0022",
            "endpoint.0022",
            "EndPoint.0001",
            "APIG.0303",
            "TCP",
            "available"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Object keys: the ones the client looks at, and any.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "error_code",
            "error_msg",
            "code",
            "message",
            "request_id",
            "error",
            "id",
            "status",
            "ports",
            "protocol",
            "client_port",
            "tcp_proxy",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

/// Bodies: any bytes, any JSON, and the documented success body with one field replaced.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        json().prop_map(|v| v.to_string().into_bytes()),
        (key(), json()).prop_map(|(k, v)| {
            let mut service: Value = serde_json::from_str(&service_json()).expect("example");
            service[k] = v;
            service.to_string().into_bytes()
        }),
    ]
}

/// Headers that may come with the answer; `Retry-After` never asks for a real wait.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let retry_after = prop::option::of(prop::sample::select(vec![
        "0",
        "soon",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "-3",
    ]));
    let request_id = prop::option::of("[!-~]{1,40}");
    (retry_after, request_id).prop_map(|(retry_after, request_id)| {
        let mut headers = Vec::new();
        if let Some(value) = retry_after {
            headers.push(("Retry-After".to_owned(), value.to_owned()));
        }
        if let Some(value) = request_id {
            headers.push(("X-Request-Id".to_owned(), value));
        }
        headers
    })
}

#[test]
fn any_answer_is_ok_or_a_typed_error_consistent_with_its_status() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let reply = Arc::new(Mutex::new(Reply::ok()));
    let scripted = Arc::clone(&reply);
    let server = runtime.block_on(FaultServer::start(move |_, _| {
        scripted.lock().expect("reply").clone()
    }));
    let client = client(&server, tiny_policy(2));

    let mut runner = TestRunner::new(Config {
        cases: 384,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(status(), body(), headers()), |(status, body, headers)| {
            *reply.lock().expect("reply") = Reply::Http {
                status,
                headers,
                body,
            };
            server.reset_log();
            let result = runtime.block_on(modify(&client));
            let hits = server.hits();
            let error_status = (400..=599).contains(&status);
            match &result {
                Ok(_) => prop_assert_eq!(status, 200),
                Err(Error::Api(api)) => {
                    prop_assert!(error_status, "API error for HTTP {}", status);
                    prop_assert_eq!(api.status, status);
                    prop_assert!(api.raw_body.as_ref().is_none_or(|b| b.len() <= 4096));
                }
                Err(Error::InvalidResponse {
                    status: seen,
                    excerpt,
                    ..
                }) => {
                    prop_assert!(!error_status, "undecodable error answer {}", status);
                    prop_assert_eq!(*seen, Some(status));
                    prop_assert!(
                        excerpt.len() <= 512 * 3,
                        "excerpt of {} bytes",
                        excerpt.len()
                    );
                }
                Err(other) => prop_assert!(false, "HTTP {} gave {:?}", status, other),
            }
            let retryable = result.as_ref().err().is_some_and(Error::is_retryable);
            prop_assert_eq!(
                hits,
                if retryable { 2 } else { 1 },
                "HTTP {}: {:?}",
                status,
                result
            );
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
}

proptest! {
    #![proptest_config(Config { cases: 512, failure_persistence: None, ..Config::default() })]

    #[test]
    fn backoff_stays_under_its_ceiling_and_the_cap(
        initial_ms in 0u64..10_000,
        extra_ms in 0u64..100_000,
        retry in 0u32..100,
    ) {
        let initial = Duration::from_millis(initial_ms);
        let max = initial + Duration::from_millis(extra_ms);
        let policy = RetryPolicy::default().with_backoff(initial, max);
        let ceiling = policy.backoff_ceiling(retry);
        prop_assert!(ceiling <= max);
        prop_assert!(ceiling >= initial.min(max));
        prop_assert!(policy.backoff(retry) <= ceiling);
        prop_assert!(policy.backoff_ceiling(retry + 1) >= ceiling);
    }
}
