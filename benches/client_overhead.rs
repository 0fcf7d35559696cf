//! Goal 1: the client's overhead per call. One minimal HTTP/1.1 server on 127.0.0.1, started
//! in this process as a task of the clients' own current-thread runtime (so that a call is
//! pure CPU work, not the scheduler's wake-up latency), answers every request with the API
//! reference's example response. Against it, in the same run:
//! (a) this crate's ergonomic client sends the documented example request (validation,
//!     serialisation, hooks, retries' bookkeeping, typed decoding), and
//! (b) a hand-written baseline sends the same body with the same headers through `reqwest`
//!     and `serde_json` directly (the same `reqwest` settings: user agent, timeouts, no
//!     redirects) and decodes the answer as a `serde_json::Value`.
//! Both authenticate with a token. Goal: a/b at most 1.10. The same two sides also query the
//! service (GET, the same answer): (c) `client.get_endpoint_service(..).send()` against
//! (d) `reqwest` + `serde_json` by hand, reported beside it.
//!
//! Ends with `ratio client_overhead: X` (the modify call) and `ratio client_overhead_get: Y`.
//! Both sides send the short `support::TOKEN`, or with `BENCH_TOKEN_BYTES=N` a token of N bytes
//! (IAM's tokens run to kilobytes); then the lines are named `client_overhead_token_N` and
//! `client_overhead_get_token_N`.

mod support;

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use criterion::Criterion;
use otc_vpcep::{Client, Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
use serde_json::{Value, json};
use support::{
    DOCUMENTED_RESPONSE, PROJECT_ID, SERVICE_ID, Side, TOKEN, documented_change, interleaved,
    print_ratio, show,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    runtime::Runtime,
};

/// A request as the server received it: its head's lines after the request line, lower-cased
/// names, sorted; and its body.
type Received = (Vec<(String, String)>, Vec<u8>);

/// The minimal server: keep-alive HTTP/1.1, one canned answer, records requests on demand.
struct Server {
    address: SocketAddr,
    recording: Arc<AtomicBool>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Starts the server on 127.0.0.1, as a task of `runtime`.
    fn start(runtime: &Runtime) -> Self {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        std_listener.set_nonblocking(true).expect("non-blocking");
        let address = std_listener.local_addr().expect("address");
        let recording = Arc::new(AtomicBool::new(false));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (flag, log) = (recording.clone(), received.clone());
        let answer: Arc<[u8]> = {
            let body = DOCUMENTED_RESPONSE.as_bytes();
            let mut answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                 x-request-id: bench\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            answer.extend_from_slice(body);
            answer.into()
        };
        runtime.spawn(async move {
            let listener = TcpListener::from_std(std_listener).expect("listener");
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, answer.clone(), flag.clone(), log.clone()));
            }
        });
        Self {
            address,
            recording,
            received,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The requests received while `run` ran.
    fn record(&self, run: impl FnOnce()) -> Vec<Received> {
        self.received.lock().expect("lock").clear();
        self.recording.store(true, Ordering::SeqCst);
        run();
        self.recording.store(false, Ordering::SeqCst);
        std::mem::take(&mut *self.received.lock().expect("lock"))
    }
}

