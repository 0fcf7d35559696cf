//! What one client cannot take from the emulator: slow or idle connections are closed within
//! their timeouts, connections and body reads are capped, a declared body over the limit is
//! refused at once, a token is checked before the body is read, and a shutdown is bounded.
//! Every timeout here is configured small, so the tests stay fast.

#![cfg(feature = "emulator")]

use std::time::{Duration, Instant};

use crate::support::emulator::{client, documented_path};
use otc_vpcep::emulator::{Emulator, EmulatorBuilder};
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const BODY: &str = r#"{"approval_enabled":true}"#;

/// The head of a PUT of the documented service with a token and `Content-Length: length`.
fn head(token: &str, length: usize) -> String {
    format!(
        "PUT {} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\n\r\n",
        documented_path()
    )
}

async fn connect(emulator: &Emulator) -> TcpStream {
    TcpStream::connect(emulator.local_addr()).await.unwrap()
}

/// Reads until the emulator closes the connection (or `within` passes: a failure) and
/// returns what it sent.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut received = Vec::new();
    tokio::time::timeout(within, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .expect("the emulator closes the connection in time");
    received
}

/// Whether the emulator keeps the connection open (sends nothing, closes nothing) for `long`.
async fn stays_open(stream: &mut TcpStream, long: Duration) -> bool {
    let mut byte = [0u8; 1];
    tokio::time::timeout(long, stream.read(&mut byte))
        .await
        .is_err()
}

