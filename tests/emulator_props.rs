//! Property tests of the emulator's request parsing: whatever method, path, headers and body
//! arrive, well-formed HTTP or arbitrary bytes, the emulator never panics, and every answer it
//! gives is JSON with an `X-Request-Id`; the only answers without one are hyper's own (400,
//! 414 or 431 with an empty body) for a request that hyper cannot parse, as README says.

#![cfg(feature = "emulator")]

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use crate::support::emulator::{documented_path, put_json};
use otc_vpcep::emulator::{Emulator, documented_service};
use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    runtime::Runtime,
};

/// A runtime for the emulator whose threads are named, so that a panic on them is counted.
fn emulator_runtime() -> (Runtime, Arc<AtomicUsize>) {
    let panics = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&panics);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("emulator") {
            counted.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("emulator")
        .enable_all()
        .build()
        .expect("runtime");
    (runtime, panics)
}

fn start(runtime: &Runtime) -> Emulator {
    runtime
        .block_on(
            Emulator::builder()
                .access_key("AK", "SK")
                .header_read_timeout(Duration::from_millis(150))
                .idle_timeout(Duration::from_millis(150))
                .body_read_timeout(Duration::from_millis(150))
                .start(),
        )
        .expect("the emulator starts")
}

/// A valid request body.
fn valid_body() -> Value {
    serde_json::json!({
        "approval_enabled": true,
        "service_name": "test",
        "ports": [{"client_port": 8081, "server_port": 22, "protocol": "TCP"}]
    })
}

/// Request bodies: any bytes, any JSON, and a valid body, as it is or with one field replaced.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let field = prop::sample::select(vec![
        "approval_enabled",
        "service_name",
        "ports",
        "port_id",
        "vip_port_id",
        "tcp_proxy",
        "description",
        "other",
    ]);
    let value = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
        prop::collection::vec(
            (any::<i32>(), any::<i32>(), ".{0,5}").prop_map(|(c, s, p)| {
                serde_json::json!({"client_port": c, "server_port": s, "protocol": p})
            }),
            0..4
        )
        .prop_map(Value::from),
    ];
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..200),
        2 => (field, value).prop_map(|(f, v)| {
            let mut body = valid_body();
            body[f] = v;
            body.to_string().into_bytes()
        }),
        1 => Just(valid_body().to_string().into_bytes()),
        1 => ".{0,40}".prop_map(String::into_bytes),
    ]
}

/// A path: the documented one mostly, or other segments (percent-encoded arbitrary text).
fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(documented_path()),
        1 => prop::collection::vec(".{0,12}", 0..6).prop_map(|segments| {
            let encoded: Vec<String> = segments
                .iter()
                .map(|s| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string())
                .collect();
            format!("/{}", encoded.join("/"))
        }),
        1 => "/v1/[a-zA-Z0-9_-]{0,70}/vpc-endpoint-services/[0-9a-fA-F-]{0,40}",
    ]
}

/// How a request authenticates: a token mostly, else a made-up signature, or not at all.
fn auth() -> impl Strategy<Value = Option<(String, String)>> {
    prop_oneof![
        3 => Just(Some(("x-auth-token".to_owned(), "t".to_owned()))),
        1 => "SDK-HMAC-SHA256 Access=(AK|x), SignedHeaders=(host;x-sdk-date|x-sdk-date|[ -~]{0,10}), Signature=[0-9a-f]{0,64}"
            .prop_map(|v| Some(("authorization".to_owned(), v))),
        1 => Just(None),
    ]
}

/// The media type: JSON mostly.
fn content_type() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("application/json".to_owned()),
        1 => "[ -~]{0,30}",
    ]
}

/// Headers: the ones the emulator looks at, with odd values, and any.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "x-auth-token",
            "x-sdk-date",
            "content-type",
            "content-length",
            "host",
            "transfer-encoding",
            "expect",
        ])
        .prop_map(str::to_owned),
        "x-[a-z]{1,10}",
    ];
    let value = prop_oneof![
        Just("application/json".to_owned()),
        Just("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00".to_owned()),
        Just("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=zz".to_owned()),
        Just("20260101T000000Z".to_owned()),
        "[ -~]{0,60}",
    ];
    let extra = prop::collection::vec((name, value), 0..5);
    (auth(), content_type(), extra).prop_map(|(auth, content_type, extra)| {
        let mut headers: Vec<_> = auth.into_iter().collect();
        headers.push(("content-type".to_owned(), content_type));
        headers.extend(extra);
        headers
    })
}

fn method() -> impl Strategy<Value = reqwest::Method> {
    prop_oneof![
        3 => Just(reqwest::Method::PUT),
        1 => prop::sample::select(vec![
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
            reqwest::Method::OPTIONS,
        ]),
        1 => "[A-Z]{1,10}".prop_map(|m| reqwest::Method::from_bytes(m.as_bytes()).expect("a token")),
    ]
}

/// An answer from the emulator itself: JSON, with an `X-Request-Id` (a delete's 200 has no
/// body); a success is a service, a list or the quotas; an error has `error_code` and
/// `error_msg`. Or hyper's refusal of what it cannot parse: 400, 414 or 431 with an empty body
/// and no id (README lists them).
fn check_answer(
    method: &str,
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<(), TestCaseError> {
    let Some(request_id) = request_id else {
        prop_assert!(
            [400, 414, 431].contains(&status),
            "HTTP {} without an id",
            status
        );
        prop_assert!(body.is_empty(), "hyper's {} with a body", status);
        return Ok(());
    };
    prop_assert!(!request_id.is_empty(), "HTTP {} with an empty id", status);
    if status == 200 && method == "DELETE" {
        prop_assert!(body.is_empty(), "a delete's 200 with a body");
        return Ok(());
    }
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| TestCaseError::fail(format!("HTTP {status}: not JSON ({e})")))?;
    if status == 200 {
        prop_assert!(
            json["id"].is_string()
                || json["endpoint_services"].is_array()
                || json["quotas"]["resources"].is_array(),
            "{}",
            json
        );
    } else {
        prop_assert!(json["error_code"].is_string(), "{}", json);
        prop_assert!(json["error_msg"].is_string(), "{}", json);
        prop_assert!(
            [400, 401, 404, 405, 408, 413, 431, 503].contains(&status),
            "HTTP {}: {}",
            status,
            json
        );
    }
    Ok(())
}

