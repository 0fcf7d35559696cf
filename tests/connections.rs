//! Who is connected, through the library: the walk over a service's connections (the same
//! paginator as the list of services, while connections come and go), accepting and
//! rejecting many endpoints (one request each, each reported, paced under the rate limit),
//! and the wait for a connection, against scripted loopback servers and the emulator.

#![cfg(feature = "emulator")]

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use crate::support::faults::{FaultServer, Reply, client, tiny_policy};
use crate::support::server::Received;
use otc_vpcep::{
    ConnectionChange, Error, WaitError,
    emulator::{
        DEFAULT_CONSUMER_DOMAIN_ID, DEFAULT_CONSUMER_PROJECT_ID, DOCUMENTED_PROJECT_ID,
        DOCUMENTED_SERVICE_ID, Emulator,
    },
    types::ConnectionStatusFilter,
};
use serde_json::{Value, json};

const SERVICE: &str = DOCUMENTED_SERVICE_ID;

/// The value of the query parameter `name` of a request.
fn query(request: &Received, name: &str) -> Option<String> {
    let (_, query) = request.target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// The ID of the `n`th endpoint.
fn id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn connection(n: usize, status: &str) -> Value {
    json!({"id": id(n), "status": status, "domain_id": DEFAULT_CONSUMER_DOMAIN_ID, "marker_id": n})
}

/// A page of `connections` as the list answers the request.
fn page(connections: &[Value], request: &Received) -> Reply {
    let offset: usize = query(request, "offset").map_or(0, |o| o.parse().unwrap());
    let limit: usize = query(request, "limit").map_or(10, |l| l.parse().unwrap());
    let page: Vec<&Value> = connections.iter().skip(offset).take(limit).collect();
    Reply::json(
        200,
        &json!({"connections": page, "total_count": connections.len()}).to_string(),
    )
}

#[tokio::test]
async fn the_walk_over_connections_misses_none_while_connections_before_its_page_go() {
    let all: Arc<Mutex<Vec<Value>>> = Arc::new(Mutex::new(
        (0..2_500).map(|n| connection(n, "accepted")).collect(),
    ));
    let list = all.clone();
    let server = FaultServer::start(move |n, request| {
        let mut all = list.lock().unwrap();
        // Before the second page, connections already answered are deleted.
        if n == 1 {
            all.drain(100..400);
        }
        page(&all, request)
    })
    .await;
    let client = client(&server, tiny_policy(1));
    let walked: Vec<String> = client
        .list_connections(SERVICE)
        .collect_all()
        .await
        .expect("the walk")
        .into_iter()
        .map(|c| c.id)
        .collect();
    let unique: HashSet<&String> = walked.iter().collect();
    assert_eq!(unique.len(), walked.len(), "no connection twice");
    for survivor in all.lock().unwrap().iter() {
        let survivor = survivor["id"].as_str().unwrap().to_owned();
        assert!(unique.contains(&survivor), "{survivor} was missed");
    }
    let requests = server.received();
    for request in &requests {
        assert!(
            request.path().ends_with("/connections"),
            "{}",
            request.target
        );
        assert_eq!(query(request, "limit").as_deref(), Some("1000"));
        assert_eq!(query(request, "sort_dir").as_deref(), Some("asc"));
    }
    // The second page missed its overlap and stepped back until it found it.
    let offsets: Vec<_> = requests
        .iter()
        .map(|r| query(r, "offset").unwrap())
        .collect();
    assert_eq!(offsets, ["0", "999", "750", "500", "1499"]);
}

/// An emulator whose documented service requires approval, whose whitelist lets the
/// default consumer's domain in, with `count` endpoints of that consumer waiting.
async fn pending(emulator: &Emulator, count: usize) -> Vec<String> {
    emulator.update_service(DOCUMENTED_PROJECT_ID, SERVICE, |service| {
        service.approval_enabled = Some(true);
    });
    emulator
        .add_permissions(
            DOCUMENTED_PROJECT_ID,
            SERVICE,
            [format!("iam:domain::{DEFAULT_CONSUMER_DOMAIN_ID}")],
        )
        .expect("whitelisted");
    (0..count)
        .map(|_| {
            emulator
                .connect_endpoint(SERVICE, DEFAULT_CONSUMER_PROJECT_ID)
                .expect("connected")
        })
        .collect()
}

#[tokio::test]
async fn fifty_pending_endpoints_are_accepted_under_the_rate_limit_and_each_is_reported() {
    let emulator = Emulator::builder()
        .endpoint_quota(100)
        .rate_limit(20.0, 5)
        .start()
        .await
        .expect("emulator");
    let endpoints = pending(&emulator, 50).await;
    let client = crate::support::emulator::client(&emulator);
    let outcomes = client
        .accept_endpoints(SERVICE, &endpoints)
        .send()
        .await
        .expect("checked and read");
    assert_eq!(outcomes.len(), 50);
    for (outcome, endpoint) in outcomes.iter().zip(&endpoints) {
        assert_eq!(&outcome.endpoint_id, endpoint, "in the order given");
        assert_eq!(
            outcome.result.as_ref().ok(),
            Some(&ConnectionChange::Accepted),
            "{endpoint}: {:?}",
            outcome.result
        );
        let status = outcome.connection.as_ref().and_then(|c| c.status.clone());
        assert_eq!(status.map(|s| s.to_string()).as_deref(), Some("accepted"));
    }
    assert!(
        emulator.requests_rate_limited() > 0,
        "the limit was met, and the retries got past it"
    );
    // Both sides see every one accepted.
    let connections = emulator.connections(DOCUMENTED_PROJECT_ID, SERVICE);
    assert_eq!(connections.len(), 50);
    assert!(connections.iter().all(|c| {
        c.status
            .as_ref()
            .is_some_and(|s| s.to_string() == "accepted")
    }));
    for endpoint in &endpoints {
        let seen = emulator
            .endpoint(DEFAULT_CONSUMER_PROJECT_ID, endpoint)
            .unwrap();
        assert_eq!(
            seen.status.map(|s| s.to_string()).as_deref(),
            Some("accepted")
        );
    }
}

#[tokio::test]
async fn accepting_endpoints_already_accepted_sends_nothing_and_says_so() {
    let emulator = Emulator::builder().start().await.expect("emulator");
    let endpoints = pending(&emulator, 3).await;
    let client = crate::support::emulator::client(&emulator);
    let first = client
        .accept_endpoints(SERVICE, &endpoints[..1])
        .send()
        .await
        .unwrap();
    assert_eq!(
        first[0].result.as_ref().ok(),
        Some(&ConnectionChange::Accepted)
    );

    // A dry run tells the same, and only reads.
    let before = emulator.requests_received();
    let preview = client
        .accept_endpoints(SERVICE, &endpoints)
        .preview()
        .await
        .unwrap();
    let changes: Vec<_> = preview
        .iter()
        .map(|o| *o.result.as_ref().unwrap())
        .collect();
    assert_eq!(
        changes,
        [
            ConnectionChange::AlreadyAccepted,
            ConnectionChange::Accepted,
            ConnectionChange::Accepted
        ]
    );
    assert_eq!(emulator.requests_received() - before, 1);

    let before = emulator.requests_received();
    let again = client
        .accept_endpoints(SERVICE, &endpoints)
        .send()
        .await
        .unwrap();
    let changes: Vec<_> = again.iter().map(|o| *o.result.as_ref().unwrap()).collect();
    assert_eq!(
        changes,
        [
            ConnectionChange::AlreadyAccepted,
            ConnectionChange::Accepted,
            ConnectionChange::Accepted
        ]
    );
    assert_eq!(changes[0].to_string(), "already accepted");
    assert_eq!(
        serde_json::to_value(changes[0]).unwrap(),
        json!("already_accepted")
    );
    // One read of the connections, and one action for each of the two that waited.
    assert_eq!(emulator.requests_received() - before, 3);

    let before = emulator.requests_received();
    let rejected = client
        .reject_endpoints(SERVICE, &endpoints[1..2])
        .send()
        .await
        .unwrap();
    assert_eq!(
        rejected[0].result.as_ref().ok(),
        Some(&ConnectionChange::Rejected)
    );
    let again = client
        .reject_endpoints(SERVICE, &endpoints[1..2])
        .send()
        .await
        .unwrap();
    assert_eq!(
        again[0].result.as_ref().ok(),
        Some(&ConnectionChange::AlreadyRejected)
    );
    // One endpoint: its connection is read by its ID.
    assert_eq!(emulator.requests_received() - before, 3);
    let pending = client
        .list_connections(SERVICE)
        .status(ConnectionStatusFilter::Rejected)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, endpoints[1]);
}

