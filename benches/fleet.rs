//! One client, 64 tasks, against an emulator that limits the project to 500 requests/s (a
//! burst of 50): (a) the client with pacing (the default), (b) the same client with pacing
//! off, side by side, each task reading the documented service in a loop for a fixed time.
//! Then a full outage (every answer 503): the retries 64 tasks send with the retry budget and
//! without it.
//!
//! Criterion measures one call through a client with every fleet guard on (budget, pacing,
//! an in-flight cap) against one with all of them off, on an unlimited emulator: what the
//! guards cost a call that never meets them.
//!
//! Ends with `ratio fleet_goodput: X` (successful calls per second of (a) over the emulator's
//! limit; goal at least 0.9) and `ratio fleet_throttled_share: X` (the share of (a)'s attempts
//! answered `EndPoint.0022`; goal at most 0.05), with (b)'s figures printed beside them.

mod support;

use std::time::{Duration, Instant};

use criterion::Criterion;
use otc_vpcep::{
    Client, Credentials, RetryPolicy,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator},
};
use support::print_ratio;
use tokio::{runtime::Runtime, task::JoinSet};

const TASKS: usize = 64;
/// The emulator's limit for the project, requests per second, and its burst.
const LIMIT: f64 = 500.0;
const BURST: u32 = 50;

fn client(emulator: &Emulator, pacing: bool, budget: bool) -> Client {
    let builder = Client::builder()
        .endpoint(emulator.base_url())
        .project_id(DOCUMENTED_PROJECT_ID)
        .credentials(Credentials::token(support::TOKEN))
        .pacing(pacing);
    let builder = if budget {
        builder
    } else {
        builder.no_retry_budget()
    };
    builder.build().expect("a valid client")
}

/// What one run of the fleet did.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    ok: u64,
    failed: u64,
    attempts: u64,
    throttled: u64,
    elapsed: Duration,
}

impl Run {
    fn goodput(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    fn throttled_share(&self) -> f64 {
        self.throttled as f64 / self.attempts.max(1) as f64
    }
}

/// 64 tasks read the service through `client` until `length` has passed.
fn fleet(runtime: &Runtime, emulator: &Emulator, client: &Client, length: Duration) -> Run {
    let (attempts, throttled) = (
        emulator.requests_received(),
        emulator.requests_rate_limited(),
    );
    let (ok, failed, elapsed) = runtime.block_on(async {
        let start = Instant::now();
        let end = start + length;
        let mut tasks = JoinSet::new();
        for _ in 0..TASKS {
            let client = client.clone();
            tasks.spawn(async move {
                let (mut ok, mut failed) = (0u64, 0u64);
                while Instant::now() < end {
                    match client
                        .get_endpoint_service(DOCUMENTED_SERVICE_ID)
                        .send()
                        .await
                    {
                        Ok(_) => ok += 1,
                        Err(_) => failed += 1,
                    }
                }
                (ok, failed)
            });
        }
        let (mut ok, mut failed) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            let (o, f) = done.expect("a fleet task");
            ok += o;
            failed += f;
        }
        (ok, failed, start.elapsed())
    });
    Run {
        ok,
        failed,
        attempts: emulator.requests_received() - attempts,
        throttled: emulator.requests_rate_limited() - throttled,
        elapsed,
    }
}

/// The retries 64 tasks send when every answer is 503: one call each, four attempts at most,
/// with tiny backoffs.
fn outage(runtime: &Runtime, budget: bool) -> u64 {
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .failure_rate(1.0)
            .start()
            .await
            .expect("the emulator starts");
        let client = Client::builder()
            .endpoint(emulator.base_url())
            .project_id(DOCUMENTED_PROJECT_ID)
            .credentials(Credentials::token(support::TOKEN))
            .retry_policy(
                RetryPolicy::default()
                    .with_backoff(Duration::from_millis(1), Duration::from_millis(10)),
            );
        let client = if budget {
            client
        } else {
            client.no_retry_budget()
        }
        .build()
        .expect("a valid client");
        let mut tasks = JoinSet::new();
        for _ in 0..TASKS {
            let client = client.clone();
            tasks.spawn(async move {
                let _ = client
                    .get_endpoint_service(DOCUMENTED_SERVICE_ID)
                    .send()
                    .await;
            });
        }
        while tasks.join_next().await.is_some() {}
        let retries = emulator.requests_received() - TASKS as u64;
        emulator.shutdown().await;
        retries
    })
}

