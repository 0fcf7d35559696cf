//! One client, many calls: the retry budget (spent, switched off, shared by clones, refilled),
//! the pacing after the rate limit, and the cap on requests in flight (their tracing events:
//! `tests/faults_tracing.rs`).

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use crate::support::faults::{FaultServer, PROJECT, Reply, TOKEN, get, tiny_policy};
use otc_vpcep::{Client, Credentials, Error, RetryBudget};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

fn builder(url: &str) -> otc_vpcep::ClientBuilder {
    Client::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .retry_policy(tiny_policy(4))
        .timeout(Duration::from_secs(5))
}

fn unavailable() -> Reply {
    Reply::error(503, "APIG.0201", "Backend unavailable")
}

#[tokio::test]
async fn a_spent_budget_returns_the_last_failure_at_once_and_clones_share_it() {
    let server = FaultServer::always(unavailable()).await;
    let client = builder(server.url())
        .retry_budget(RetryBudget::new(10))
        .build()
        .expect("client");
    let error = get(&client).await.expect_err("always 503");
    // 10 tokens: two retries of 5, then the third is refused.
    assert_eq!(server.hits(), 3);
    let Error::RetryBudgetSpent(last) = &error else {
        panic!("not a budget error: {error:?}");
    };
    assert!(
        matches!(**last, Error::Api(ref api) if api.status == 503),
        "{last:?}"
    );
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.error_code(), Some("APIG.0201"));
    assert!(error.is_retryable());
    assert!(error.to_string().contains("retry budget spent"), "{error}");

    // A clone draws from the same (empty) budget: one attempt, no retry.
    let clone = client.clone();
    let error = get(&clone).await.expect_err("always 503");
    assert!(matches!(error, Error::RetryBudgetSpent(_)), "{error:?}");
    assert_eq!(server.hits(), 4);
    assert_eq!(
        client.retry_budget().map(RetryBudget::retries_refused),
        Some(2)
    );
}

#[tokio::test]
async fn without_a_budget_every_call_retries_as_its_policy_allows() {
    let server = FaultServer::always(unavailable()).await;
    let client = builder(server.url())
        .no_retry_budget()
        .build()
        .expect("client");
    assert!(client.retry_budget().is_none());
    for _ in 0..3 {
        let error = get(&client).await.expect_err("always 503");
        assert!(matches!(error, Error::Api(_)), "{error:?}");
    }
    assert_eq!(server.hits(), 12);
}

#[tokio::test]
async fn successes_refill_the_budget_and_first_attempts_never_cost() {
    // Odd hits fail, even ones succeed: every call is one retry.
    let server = FaultServer::start(|n, _| {
        if n % 2 == 0 {
            unavailable()
        } else {
            Reply::ok()
        }
    })
    .await;
    let budget = RetryBudget::new(5);
    let client = builder(server.url())
        .retry_budget(budget.clone())
        .build()
        .expect("client");
    get(&client).await.expect("retried once");
    // 5 - 5 + 1: a second retry costs more than is left.
    assert_eq!(budget.available(), 1);
    let error = get(&client).await.expect_err("no retry left");
    assert!(matches!(error, Error::RetryBudgetSpent(_)), "{error:?}");
    // The next first attempt is sent anyway and succeeds: refilled to 2.
    get(&client).await.expect("a first attempt");
    assert_eq!(budget.available(), 2);
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn broken_fleet_settings_are_refused_by_name() {
    let error = builder("http://127.0.0.1:1")
        .retry_budget(RetryBudget::new(5).with_costs(0, 1))
        .max_in_flight(0)
        .build()
        .expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("retry_budget.retry_cost"), "{text}");
    assert!(text.contains("max_in_flight"), "{text}");
}

/// A server that answers every request with the documented service after `hold`, counting
/// the most requests it had at once.
async fn counting_server(hold: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let most = Arc::new(AtomicUsize::new(0));
    let now = Arc::new(AtomicUsize::new(0));
    let seen = most.clone();
    tokio::spawn(async move {
        let body = crate::support::documented_response().to_string();
        while let Ok((mut socket, _)) = listener.accept().await {
            let (now, most, body) = (now.clone(), seen.clone(), body.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let at_once = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(at_once, Ordering::SeqCst);
                tokio::time::sleep(hold).await;
                now.fetch_sub(1, Ordering::SeqCst);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, most)
}

async fn most_at_once(cap: Option<usize>) -> usize {
    let (url, most) = counting_server(Duration::from_millis(50)).await;
    let mut builder = builder(&url);
    if let Some(cap) = cap {
        builder = builder.max_in_flight(cap);
    }
    let client = builder.build().expect("client");
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get(&client).await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.expect("no panic").expect("served");
    }
    most.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_flight_cap_holds_across_clones() {
    assert!(most_at_once(Some(3)).await <= 3);
    // Without the cap the same calls overlap more (so the count above can fail).
    assert!(most_at_once(None).await > 3);
}

#[cfg(feature = "emulator")]
#[tokio::test]
async fn the_rate_limit_paces_the_client_and_pacing_can_be_switched_off() {
    use crate::support::emulator::builder_as;
    use otc_vpcep::emulator::{DOCUMENTED_SERVICE_ID, Emulator};

    let emulator = Emulator::builder()
        .rate_limit(1000.0, 2)
        .start()
        .await
        .expect("emulator");
    let client = builder_as(&emulator, Credentials::token("t"))
        .retry_policy(tiny_policy(4))
        .build()
        .expect("client");
    let pacing = client.pacing().expect("on by default").clone();
    assert_eq!(pacing.send_rate(), None, "not paced before a rate limit");
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .get_endpoint_service(DOCUMENTED_SERVICE_ID)
                    .send()
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    for call in calls {
        let _ = call.await.expect("no panic");
    }
    assert!(emulator.requests_rate_limited() > 0);
    assert!(pacing.send_rate().is_some(), "paced after the rate limit");

    let off = builder_as(&emulator, Credentials::token("t"))
        .pacing(false)
        .build()
        .expect("client");
    assert!(off.pacing().is_none());
}