#[tokio::test]
async fn a_malformed_endpoint_id_is_refused_by_its_place_before_anything_is_sent() {
    let server = FaultServer::always(Reply::ok()).await;
    let client = client(&server, tiny_policy(1));
    let error = client
        .accept_endpoints(SERVICE, [id(1), "not-an-id".into(), id(2), "x".into()])
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(violations) = &error else {
        panic!("{error:?}");
    };
    let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["endpoints[1]", "endpoints[3]"], "{error}");
    assert!(
        error.to_string().contains("\"not-an-id\" is not a UUID"),
        "{error}"
    );
    let error = client
        .accept_endpoints(SERVICE, Vec::<String>::new())
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("endpoints: lists no VPC endpoint"),
        "{error}"
    );
    let error = client
        .accept_or_reject_connections(SERVICE)
        .endpoints([id(1)])
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("action"), "{error}");
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn one_endpoint_that_fails_does_not_hide_the_others() {
    let connections: Vec<Value> = (0..3).map(|n| connection(n, "pendingAcceptance")).collect();
    let server = FaultServer::start(move |_, request| {
        if request.method == "GET" {
            return page(&connections, request);
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["action"], "receive");
        let endpoints = body["endpoints"].as_array().unwrap();
        assert_eq!(endpoints.len(), 1, "one endpoint a request");
        if endpoints[0] == id(1).as_str() {
            return Reply::error(400, "EndPoint.2013", "not of this service");
        }
        let mut accepted = connection(0, "accepted");
        accepted["id"] = endpoints[0].clone();
        Reply::json(200, &json!({"connections": [accepted]}).to_string())
    })
    .await;
    let client = client(&server, tiny_policy(1));
    let outcomes = client
        .accept_endpoints(SERVICE, [id(0), id(1), id(2), id(0).to_uppercase()])
        .send()
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 3, "an endpoint given twice counts once");
    assert!(outcomes[0].is_ok() && outcomes[2].is_ok());
    let failure = outcomes[1].result.as_ref().unwrap_err();
    assert_eq!(failure.error_code(), Some("EndPoint.2013"));
    assert_eq!(
        server
            .received()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        3
    );
}