#[test]
fn any_well_formed_request_gets_a_json_answer_with_an_id() {
    let (runtime, panics) = emulator_runtime();
    let emulator = start(&runtime);
    let client = reqwest::Client::new();
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(method(), path(), headers(), body()),
            |(method, path, headers, body)| {
                let method_name = method.as_str().to_owned();
                let mut request = client
                    .request(method, format!("{}{path}", emulator.base_url()))
                    .body(body);
                for (name, value) in &headers {
                    request = request.header(name, value);
                }
                let Ok(response) = runtime.block_on(request.send()) else {
                    // A header the client cannot send (a bad Content-Length, say).
                    return Ok(());
                };
                let status = response.status().as_u16();
                let request_id = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = runtime
                    .block_on(response.bytes())
                    .map_err(|e| TestCaseError::fail(format!("HTTP {status}: {e}")))?;
                check_answer(&method_name, status, request_id.as_deref(), &body)
            },
        )
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(panics.load(Ordering::SeqCst), 0, "the emulator panicked");
    // A DELETE may have deleted the documented service: seed it again.
    emulator.seed(documented_service()).expect("a valid seed");
    let answer = runtime.block_on(put_json(&emulator, r#"{"approval_enabled":true}"#));
    assert_eq!(answer.status, 200, "still serving");
}

/// Bytes on the wire: a request line and headers, each well-formed mostly and arbitrary
/// sometimes, then a body whose `Content-Length` is right mostly.
fn raw_request() -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        10 => Just("PUT".to_owned()),
        2 => "[A-Z]{1,8}",
        1 => "[ -~]{0,8}",
    ];
    let target = prop_oneof![
        10 => Just(documented_path()),
        2 => "/[!-~]{0,40}",
        1 => prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ];
    let version = prop_oneof![
        20 => Just("HTTP/1.1"),
        1 => prop::sample::select(vec!["HTTP/1.0", "HTTP/2.0", "HTTP/9", ""]),
    ];
    let line = prop_oneof![
        10 => "(x-auth-token|content-type|authorization|transfer-encoding|expect|x-[a-z]{1,5}): [ -~]{0,30}",
        1 => prop::collection::vec(any::<u8>(), 0..30)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ];
    let length = prop_oneof![4 => Just(None), 1 => (0usize..400).prop_map(Some)];
    let headers = (
        auth(),
        content_type(),
        prop::collection::vec(line, 0..4),
        length,
    );
    (method, target, version, headers, body()).prop_map(
        |(method, target, version, (auth, content_type, lines, length), body)| {
            let mut head = format!("{method} {target} {version}\r\nHost: x\r\n");
            if let Some((name, value)) = auth {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
            head.push_str(&format!(
                "Content-Length: {}\r\n",
                length.unwrap_or(body.len())
            ));
            let mut bytes = head.into_bytes();
            for line in lines {
                bytes.extend_from_slice(line.as_bytes());
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"\r\n");
            bytes.extend_from_slice(&body);
            bytes
        },
    )
}

/// Reads one answer: until the connection closes, or the head and `Content-Length` bytes of
/// body have come.
async fn read_answer(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
            if let Some((head, body)) = split_answer(&received)
                && content_length(head).is_some_and(|length| body.len() >= length)
            {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), read).await;
    received
}

fn split_answer(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    Some((head, &bytes[end + 4..]))
}

fn content_length(head: &str) -> Option<usize> {
    head.lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn any_bytes_get_a_json_answer_with_an_id_or_hypers_documented_refusal() {
    let (runtime, panics) = emulator_runtime();
    let emulator = start(&runtime);
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&raw_request(), |request| {
            let answer = runtime.block_on(async {
                let mut stream = tokio::net::TcpStream::connect(emulator.local_addr())
                    .await
                    .expect("connect");
                let _ = stream.write_all(&request).await;
                read_answer(&mut stream).await
            });
            if answer.is_empty() {
                return Ok(()); // closed without an answer (a timeout, the HTTP/2 preface)
            }
            let (head, body) = split_answer(&answer)
                .ok_or_else(|| TestCaseError::fail(format!("not an answer: {answer:?}")))?;
            let status: u16 = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| TestCaseError::fail(head.to_owned()))?;
            let request_id = head.lines().find_map(|l| l.strip_prefix("x-request-id: "));
            let method = std::str::from_utf8(&request)
                .ok()
                .and_then(|text| text.split(' ').next())
                .unwrap_or_default();
            let length = content_length(head).unwrap_or(body.len());
            check_answer(method, status, request_id, &body[..length.min(body.len())])
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(panics.load(Ordering::SeqCst), 0, "the emulator panicked");
    // A DELETE may have deleted the documented service: seed it again.
    emulator.seed(documented_service()).expect("a valid seed");
    let answer = runtime.block_on(put_json(&emulator, r#"{"approval_enabled":true}"#));
    assert_eq!(answer.status, 200, "still serving");
}
