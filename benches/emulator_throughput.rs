//! Goal 4: the emulator's throughput on loopback, in requests per second, with 1 and with 32
//! concurrent clients, each sending the documented example request (token auth) in a loop.
//!
//! The emulator runs as `vpcep emulator` does, on a multi-threaded tokio runtime of its own
//! (one worker per core); the clients run on one thread (a current-thread runtime), each with
//! its own connection, sending the documented body as ready bytes and reading the whole
//! answer, so that what is measured is the emulator, not a client.
//!
//! Ends with `ratio emulator_32_vs_1_clients: X`, the throughput with 32 clients over the
//! throughput with 1 (no goal is set; it shows how the emulator scales with concurrency).

mod support;

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use otc_vpcep::emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator};
use support::{DOCUMENTED_REQUEST, Side, TOKEN, interleaved, print_ratio};
use tokio::{runtime::Runtime, task::JoinSet};

const CONCURRENCY: [usize; 2] = [1, 32];

/// One client: its own connection pool, the request ready to send.
#[derive(Clone)]
struct Load {
    http: reqwest::Client,
    url: String,
    body: &'static str,
}

impl Load {
    async fn request(&self) {
        let response = self
            .http
            .put(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .header("x-auth-token", TOKEN)
            .body(self.body)
            .send()
            .await
            .expect("the emulator answers");
        assert_eq!(response.status(), 200, "the emulator accepts the request");
        std::hint::black_box(response.bytes().await.expect("a whole answer"));
    }
}

/// Sends `total` requests spread over `clients` concurrent clients; answers the elapsed time.
fn run(runtime: &Runtime, loads: &[Load], clients: usize, total: u64) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        let mut tasks = JoinSet::new();
        for (i, load) in loads.iter().take(clients).enumerate() {
            let load = load.clone();
            let share = total / clients as u64 + u64::from((i as u64) < total % clients as u64);
            tasks.spawn(async move {
                for _ in 0..share {
                    load.request().await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a client task");
        }
        start.elapsed()
    })
}

fn bench(c: &mut Criterion, runtime: &Runtime, loads: &[Load]) {
    let mut group = c.benchmark_group("emulator_throughput");
    group.throughput(Throughput::Elements(1));
    for clients in CONCURRENCY {
        group.bench_function(BenchmarkId::new("clients", clients), |b| {
            b.iter_custom(|n| run(runtime, loads, clients, n))
        });
    }
    group.finish();
}

fn summary(runtime: &Runtime, loads: &[Load]) {
    let mut sides: Vec<Side<'_>> = CONCURRENCY
        .iter()
        .map(|&clients| -> Side<'_> { Box::new(move |n| run(runtime, loads, clients, n)) })
        .collect();
    let rounds = if support::is_bench_run() { 15 } else { 3 };
    let measured = interleaved(&mut sides, rounds, Duration::from_millis(100));
    println!("\nsummary (interleaved, {rounds} rounds, medians):");
    for (i, clients) in CONCURRENCY.iter().enumerate() {
        println!(
            "  {clients:>2} concurrent client(s): {:.0} requests/s",
            1.0 / measured.per_op[i].as_secs_f64()
        );
    }
    // Throughput is the inverse of the time per request.
    print_ratio("emulator_32_vs_1_clients", measured.ratio(0, 1));
}

fn main() {
    let emulator_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("emulator runtime");
    let emulator = emulator_runtime
        .block_on(Emulator::start())
        .expect("the emulator starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let url = format!(
        "{}{}",
        emulator.base_url(),
        otc_vpcep::spec::MODIFY_ENDPOINT_SERVICE.path_with(&[
            ("project_id", DOCUMENTED_PROJECT_ID),
            ("vpc_endpoint_service_id", DOCUMENTED_SERVICE_ID),
        ])
    );
    let loads: Vec<Load> = (0..CONCURRENCY[1])
        .map(|_| Load {
            http: reqwest::Client::new(),
            url: url.clone(),
            body: DOCUMENTED_REQUEST,
        })
        .collect();
    run(&runtime, &loads, CONCURRENCY[1], 64);

    let mut c = support::criterion();
    bench(&mut c, &runtime, &loads);
    c.final_summary();
    if support::wants_summary() {
        summary(&runtime, &loads);
    }
    emulator_runtime.block_on(emulator.shutdown());
}