/// A server whose connection list answers the statuses of `statuses` in turn (the last one
/// again and again).
async fn statuses(statuses: Vec<Value>) -> FaultServer {
    FaultServer::start(move |n, request| {
        assert_eq!(query(request, "id"), Some(id(7)));
        let answer = &statuses[n.min(statuses.len() - 1)];
        Reply::json(
            200,
            &json!({"connections": [answer], "total_count": 1}).to_string(),
        )
    })
    .await
}

async fn wait(
    server: &FaultServer,
    timeout: Duration,
) -> Result<otc_vpcep::types::Connection, Error> {
    client(server, tiny_policy(1))
        .wait_for_connection(SERVICE, id(7), timeout)
        .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
        .send()
        .await
}

#[tokio::test]
async fn the_wait_for_a_connection_ends_accepted_rejected_failed_or_in_time() {
    let server = statuses(vec![
        connection(7, "creating"),
        connection(7, "pendingAcceptance"),
        connection(7, "accepted"),
    ])
    .await;
    let accepted = wait(&server, Duration::from_secs(10))
        .await
        .expect("accepted");
    assert_eq!(accepted.id, id(7));
    assert_eq!(server.hits(), 3);

    let server = statuses(vec![
        connection(7, "pendingAcceptance"),
        connection(7, "rejected"),
    ])
    .await;
    let error = wait(&server, Duration::from_secs(10)).await.unwrap_err();
    assert!(
        matches!(&error, Error::Wait(w) if matches!(**w, WaitError::Rejected { .. })),
        "{error:?}"
    );

    let mut failed = connection(7, "failed");
    failed["error"] = json!([{"error_code": "EndPoint.2012", "error_message": "no permission"}]);
    let server = statuses(vec![failed]).await;
    let error = wait(&server, Duration::from_secs(10)).await.unwrap_err();
    assert!(
        matches!(&error, Error::Wait(w) if matches!(**w, WaitError::ConnectionFailed { .. })),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .ends_with("is failed: EndPoint.2012: no permission"),
        "{error}"
    );

    let server = statuses(vec![connection(7, "pendingAcceptance")]).await;
    let error = wait(&server, Duration::from_millis(200)).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("is not accepted after 200ms: its last status was pendingAcceptance"),
        "{error}"
    );
    assert!(error.is_retryable());

    let error = client(&server, tiny_policy(1))
        .wait_for_connection(SERVICE, "nope", Duration::ZERO)
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("endpoint_id: \"nope\" is not a UUID"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("timeout: must be more than zero"),
        "{error}"
    );
}