/// Serves one connection: reads each request (head, then `content-length` bytes of body) and
/// writes the canned answer.
async fn serve(
    mut stream: TcpStream,
    answer: Arc<[u8]>,
    recording: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Received>>>,
) {
    let mut buffer: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let headers: Vec<(String, String)> = head
            .split("\r\n")
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        if recording.load(Ordering::Relaxed) {
            let mut headers = headers;
            headers.sort();
            let body = buffer[head_end..head_end + length].to_vec();
            log.lock().expect("lock").push((headers, body));
        }
        buffer.drain(..head_end + length);
        if stream.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// The token both sides send: `support::TOKEN`, or `BENCH_TOKEN_BYTES` bytes of a token's
/// alphabet (a real IAM token is base64 of a few kilobytes); with the size, if one was asked.
fn token() -> (String, Option<usize>) {
    let Ok(bytes) = std::env::var("BENCH_TOKEN_BYTES") else {
        return (TOKEN.to_owned(), None);
    };
    let bytes: usize = bytes
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .expect("BENCH_TOKEN_BYTES is a number of bytes, at least 1");
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let token = (0..bytes)
        .map(|i| char::from(alphabet[(i * 7 + i / 64) % alphabet.len()]))
        .collect();
    (token, Some(bytes))
}

/// Side (a): the crate's client, the documented request.
struct Crate {
    client: Client,
}

impl Crate {
    fn new(base_url: &str, token: &str) -> Self {
        let client = Client::builder()
            .endpoint(base_url)
            .project_id(PROJECT_ID)
            .credentials(Credentials::token(token))
            .build()
            .expect("a valid configuration");
        Self { client }
    }

    async fn call(&self) {
        let service = documented_change(&self.client)
            .send()
            .await
            .expect("the server answers the documented response");
        std::hint::black_box(service);
    }

    async fn get(&self) {
        let service = self
            .client
            .get_endpoint_service(SERVICE_ID)
            .send()
            .await
            .expect("the server answers the documented response");
        std::hint::black_box(service);
    }
}

/// Side (b): `reqwest` and `serde_json` by hand, the same body and headers.
struct Baseline {
    http: reqwest::Client,
    base_url: String,
    token: String,
}

impl Baseline {
    fn new(base_url: &str, token: &str) -> Self {
        let http = reqwest::Client::builder()
            .user_agent(concat!("otc-vpcep/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        Self {
            http,
            base_url: base_url.to_owned(),
            token: token.to_owned(),
        }
    }

    async fn call(&self) {
        let body = json!({
            "approval_enabled": true,
            "service_name": "test",
            "ports": [
                {"client_port": 8081, "server_port": 22, "protocol": "TCP"},
                {"client_port": 8082, "server_port": 23, "protocol": "UDP"},
            ],
        });
        let url = format!(
            "{}/v1/{PROJECT_ID}/vpc-endpoint-services/{SERVICE_ID}",
            self.base_url
        );
        let response = self
            .http
            .put(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header("x-auth-token", self.token.as_str())
            .json(&body)
            .send()
            .await
            .expect("the server answers");
        assert!(response.status().is_success(), "{}", response.status());
        let service: Value = response.json().await.expect("a JSON answer");
        std::hint::black_box(service);
    }

    async fn get(&self) {
        let url = format!(
            "{}/v1/{PROJECT_ID}/vpc-endpoint-services/{SERVICE_ID}",
            self.base_url
        );
        let response = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header("x-auth-token", self.token.as_str())
            .send()
            .await
            .expect("the server answers");
        assert!(response.status().is_success(), "{}", response.status());
        let service: Value = response.json().await.expect("a JSON answer");
        std::hint::black_box(service);
    }
}

/// Checks that both sides put the same request on the wire and decode the answer.
fn check_same_request(server: &Server, runtime: &Runtime, a: &Crate, b: &Baseline) {
    let from_crate = server.record(|| runtime.block_on(a.call()));
    let from_baseline = server.record(|| runtime.block_on(b.call()));
    assert_eq!(from_crate.len(), 1);
    assert_eq!(
        from_crate, from_baseline,
        "the baseline must send what the client sends"
    );
    let get_from_crate = server.record(|| runtime.block_on(a.get()));
    let get_from_baseline = server.record(|| runtime.block_on(b.get()));
    assert_eq!(get_from_crate.len(), 1);
    assert_eq!(
        get_from_crate, get_from_baseline,
        "the baseline's query must send what the client's does"
    );
    let body: Value = serde_json::from_slice(&from_crate[0].1).expect("a JSON body");
    let documented: Value =
        serde_json::from_str(support::DOCUMENTED_REQUEST).expect("the documented request");
    assert_eq!(body, documented);
}

/// `n` sequential calls of `call`, timed.
fn calls<F: Future<Output = ()>>(runtime: &Runtime, n: u64, call: impl Fn() -> F) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..n {
            call().await;
        }
        start.elapsed()
    })
}