fn bench(c: &mut Criterion, runtime: &Runtime, emulator: &Emulator) {
    let guarded = Client::builder()
        .endpoint(emulator.base_url())
        .project_id(DOCUMENTED_PROJECT_ID)
        .credentials(Credentials::token(support::TOKEN))
        .max_in_flight(TASKS)
        .build()
        .expect("a valid client");
    let bare = client(emulator, false, false);
    let mut group = c.benchmark_group("fleet_guards");
    for (name, client) in [("guarded", &guarded), ("bare", &bare)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime
                    .block_on(client.get_endpoint_service(DOCUMENTED_SERVICE_ID).send())
                    .expect("served")
            })
        });
    }
    group.finish();
}

fn summary(runtime: &Runtime, limited: &Emulator) {
    let (rounds, length) = if support::is_bench_run() {
        (3, Duration::from_secs(4))
    } else {
        (1, Duration::from_millis(500))
    };
    let mut paced = Vec::new();
    let mut unpaced = Vec::new();
    for _ in 0..rounds {
        // A fresh client each run: every run starts unpaced and meets the limit.
        paced.push(fleet(
            runtime,
            limited,
            &client(limited, true, true),
            length,
        ));
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
        unpaced.push(fleet(
            runtime,
            limited,
            &client(limited, false, true),
            length,
        ));
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
    }
    let median = |runs: &[Run], f: fn(&Run) -> f64| support::median(runs.iter().map(f).collect());
    println!(
        "\nsummary ({rounds} rounds of {length:?} each side, {TASKS} tasks, limit {LIMIT}/s, burst {BURST}; medians):"
    );
    for (name, runs) in [("(a) pacing", &paced), ("(b) no pacing", &unpaced)] {
        println!(
            "  {name}: {:.0} successful calls/s, {:.3} of attempts throttled, {:.0} failed calls/run, {:.0} attempts/run",
            median(runs, Run::goodput),
            median(runs, Run::throttled_share),
            median(runs, |r| r.failed as f64),
            median(runs, |r| r.attempts as f64),
        );
    }
    let with_budget = outage(runtime, true);
    let without = outage(runtime, false);
    println!(
        "  outage (every answer 503), {TASKS} tasks x 1 call, 4 attempts at most: {with_budget} retries with the budget, {without} without"
    );
    println!(
        "  (b) beside (a): fleet_goodput {:.3}, fleet_throttled_share {:.3}",
        median(&unpaced, Run::goodput) / LIMIT,
        median(&unpaced, Run::throttled_share)
    );
    print_ratio("fleet_goodput", median(&paced, Run::goodput) / LIMIT);
    print_ratio(
        "fleet_throttled_share",
        median(&paced, Run::throttled_share),
    );
}

fn main() {
    let emulator_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("emulator runtime");
    let unlimited = emulator_runtime
        .block_on(Emulator::start())
        .expect("the emulator starts");
    let limited = emulator_runtime
        .block_on(Emulator::builder().rate_limit(LIMIT, BURST).start())
        .expect("the emulator starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    let mut c = support::criterion();
    bench(&mut c, &runtime, &unlimited);
    c.final_summary();
    if support::wants_summary() {
        summary(&runtime, &limited);
    }
    emulator_runtime.block_on(unlimited.shutdown());
    emulator_runtime.block_on(limited.shutdown());
}