/// Status, `X-Request-Id` and JSON body of one raw answer.
fn parsed(answer: &[u8]) -> (u16, Option<String>, Value) {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete answer");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    let request_id = head
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .map(str::to_owned);
    (
        status,
        request_id,
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

fn quick() -> EmulatorBuilder {
    Emulator::builder()
        .header_read_timeout(Duration::from_millis(300))
        .idle_timeout(Duration::from_millis(600))
        .body_read_timeout(Duration::from_millis(400))
}

async fn modify_ok(emulator: &Emulator) {
    client(emulator)
        .modify_endpoint_service(otc_vpcep::emulator::DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .expect("a normal client is served");
}

#[tokio::test]
async fn slow_headers_and_silent_sockets_are_closed_while_others_are_served() {
    let emulator = quick().start().await.unwrap();
    let started = Instant::now();
    let mut silent = connect(&emulator).await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = connect(&emulator).await;
        stream.write_all(b"PUT / HTTP/1.1\r\n").await.unwrap();
        slow.push(stream);
    }
    let dripping = tokio::spawn(async move {
        // One byte of a header every 50 ms, as a slow-loris client sends them.
        for _ in 0..40 {
            for stream in &mut slow {
                let _ = stream.write_all(b"x").await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        slow
    });
    modify_ok(&emulator).await;
    assert!(
        until_closed(&mut silent, Duration::from_secs(3))
            .await
            .is_empty()
    );
    let closed_after = started.elapsed();
    assert!(
        closed_after >= Duration::from_millis(250),
        "{closed_after:?}"
    );
    let mut slow = dripping.await.unwrap();
    for stream in &mut slow {
        assert!(
            until_closed(stream, Duration::from_millis(100))
                .await
                .is_empty()
        );
    }
    modify_ok(&emulator).await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let emulator = quick().start().await.unwrap();
    let mut stream = connect(&emulator).await;
    let request = format!("{}{BODY}", head("t", BODY.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = stream.read(&mut answer).await.unwrap();
    assert_eq!(parsed(&answer[..n]).0, 200);
    let answered = Instant::now();
    // Longer than the header-read timeout: idle is not slow.
    assert!(stays_open(&mut stream, Duration::from_millis(400)).await);
    assert!(
        until_closed(&mut stream, Duration::from_secs(3))
            .await
            .is_empty()
    );
    assert!(
        answered.elapsed() >= Duration::from_millis(550),
        "{:?}",
        answered.elapsed()
    );
}

#[tokio::test]
async fn a_stalled_body_gets_a_json_408_within_the_body_read_timeout() {
    let emulator = quick().start().await.unwrap();
    let mut stream = connect(&emulator).await;
    let started = Instant::now();
    stream.write_all(head("t", 100).as_bytes()).await.unwrap();
    stream.write_all(b"{\"approval").await.unwrap();
    let answer = until_closed(&mut stream, Duration::from_secs(3)).await;
    let (status, request_id, body) = parsed(&answer);
    assert_eq!(
        (status, body["error_code"].as_str()),
        (408, Some("EndPoint.0002"))
    );
    assert!(request_id.is_some());
    assert!(
        started.elapsed() >= Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
}

/// How many connections to `port` are accepted, on Linux: established sockets on the port
/// that belong to a process (those still in the listen queue have no inode yet).
fn accepted(port: u16) -> usize {
    let local_port = format!(":{port:04X}");
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() > 9 && f[1].ends_with(&local_port) && f[3] == "01" && f[9] != "0")
        .count()
}

#[tokio::test]
async fn past_the_connection_cap_new_connections_wait_and_hold_no_descriptor() {
    let emulator = quick().max_connections(4).start().await.unwrap();
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(connect(&emulator).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    if cfg!(target_os = "linux") {
        assert_eq!(
            accepted(emulator.local_addr().port()),
            4,
            "40 clients, a cap of 4"
        );
    }
    let started = Instant::now();
    modify_ok(&emulator).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_token_is_refused_before_the_body_is_read() {
    let emulator = quick()
        .token("right")
        .body_read_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let mut stream = connect(&emulator).await;
    stream
        .write_all(head("wrong", 1000).as_bytes())
        .await
        .unwrap();
    let answer = until_closed(&mut stream, Duration::from_secs(2)).await;
    let (status, request_id, body) = parsed(&answer);
    assert_eq!(
        (status, body["error_code"].as_str()),
        (401, Some("EndPoint.0003"))
    );
    assert!(request_id.is_some());
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_before_it_is_sent() {
    let emulator = quick()
        .body_read_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let mut stream = connect(&emulator).await;
    stream
        .write_all(head("t", 2_000_000).as_bytes())
        .await
        .unwrap();
    let answer = until_closed(&mut stream, Duration::from_secs(2)).await;
    let (status, request_id, body) = parsed(&answer);
    assert_eq!(
        (status, body["error_code"].as_str()),
        (413, Some("EndPoint.0002"))
    );
    assert!(request_id.is_some());
}

#[tokio::test]
async fn bodies_past_the_cap_wait_for_their_turn() {
    let emulator = quick()
        .max_body_reads(1)
        .body_read_timeout(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let mut stalled = connect(&emulator).await;
    stalled.write_all(head("t", 100).as_bytes()).await.unwrap();
    stalled.write_all(b"{").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    modify_ok(&emulator).await;
    let waited = started.elapsed();
    let (status, _, _) = parsed(&until_closed(&mut stalled, Duration::from_secs(2)).await);
    assert_eq!(status, 408);
    assert!(
        waited >= Duration::from_millis(500),
        "read at once: {waited:?}"
    );
}

#[tokio::test]
async fn the_head_limits_are_json_answers_with_a_request_id() {
    let emulator = quick().start().await.unwrap();
    let many: String = (0..101).map(|i| format!("X-Filler-{i}: {i}\r\n")).collect();
    let long = format!("X-Long: {}\r\n", "a".repeat(70 << 10));
    for extra in [many, long] {
        let mut stream = connect(&emulator).await;
        let request = format!(
            "PUT {} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\n{extra}Content-Length: 0\r\n\r\n",
            documented_path()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let (status, request_id, body) =
            parsed(&until_closed(&mut stream, Duration::from_secs(2)).await);
        assert_eq!(
            (status, body["error_code"].as_str()),
            (431, Some("EndPoint.0002"))
        );
        assert!(request_id.is_some());
    }
}

/// What README says hyper answers itself, without a body or an `X-Request-Id`.
#[tokio::test]
async fn what_hyper_answers_itself_is_as_documented() {
    let emulator = quick().start().await.unwrap();
    let path = documented_path();
    let many: String = (0..300).map(|i| format!("X-Filler-{i}: {i}\r\n")).collect();
    for (request, status) in [
        (
            format!("PUT {path} HTTP/1.1\r\nX-Bad: a\x01b\r\n\r\n"),
            Some(400),
        ),
        (
            format!("PUT {path} HTTP/1.1\r\nX-Folded: a\r\n b\r\n\r\n"),
            Some(400),
        ),
        (format!("PUT {path} HTTP/2.0\r\n\r\n"), Some(400)),
        (format!("PUT {path} HTTP/1.1\r\n{many}\r\n"), Some(431)),
        (
            format!("PUT /{} HTTP/1.1\r\n\r\n", "a".repeat(70_000)),
            Some(414),
        ),
        (
            format!(
                "PUT {path} HTTP/1.1\r\nX-Huge: {}\r\n\r\n",
                "a".repeat(500 << 10)
            ),
            Some(431),
        ),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_owned(), None),
    ] {
        let mut stream = connect(&emulator).await;
        let _ = stream.write_all(request.as_bytes()).await;
        let answer = until_closed(&mut stream, Duration::from_secs(2)).await;
        match status {
            Some(status) => {
                let (seen, request_id, _) = parsed(&answer);
                assert_eq!(seen, status, "{}", &request[..40.min(request.len())]);
                assert_eq!(request_id, None);
            }
            None => assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer)),
        }
    }
    modify_ok(&emulator).await;
}

#[tokio::test]
async fn shutdown_cuts_a_half_sent_request_after_its_timeout() {
    let emulator = quick()
        .body_read_timeout(Duration::from_secs(60))
        .shutdown_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut stream = connect(&emulator).await;
    stream.write_all(head("t", 100).as_bytes()).await.unwrap();
    stream.write_all(b"{").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    emulator.shutdown().await;
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(250), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    until_closed(&mut stream, Duration::from_secs(1)).await;
}

#[tokio::test]
async fn shutdown_closes_idle_connections_at_once() {
    let emulator = Emulator::start().await.unwrap();
    let mut idle = connect(&emulator).await;
    modify_ok(&emulator).await;
    let started = Instant::now();
    emulator.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    until_closed(&mut idle, Duration::from_secs(1)).await;
}

#[tokio::test]
async fn limits_that_cannot_work_are_refused_by_name() {
    let error = Emulator::builder()
        .header_read_timeout(Duration::ZERO)
        .max_connections(0)
        .max_body_reads(0)
        .start()
        .await
        .unwrap_err();
    let text = error.to_string();
    for name in ["header_read_timeout", "max_connections", "max_body_reads"] {
        assert!(text.contains(name), "{text}");
    }
}
