//! The soak: 64 tasks × 50 edits through one client against an emulator with a rate limit and
//! a 10 % failure rate. Every call ends `Ok` or with a typed error (no panic, no hang: the
//! whole run has a time bound), the final state holds exactly the changes whose calls
//! succeeded, and the retries stay within what the retry budget allows.
//!
//! The emulator's injected 503 and its rate limit answer before anything is applied, and no
//! attempt here comes near its timeout, so a failed edit changed nothing. An edit whose change
//! was made but whose wait afterwards failed ends with [`Error::Wait`] (the edit's documented
//! meaning: the change was made); such edits count as changes. An edit that ends in a
//! timeout may or may not have been applied (no client can tell); the soak's settings leave
//! each call far more time than it needs, so there should be none, and the count is printed.

#![cfg(feature = "emulator")]

use std::{collections::BTreeSet, time::Duration};

use crate::support::emulator::builder_as;
use otc_vpcep::{
    Credentials, Error, OpenEnum, RetryBudget, RetryPolicy,
    emulator::{DOCUMENTED_PROJECT_ID, Emulator, documented_service},
    types::{EndpointServicePort, Protocol},
};

const TASKS: u16 = 64;
const EDITS: u16 = 50;
/// The emulator's limit for the project, requests per second, and its burst.
const RATE_LIMIT: f64 = 600.0;
const BURST: u32 = 50;
const FAILURE_RATE: f64 = 0.1;
/// The whole soak ends within this, or fails.
const BOUND: Duration = Duration::from_secs(120);

/// Service `task`'s ID: one service per task (a service holds at most 200 mappings).
fn service_id(task: u16) -> String {
    format!("00000000-0000-4000-8000-{task:012}")
}

/// The mapping edit `edit` of task `task` adds: ports distinct within its service.
fn mapping(edit: u16) -> (u16, u16) {
    (10_000 + edit, 20_000 + edit)
}

fn seeded(task: u16) -> otc_vpcep::types::EndpointService {
    let mut service = documented_service();
    service.id = service_id(task);
    // Services with their own port_id (none): no conflicts between them.
    service.port_id = None;
    service
}

/// How an edit ended.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Ended {
    Ok,
    /// The change was made; the wait after it failed.
    WaitFailed,
    /// Nothing was changed.
    Failed,
    /// An attempt timed out: its request may have been applied, or not (a timeout cannot
    /// tell); either state is right.
    TimedOut,
}

/// Whether `error` ends in an attempt that timed out.
fn timed_out(error: &Error) -> bool {
    match error {
        Error::Timeout(_) => true,
        Error::RetryBudgetSpent(last) => timed_out(last),
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_through_one_client_lose_nothing_and_keep_to_the_budget() {
    let mut builder = Emulator::builder()
        .empty()
        .rate_limit(RATE_LIMIT, BURST)
        .failure_rate(FAILURE_RATE);
    for task in 0..TASKS {
        builder = builder.service(seeded(task));
    }
    let emulator = builder.start().await.expect("emulator");

    let budget = RetryBudget::default();
    let client = builder_as(&emulator, Credentials::token("soak"))
        .retry_policy(
            // Two attempts: 1 % of the calls fail for good at a 10 % failure rate, so the check
            // of the final state has failed edits to check, not only retried ones (a retried
            // PUT is the same full list, and would hide a change applied by a failed attempt).
            RetryPolicy::default()
                .with_max_attempts(2)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(200))
                .with_total_budget(Duration::from_secs(30)),
        )
        .retry_budget(budget.clone())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut ended = Vec::new();
                for edit in 0..EDITS {
                    let (client_port, server_port) = mapping(edit);
                    let result = client
                        .edit_endpoint_service(service_id(task))
                        .add_port(client_port, server_port, Protocol::Tcp)
                        .wait_until_available(Duration::from_secs(20))
                        .send()
                        .await;
                    ended.push(match result {
                        Ok(outcome) => {
                            assert!(outcome.conflicts.is_empty(), "{outcome:?}");
                            Ended::Ok
                        }
                        Err(Error::Wait(_)) => Ended::WaitFailed,
                        Err(error) if timed_out(&error) => Ended::TimedOut,
                        Err(error) => {
                            // A typed failure worth a retry: the load's, nothing else.
                            assert!(error.is_retryable(), "{error:?}");
                            Ended::Failed
                        }
                    });
                }
                ended
            })
        })
        .collect();
    let all = tokio::time::timeout(BOUND, async {
        let mut all = Vec::new();
        for task in tasks {
            all.push(task.await.expect("no task panicked"));
        }
        all
    })
    .await
    .expect("the soak ends within its bound");

    let mut counts = std::collections::BTreeMap::new();
    for (task, ended) in (0..TASKS).zip(&all) {
        for kind in ended {
            *counts.entry(*kind).or_insert(0u32) += 1;
        }
        let service = emulator
            .service(DOCUMENTED_PROJECT_ID, &service_id(task))
            .expect("seeded");
        let found: BTreeSet<(u16, u16)> = service.ports.iter().map(port).collect();
        let expected: BTreeSet<(u16, u16)> = ended
            .iter()
            .zip(0..EDITS)
            .filter(|(kind, edit)| match kind {
                Ended::Ok | Ended::WaitFailed => true,
                Ended::Failed => false,
                Ended::TimedOut => found.contains(&mapping(*edit)),
            })
            .map(|(_, edit)| mapping(edit))
            .chain([(8080, 90), (8081, 80)])
            .collect();
        assert_eq!(found, expected, "service of task {task}");
        assert_eq!(found.len(), service.ports.len(), "no mapping twice");
    }
    let requests = emulator.requests_received();

    let refused = emulator.requests_rate_limited() + emulator.requests_failed();
    let successes = requests - refused;
    let retries = budget.retries_granted();
    eprintln!(
        "soak: {counts:?}; {requests} requests, {} rate limited, {} failed, {retries} retries, \
         {} refused by the budget",
        emulator.requests_rate_limited(),
        emulator.requests_failed(),
        budget.retries_refused()
    );
    // The load was felt, and most edits got through.
    assert!(emulator.requests_failed() > 0);
    assert!(counts.get(&Ended::Ok).copied().unwrap_or(0) > u32::from(TASKS * EDITS) / 2);
    assert!(
        counts.get(&Ended::Failed).copied().unwrap_or(0) > 0,
        "some edits failed for good"
    );
    // Every retry followed a refused request, and the budget paid for it: 500 tokens at the
    // start, one back per success, five a retry.
    assert!(retries <= refused, "{retries} retries, {refused} refusals");
    assert!(
        retries * u64::from(budget.retry_cost()) <= u64::from(budget.capacity()) + successes,
        "{retries} retries against {successes} successes"
    );
}

fn port(port: &EndpointServicePort) -> (u16, u16) {
    assert_eq!(port.protocol, Some(OpenEnum::Known(Protocol::Tcp)));
    let number = |p: Option<i32>| p.and_then(|p| u16::try_from(p).ok()).unwrap_or(0);
    (number(port.client_port), number(port.server_port))
}
