//! Goal 3: validation + serialisation + signing of a request with 1, 10, 50, 100 and 200 port
//! mappings grows linearly (no quadratic duplicate check): `build_body` (every check),
//! `serde_json::to_vec`, then `otc_vpcep::signer::sign` of the bytes.
//!
//! Ends with `ratio scaling: X`, the cost per mapping at 200 mappings over the cost per
//! mapping at 10 (linear or better: at most 1; quadratic growth would show as about 20).

mod support;

use std::{hint::black_box, time::Duration};

use criterion::{BenchmarkId, Criterion, Throughput};
use otc_vpcep::{
    Client, Credentials, ModifyEndpointService,
    signer::{self, SigningRequest},
};
use support::{
    ACCESS_KEY, HOST, PROJECT_ID, SDK_DATE, SECRET_KEY, SERVICE_ID, Side, documented_path,
    interleaved, mappings, print_ratio, show, timed,
};

const SIZES: [usize; 5] = [1, 10, 50, 100, 200];

/// Checks, serialises and signs one change; answers the `Authorization` header.
fn prepare(change: &ModifyEndpointService<'_>, path: &str) -> String {
    let body = change.build_body().expect("a valid change");
    let bytes = serde_json::to_vec(&body).expect("serialisable");
    let headers = [
        ("accept", "application/json"),
        ("content-type", "application/json"),
        ("host", HOST),
        ("x-project-id", PROJECT_ID),
    ];
    signer::sign(
        &SigningRequest {
            method: "PUT",
            path,
            query: "",
            headers: &headers,
            body: &bytes,
        },
        SDK_DATE,
        ACCESS_KEY,
        SECRET_KEY.as_bytes(),
    )
    .authorization
}

fn client() -> Client {
    Client::builder()
        .region("eu-de")
        .project_id(PROJECT_ID)
        .credentials(Credentials::access_key(ACCESS_KEY, SECRET_KEY))
        .build()
        .expect("a valid configuration")
}

fn change(client: &Client, n: usize) -> ModifyEndpointService<'_> {
    client
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .service_name("test")
        .ports(mappings(n))
}

fn bench(c: &mut Criterion, client: &Client) {
    let path = documented_path();
    let mut group = c.benchmark_group("scaling");
    for n in SIZES {
        let change = change(client, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &change, |b, change| {
            b.iter(|| prepare(black_box(change), black_box(&path)))
        });
    }
    group.finish();
}

fn summary(client: &Client) {
    let path = documented_path();
    let changes: Vec<_> = SIZES.iter().map(|&n| change(client, n)).collect();
    let mut sides: Vec<Side<'_>> = changes
        .iter()
        .map(|change| -> Side<'_> {
            let path = path.as_str();
            Box::new(move |n| {
                timed(n, || {
                    black_box(prepare(black_box(change), black_box(path)));
                })
            })
        })
        .collect();
    let rounds = if support::is_bench_run() { 21 } else { 3 };
    let measured = interleaved(&mut sides, rounds, Duration::from_millis(20));
    println!("\nsummary (interleaved, {rounds} rounds, medians):");
    for (i, n) in SIZES.iter().enumerate() {
        let per_op = measured.per_op[i];
        println!(
            "  {n:>3} mappings: {} per request, {} per mapping",
            show(per_op),
            show(per_op / u32::try_from(*n).expect("small")),
        );
    }
    let slope = |from: usize, to: usize| {
        (measured.per_op[to].as_secs_f64() - measured.per_op[from].as_secs_f64())
            / (SIZES[to] - SIZES[from]) as f64
    };
    println!(
        "  marginal cost per mapping: 10..50 {}, 100..200 {}",
        show(Duration::from_secs_f64(slope(1, 2).max(0.0))),
        show(Duration::from_secs_f64(slope(3, 4).max(0.0))),
    );
    // Per round: (cost(200) / 200) / (cost(10) / 10).
    print_ratio("scaling", measured.ratio(4, 1) * 10.0 / 200.0);
}

fn main() {
    let client = client();
    let mut c = support::criterion();
    bench(&mut c, &client);
    c.final_summary();
    if support::wants_summary() {
        summary(&client);
    }
}