#[tokio::test]
async fn the_wait_sees_the_owner_accept_through_the_emulator() {
    let emulator = Emulator::builder().start().await.expect("emulator");
    let endpoint = pending(&emulator, 1).await.remove(0);
    let client = crate::support::emulator::client(&emulator);
    let waiting = client
        .wait_for_connection(SERVICE, &endpoint, Duration::from_secs(20))
        .poll_interval(Duration::from_millis(10), Duration::from_millis(50))
        .send();
    let accept = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        client.accept_endpoints(SERVICE, [&endpoint]).send().await
    };
    let (connection, accepted) = tokio::join!(waiting, accept);
    assert!(accepted.unwrap()[0].is_ok());
    assert_eq!(connection.expect("accepted").id, endpoint);
}

#[tokio::test]
async fn an_accept_whose_answer_is_lost_is_read_again_and_reported_done() {
    let emulator = Emulator::builder().start().await.expect("emulator");
    let endpoints = pending(&emulator, 3).await;
    // The first two actions are made, then their answers are lost (a POST is not sent
    // again after that).
    emulator.lose_answers(
        &otc_vpcep::spec::ACCEPT_OR_REJECT_CONNECTIONS,
        1,
        otc_vpcep::emulator::LostAnswer::Unavailable,
    );
    emulator.lose_answers(
        &otc_vpcep::spec::ACCEPT_OR_REJECT_CONNECTIONS,
        1,
        otc_vpcep::emulator::LostAnswer::Reset,
    );
    let client = crate::support::emulator::client(&emulator);
    let outcomes = client
        .accept_endpoints(SERVICE, &endpoints)
        .send()
        .await
        .unwrap();
    for outcome in &outcomes {
        assert_eq!(
            outcome.result.as_ref().ok(),
            Some(&ConnectionChange::Accepted),
            "{}: {:?}",
            outcome.endpoint_id,
            outcome.result
        );
        assert!(outcome.connection.is_some());
    }
    assert_eq!(emulator.answers_lost(), 2);
}
