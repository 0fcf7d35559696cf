//! The walk over every page of the list, against the emulator seeded with many services.
//!
//! Ends with:
//! - `ratio list_all_vs_pages`: walking 10,000 services through the paginator (`all()`), over
//!   the same single-page calls (the same offsets and limits) made by hand. Goal ≤ 1.05: what
//!   the paginator adds to its calls.
//! - `ratio list_all_vs_plain_offsets`: the same walk over a plain offset walk by hand (one
//!   page after the other, with no overlap, stopping at `total_count`): what the walk's
//!   promise (no service missed when services are deleted meanwhile) costs, its one-row
//!   overlap taking an 11th page for 10,000 services. No goal.
//! - `ratio list_memory_10000_vs_1000`: the peak heap the walk adds while streaming 10,000
//!   services, over that of streaming 1,000. Goal ≤ 1.2 (memory stays flat).
//! - `ratio find_by_name_vs_get`: a service found by name among 10,000, over one GET by ID.
//!
//! The emulators run as `vpcep emulator --seed-count N` processes of their own, so that the
//! heap measured is the client's alone.

mod support;

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use otc_vpcep::{Client, Credentials, emulator::DOCUMENTED_PROJECT_ID};
use peak_alloc::PeakAlloc;
use support::{Side, TOKEN, interleaved, print_ratio};
use tokio::runtime::Runtime;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// The services of the large list.
const MANY: usize = 10_000;
/// The services of the small list.
const FEW: usize = 1_000;

/// `vpcep emulator` with `count` generated services, and its URL.
fn emulator(count: usize) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpcep"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--seed-count"])
        .arg(count.to_string())
        .env("VPCEP_EMULATOR_TOKENS", TOKEN)
        .stdout(Stdio::piped())
        .spawn()
        .expect("vpcep emulator starts");
    let stdout = child.stdout.take().expect("its output");
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("listening on ").map(str::to_owned))
        .expect("the emulator says where it listens");
    (child, url)
}

fn client(url: &str) -> Client {
    Client::builder()
        .endpoint(url)
        .project_id(DOCUMENTED_PROJECT_ID)
        .credentials(Credentials::token(TOKEN))
        .build()
        .expect("a client of the emulator")
}

/// Walks every service through the paginator; answers how many it saw.
async fn walk(client: &Client) -> usize {
    let mut services = std::pin::pin!(client.list_endpoint_services().all());
    let mut seen = 0;
    while let Some(service) = services.next().await {
        std::hint::black_box(service.expect("a service"));
        seen += 1;
    }
    seen
}

/// The offsets the paginator asks for, when nothing moves: 0, then one row before the end of
/// the page before.
fn walk_offsets(total: usize) -> Vec<i32> {
    let limit = otc_vpcep::spec::MAX_LIST_LIMIT;
    let mut offsets = vec![0];
    let mut next = limit;
    while next <= total {
        offsets.push(i32::try_from(next - 1).expect("an offset"));
        next += limit - 1;
    }
    offsets
}

/// The pages at `offsets`, by hand: one single-page call each.
async fn pages(client: &Client, offsets: &[i32]) -> usize {
    let mut seen = 0;
    for &offset in offsets {
        let page = client
            .list_endpoint_services()
            .limit(otc_vpcep::spec::MAX_LIST_LIMIT as i32)
            .offset(offset)
            .sort_dir(otc_vpcep::types::SortDirection::Asc)
            .send()
            .await
            .expect("a page");
        seen += page.endpoint_services.len();
        std::hint::black_box(page);
    }
    seen
}