fn bench(c: &mut Criterion, runtime: &Runtime, a: &Crate, b: &Baseline) {
    let mut group = c.benchmark_group("client_overhead");
    group.bench_function("crate_client", |bencher| {
        bencher.iter_custom(|n| calls(runtime, n, || a.call()))
    });
    group.bench_function("reqwest_serde_json", |bencher| {
        bencher.iter_custom(|n| calls(runtime, n, || b.call()))
    });
    group.bench_function("crate_client_get", |bencher| {
        bencher.iter_custom(|n| calls(runtime, n, || a.get()))
    });
    group.bench_function("reqwest_serde_json_get", |bencher| {
        bencher.iter_custom(|n| calls(runtime, n, || b.get()))
    });
    group.finish();
}

/// The interleaved summary. A second, identical baseline client (b') runs beside the two
/// sides: `b'/b` shows how far two equal sides drift apart in this run, so that the
/// overhead's ratio can be read against the measurement's own noise.
fn summary(
    runtime: &Runtime,
    a: &Crate,
    b: &Baseline,
    b_again: &Baseline,
    token_bytes: Option<usize>,
) {
    let mut sides: Vec<Side<'_>> = vec![
        Box::new(|n| calls(runtime, n, || a.call())),
        Box::new(|n| calls(runtime, n, || b.call())),
        Box::new(|n| calls(runtime, n, || b_again.call())),
        Box::new(|n| calls(runtime, n, || a.get())),
        Box::new(|n| calls(runtime, n, || b.get())),
    ];
    let rounds = if support::is_bench_run() { 31 } else { 3 };
    let measured = interleaved(&mut sides, rounds, Duration::from_millis(30));
    let token = token_bytes.map_or_else(String::new, |n| format!("_token_{n}"));
    println!(
        "\nsummary (interleaved, {rounds} rounds, medians; a token of {} bytes):",
        b.token.len()
    );
    println!(
        "  (a) crate client: {} per call; (b) reqwest + serde_json: {} per call",
        show(measured.per_op[0]),
        show(measured.per_op[1]),
    );
    println!(
        "  (c) crate client, query: {} per call; (d) reqwest + serde_json, query: {} per call",
        show(measured.per_op[3]),
        show(measured.per_op[4]),
    );
    println!(
        "  noise: (b') the same baseline again / (b): {:.2}",
        measured.ratio(2, 1)
    );
    print_ratio(&format!("client_overhead{token}"), measured.ratio(0, 1));
    print_ratio(&format!("client_overhead_get{token}"), measured.ratio(3, 4));
}

/// For counting one side's work under a profiler: `BENCH_ONLY=crate` (or `baseline`, and for
/// the query `crate-get` or `baseline-get`) with `BENCH_CALLS=N` makes exactly N calls of that
/// side, after the wire check, and nothing else.
/// Two runs with different N, subtracted, give the cost of one call (BENCHMARKS.md).
fn one_side_only() -> Option<(String, u64)> {
    let side = std::env::var("BENCH_ONLY").ok()?;
    let calls = std::env::var("BENCH_CALLS").ok()?.parse().ok()?;
    Some((side, calls))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let server = Server::start(&runtime);
    let base_url = server.base_url();
    let (token, token_bytes) = token();
    let (a, b) = (
        Crate::new(&base_url, &token),
        Baseline::new(&base_url, &token),
    );
    check_same_request(&server, &runtime, &a, &b);
    if let Some((side, n)) = one_side_only() {
        match side.as_str() {
            "crate" => calls(&runtime, n, || a.call()),
            "baseline" => calls(&runtime, n, || b.call()),
            "crate-get" => calls(&runtime, n, || a.get()),
            "baseline-get" => calls(&runtime, n, || b.get()),
            other => panic!(
                "BENCH_ONLY is {other:?}: it must be crate, baseline, crate-get or baseline-get"
            ),
        };
        return;
    }

    let mut c = support::criterion();
    bench(&mut c, &runtime, &a, &b);
    c.final_summary();
    if support::wants_summary() {
        let b_again = Baseline::new(&base_url, &token);
        summary(&runtime, &a, &b, &b_again, token_bytes);
    }
}
