//! What the benchmark binaries share: the documented example, criterion's settings, the
//! interleaved measurement behind the summary lines, and those lines' format.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use criterion::Criterion;
use otc_vpcep::{Client, ModifyEndpointService, types::Protocol};

/// The project of the API reference's example.
pub const PROJECT_ID: &str = "6e9dfd51d1124e8d8498dce894923a0d";
/// The service the API reference's example request modifies.
pub const SERVICE_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";
/// The token both sides of the client benchmark send.
pub const TOKEN: &str = "bench-token";
/// The access key of the signing benchmarks.
pub const ACCESS_KEY: &str = "HPUAFNKYZ7LTZ1ZKGQ8M";
/// The secret key of the signing benchmarks.
pub const SECRET_KEY: &str = "bench-secret-key-0123456789abcdefghijklmn";
/// A fixed signing time, as `X-Sdk-Date`.
pub const SDK_DATE: &str = "20261128T150000Z";
/// The host a signed request to eu-de carries.
pub const HOST: &str = "vpcep.eu-de.otc.t-systems.com";

/// The API reference's example request body, as the page shows it.
pub const DOCUMENTED_REQUEST: &str = include_str!("../../tests/fixtures/page_example_request.json");
/// The API reference's example response body, as the page shows it.
pub const DOCUMENTED_RESPONSE: &str =
    include_str!("../../tests/fixtures/page_example_response.json");

/// The path of the documented request.
pub fn documented_path() -> String {
    otc_vpcep::spec::MODIFY_ENDPOINT_SERVICE.path_with(&[
        ("project_id", PROJECT_ID),
        ("vpc_endpoint_service_id", SERVICE_ID),
    ])
}

/// The documented example request, through the ergonomic builder.
pub fn documented_change(client: &Client) -> ModifyEndpointService<'_> {
    client
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, Protocol::Tcp)
        .port(8082, 23, Protocol::Udp)
}

/// `n` distinct port mappings, TCP and UDP in turn.
pub fn mappings(n: usize) -> Vec<(u16, u16, Protocol)> {
    (0..n)
        .map(|i| {
            let i = u16::try_from(i).expect("at most 200 mappings");
            let protocol = if i.is_multiple_of(2) {
                Protocol::Tcp
            } else {
                Protocol::Udp
            };
            (10_000 + i, 20_000 + i, protocol)
        })
        .collect()
}

/// Criterion set for a 2-core machine: few samples, short runs (the whole of `cargo bench`
/// stays within a few minutes).
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .configure_from_args()
}

/// Whether the binary runs as a benchmark (`cargo bench`) rather than as a smoke test
/// (`cargo test --benches`), where the summary makes only a couple of rounds.
pub fn is_bench_run() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

/// Whether to end with the summary: not when criterion only profiles (`--profile-time`), so
/// that a profiler sees the benchmark alone.
pub fn wants_summary() -> bool {
    !std::env::args().any(|arg| arg == "--profile-time")
}

/// One side of an interleaved measurement: runs its operation `n` times and answers the
/// elapsed time.
pub type Side<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// Times `op` over `n` runs.
pub fn timed(n: u64, mut op: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed()
}

/// What an interleaved measurement found for each side.
pub struct Measured {
    /// The median time of one operation, per side.
    pub per_op: Vec<Duration>,
    /// The per-round times of one operation, per side (round-major: `rounds[r][side]`).
    pub rounds: Vec<Vec<Duration>>,
}

impl Measured {
    /// The median over the rounds of `time(a) / time(b)`, each round's sides measured back to
    /// back, so that the machine's drift between rounds cancels.
    pub fn ratio(&self, a: usize, b: usize) -> f64 {
        median(
            self.rounds
                .iter()
                .map(|round| round[a].as_secs_f64() / round[b].as_secs_f64())
                .collect(),
        )
    }
}

/// Measures the sides interleaved: in each round every side runs a batch sized to take about
/// `batch_time`, in an order that rotates between rounds. Answers the median time per
/// operation of each side, and every round's times.
pub fn interleaved(sides: &mut [Side<'_>], rounds: usize, batch_time: Duration) -> Measured {
    let batches: Vec<u64> = sides
        .iter_mut()
        .map(|side| batch_size(side, batch_time))
        .collect();
    let mut all = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut times = vec![Duration::ZERO; sides.len()];
        for k in 0..sides.len() {
            let i = (round + k) % sides.len();
            let elapsed = (sides[i])(batches[i]);
            times[i] = elapsed.div_f64(batches[i] as f64);
        }
        all.push(times);
    }
    let per_op = (0..sides.len())
        .map(|i| Duration::from_secs_f64(median(all.iter().map(|r| r[i].as_secs_f64()).collect())))
        .collect();
    Measured {
        per_op,
        rounds: all,
    }
}

/// The number of operations that takes about `target` (at least 1), found by doubling.
fn batch_size(side: &mut Side<'_>, target: Duration) -> u64 {
    let mut n = 1;
    loop {
        let elapsed = side(n);
        if elapsed >= target / 2 || n >= 1 << 24 {
            let per_op = elapsed.as_secs_f64() / n as f64;
            return ((target.as_secs_f64() / per_op.max(1e-9)) as u64).max(1);
        }
        n *= 2;
    }
}

/// The median of `values` (not empty).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// A duration for people: in ns, µs or ms.
pub fn show(duration: Duration) -> String {
    let ns = duration.as_secs_f64() * 1e9;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// Prints a summary line for a goal, exactly `ratio <name>: <value>`.
pub fn print_ratio(name: &str, value: f64) {
    println!("ratio {name}: {value:.2}");
}