/// A plain offset walk by hand: pages one after the other until `total_count`.
async fn plain(client: &Client) -> usize {
    let limit = otc_vpcep::spec::MAX_LIST_LIMIT as i32;
    let mut offset = 0;
    let mut seen = 0;
    loop {
        let page = client
            .list_endpoint_services()
            .limit(limit)
            .offset(offset)
            .sort_dir(otc_vpcep::types::SortDirection::Asc)
            .send()
            .await
            .expect("a page");
        let read = page.endpoint_services.len();
        seen += read;
        offset += i32::try_from(read).expect("a page size");
        let total = page.total_count.unwrap_or_default();
        std::hint::black_box(page);
        if read == 0 || i64::from(offset) >= total {
            return seen;
        }
    }
}

/// The peak heap the walk adds, in bytes (the median of `rounds`).
fn peak_of_walk(runtime: &Runtime, client: &Client, rounds: usize) -> f64 {
    let peaks: Vec<f64> = (0..rounds)
        .map(|_| {
            let before = HEAP.current_usage();
            HEAP.reset_peak_usage();
            runtime.block_on(walk(client));
            HEAP.peak_usage().saturating_sub(before) as f64
        })
        .collect();
    support::median(peaks)
}

fn repeated<F: Future>(runtime: &Runtime, n: u64, mut make: impl FnMut() -> F) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(make().await);
        }
        start.elapsed()
    })
}

fn main() {
    let (mut many, many_url) = emulator(MANY);
    let (mut few, few_url) = emulator(FEW);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let (client, small) = (client(&many_url), client(&few_url));

    // Every side reads the whole list (the seeded services and the documented one).
    let total = runtime.block_on(walk(&client));
    assert!(total > MANY, "the walk reads every service: {total}");
    let offsets = walk_offsets(total);
    assert!(runtime.block_on(pages(&client, &offsets)) >= total);
    assert_eq!(runtime.block_on(plain(&client)), total);

    let rounds = if support::is_bench_run() { 9 } else { 3 };
    let mut sides: Vec<Side<'_>> = vec![
        Box::new(|n| repeated(&runtime, n, || walk(&client))),
        Box::new(|n| repeated(&runtime, n, || pages(&client, &offsets))),
        Box::new(|n| repeated(&runtime, n, || plain(&client))),
    ];
    let walks = interleaved(&mut sides, rounds, Duration::from_millis(300));
    drop(sides);

    let name = "seed-5000";
    let found = runtime
        .block_on(client.find_endpoint_service(name))
        .expect("found by name");
    let id = found.id.clone();
    let mut lookups: Vec<Side<'_>> = vec![
        Box::new(|n| {
            repeated(&runtime, n, || async {
                client.find_endpoint_service(name).await.expect("found")
            })
        }),
        Box::new(|n| {
            repeated(&runtime, n, || async {
                client
                    .get_endpoint_service(id.as_str())
                    .send()
                    .await
                    .expect("read")
            })
        }),
    ];
    let finds = interleaved(&mut lookups, rounds, Duration::from_millis(100));
    drop(lookups);

    let many_peak = peak_of_walk(&runtime, &client, rounds);
    let few_peak = peak_of_walk(&runtime, &small, rounds);

    println!("\nsummary (interleaved, {rounds} rounds, medians):");
    println!(
        "  walk of {total} services: {:?} through the paginator, {:?} by hand ({} pages), \
         {:?} as a plain offset walk",
        walks.per_op[0],
        walks.per_op[1],
        offsets.len(),
        walks.per_op[2]
    );
    println!(
        "  peak heap added by the walk: {:.0} KiB of {MANY}, {:.0} KiB of {FEW}",
        many_peak / 1024.0,
        few_peak / 1024.0
    );
    println!(
        "  {name} by name among {total}: {:?}; by ID: {:?}",
        finds.per_op[0], finds.per_op[1]
    );
    print_ratio("list_all_vs_pages", walks.ratio(0, 1));
    print_ratio("list_all_vs_plain_offsets", walks.ratio(0, 2));
    print_ratio("list_memory_10000_vs_1000", many_peak / few_peak);
    print_ratio("find_by_name_vs_get", finds.ratio(0, 1));
    for child in [&mut many, &mut few] {
        let _ = child.kill();
        let _ = child.wait();
    }
}
