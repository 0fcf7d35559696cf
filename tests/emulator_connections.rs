//! Who may connect, on the emulator: consumers' VPC endpoints in other projects and domains,
//! the owner's connections and their approval (both sides change at once), the whitelist
//! with its rules and pages, `connection_count`, and a connected service that cannot be
//! deleted until its endpoint is. Every request is HTTP, as any client's.

#![cfg(feature = "emulator")]

use crate::support::emulator::{Answer, answer};
use otc_vpcep::{
    emulator::{
        DEFAULT_CONSUMER_DOMAIN_ID, DEFAULT_CONSUMER_PROJECT_ID, DOCUMENTED_DOMAIN_ID,
        DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, EmulatorError, LostAnswer,
    },
    spec,
};
use reqwest::Method;
use serde_json::{Value, json};

/// A project that no configuration names: a domain of its own.
const STRANGER_PROJECT_ID: &str = "99999999999999999999999999999999";
/// The subnet and VPC of the endpoints the tests create.
const SUBNET_ID: &str = "61881173-3899-4981-a700-170253d469b6";
const VPC_ID: &str = "d7b2bf07-1b4c-43fa-bd88-d80c6ebea140";

/// Sends `method` to `path` of the emulator at `base`, with a token and, if any, a JSON body.
async fn call(base: &str, method: Method, path: &str, body: Option<&Value>) -> Answer {
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .header("x-auth-token", "test-token");
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    answer(request.send().await.expect("the emulator answers")).await
}

fn connections_path(service: &str, query: &str) -> String {
    let path = spec::LIST_CONNECTIONS.path_with(&[
        ("project_id", DOCUMENTED_PROJECT_ID),
        ("vpc_endpoint_service_id", service),
    ]);
    format!("{path}?{query}")
}

fn action_path(service: &str) -> String {
    spec::ACCEPT_OR_REJECT_CONNECTIONS.path_with(&[
        ("project_id", DOCUMENTED_PROJECT_ID),
        ("vpc_endpoint_service_id", service),
    ])
}

fn permissions_path(service: &str, query: &str) -> String {
    let path = spec::LIST_PERMISSIONS.path_with(&[
        ("project_id", DOCUMENTED_PROJECT_ID),
        ("vpc_endpoint_service_id", service),
    ]);
    format!("{path}?{query}")
}

fn permissions_action_path(service: &str) -> String {
    spec::ADD_OR_REMOVE_PERMISSIONS.path_with(&[
        ("project_id", DOCUMENTED_PROJECT_ID),
        ("vpc_endpoint_service_id", service),
    ])
}

fn endpoints_path(project: &str, query: &str) -> String {
    let path = spec::LIST_ENDPOINTS.path_with(&[("project_id", project)]);
    format!("{path}?{query}")
}

fn endpoint_path(project: &str, endpoint: &str) -> String {
    spec::GET_ENDPOINT.path_with(&[("project_id", project), ("vpc_endpoint_id", endpoint)])
}

fn service_path(service: &str) -> String {
    crate::support::service_path(DOCUMENTED_PROJECT_ID, service)
}

/// The owner's whitelist change.
async fn whitelist(base: &str, action: &str, records: &[&str]) -> Answer {
    let body = json!({ "action": action, "permissions": records });
    call(
        base,
        Method::POST,
        &permissions_action_path(DOCUMENTED_SERVICE_ID),
        Some(&body),
    )
    .await
}

/// A consumer's create of an endpoint to the documented service.
async fn connect(base: &str, project: &str) -> Answer {
    let body = json!({
        "endpoint_service_id": DOCUMENTED_SERVICE_ID,
        "vpc_id": VPC_ID,
        "subnet_id": SUBNET_ID,
    });
    call(
        base,
        Method::POST,
        &endpoints_path(project, ""),
        Some(&body),
    )
    .await
}

/// The owner's accept (`receive`) or reject of one endpoint.
async fn decide(base: &str, action: &str, endpoints: &[&str]) -> Answer {
    let body = json!({ "action": action, "endpoints": endpoints });
    call(
        base,
        Method::POST,
        &action_path(DOCUMENTED_SERVICE_ID),
        Some(&body),
    )
    .await
}

/// Switches the documented service's approval on or off.
async fn approval(base: &str, enabled: bool) {
    let body = json!({ "approval_enabled": enabled });
    let answer = call(
        base,
        Method::PUT,
        &service_path(DOCUMENTED_SERVICE_ID),
        Some(&body),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

async fn get(base: &str, path: &str) -> Answer {
    call(base, Method::GET, path, None).await
}

fn assert_code(answer: &Answer, status: u16, code: &str) {
    assert_eq!(
        (answer.status, answer.code()),
        (status, code),
        "{}",
        answer.body
    );
    assert!(answer.request_id.is_some(), "no X-Request-Id");
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {value}"))
}

/// The consumer's status of its endpoint, and the owner's status of its connection.
async fn both_sides(base: &str, consumer: &str, endpoint: &str) -> (String, String) {
    let mine = get(base, &endpoint_path(consumer, endpoint)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let theirs = get(
        base,
        &connections_path(DOCUMENTED_SERVICE_ID, &format!("id={endpoint}")),
    )
    .await;
    assert_eq!(theirs.body["total_count"], 1, "{}", theirs.body);
    (
        text(&mine.body, "/status").to_owned(),
        text(&theirs.body, "/connections/0/status").to_owned(),
    )
}

/// The documented service's `connection_count` (a seed without one has none: 0).
async fn connection_count(base: &str) -> i64 {
    let service = get(base, &service_path(DOCUMENTED_SERVICE_ID)).await;
    match &service.body["connection_count"] {
        Value::Null => 0,
        count => count.as_i64().unwrap_or(-1),
    }
}

#[tokio::test]
async fn a_whitelisted_consumer_waits_for_approval_and_accept_and_reject_change_both_sides() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    approval(base, true).await;
    let added = whitelist(
        base,
        "add",
        &[&format!("iam:domain::{DEFAULT_CONSUMER_DOMAIN_ID}")],
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);

    let created = connect(base, DEFAULT_CONSUMER_PROJECT_ID).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        created.body["status"], "creating",
        "the page's create answer"
    );
    assert_eq!(created.body["endpoint_service_id"], DOCUMENTED_SERVICE_ID);
    assert_eq!(created.body["project_id"], DEFAULT_CONSUMER_PROJECT_ID);
    assert_eq!(
        created.body["endpoint_service_name"],
        format!("eu-de.test123.{DOCUMENTED_SERVICE_ID}")
    );
    assert!(created.body["marker_id"].as_i64().is_some());
    let endpoint = text(&created.body, "/id").to_owned();

    assert_eq!(
        both_sides(base, DEFAULT_CONSUMER_PROJECT_ID, &endpoint).await,
        ("pendingAcceptance".into(), "pendingAcceptance".into())
    );
    let seen = get(base, &endpoint_path(DEFAULT_CONSUMER_PROJECT_ID, &endpoint)).await;
    assert!(
        seen.body.get("ip").is_none(),
        "no address before it is accepted: {}",
        seen.body
    );
    let listed = get(base, &connections_path(DOCUMENTED_SERVICE_ID, "")).await;
    let connection = &listed.body["connections"][0];
    assert_eq!(connection["domain_id"], DEFAULT_CONSUMER_DOMAIN_ID);
    assert_eq!(connection["marker_id"], created.body["marker_id"]);
    assert_eq!(connection_count(base).await, 1);

    let accepted = decide(base, "receive", &[&endpoint]).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.body["connections"][0]["status"], "accepted");
    assert_eq!(accepted.body["connections"][0]["id"], endpoint.as_str());
    assert!(accepted.body.get("total_count").is_none());
    assert_eq!(
        both_sides(base, DEFAULT_CONSUMER_PROJECT_ID, &endpoint).await,
        ("accepted".into(), "accepted".into())
    );
    let seen = get(base, &endpoint_path(DEFAULT_CONSUMER_PROJECT_ID, &endpoint)).await;
    assert!(
        seen.body["ip"].is_string(),
        "an address once accepted: {}",
        seen.body
    );
    assert_eq!(connection_count(base).await, 1);
    assert_code(
        &decide(base, "receive", &[&endpoint]).await,
        400,
        "EndPoint.2014",
    );

    let rejected = decide(base, "reject", &[&endpoint]).await;
    assert_eq!(rejected.body["connections"][0]["status"], "rejected");
    assert_eq!(
        both_sides(base, DEFAULT_CONSUMER_PROJECT_ID, &endpoint).await,
        ("rejected".into(), "rejected".into())
    );
    assert_eq!(
        connection_count(base).await,
        0,
        "a rejected endpoint is not connected"
    );
    assert_eq!(decide(base, "reject", &[&endpoint]).await.status, 200);
    let again = decide(base, "receive", &[&endpoint]).await;
    assert_eq!(again.body["connections"][0]["status"], "accepted");
    let filtered = get(
        base,
        &connections_path(DOCUMENTED_SERVICE_ID, "status=accepted"),
    )
    .await;
    assert_eq!(filtered.body["total_count"], 1);
    let none = get(
        base,
        &connections_path(DOCUMENTED_SERVICE_ID, "status=rejected"),
    )
    .await;
    assert_eq!(none.body["total_count"], 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn without_approval_a_whitelisted_consumer_is_accepted_at_once() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    approval(base, false).await;
    whitelist(
        base,
        "add",
        &[&format!("iam:domain::{DEFAULT_CONSUMER_DOMAIN_ID}")],
    )
    .await;
    let created = connect(base, DEFAULT_CONSUMER_PROJECT_ID).await;
    let endpoint = text(&created.body, "/id").to_owned();
    assert_eq!(
        both_sides(base, DEFAULT_CONSUMER_PROJECT_ID, &endpoint).await,
        ("accepted".into(), "accepted".into())
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_domain_not_whitelisted_is_refused_and_the_owner_and_star_are_let_in() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    let refused = connect(base, DEFAULT_CONSUMER_PROJECT_ID).await;
    assert_code(&refused, 400, "EndPoint.2012");
    assert!(
        refused.body["error_msg"]
            .as_str()
            .unwrap()
            .starts_with("You have no permission to connect to the VPC endpoint service.")
    );
    assert_code(
        &connect(base, STRANGER_PROJECT_ID).await,
        400,
        "EndPoint.2012",
    );
    assert_eq!(connection_count(base).await, 0, "a refusal changes nothing");

    // The owner's own domain (the service answers it) may connect, and is not a record.
    let service = get(base, &service_path(DOCUMENTED_SERVICE_ID)).await;
    assert_eq!(service.body["domain_id"], DOCUMENTED_DOMAIN_ID);
    let own = connect(base, DOCUMENTED_PROJECT_ID).await;
    assert_eq!(own.status, 200, "{}", own.body);
    let records = get(base, &permissions_path(DOCUMENTED_SERVICE_ID, "")).await;
    assert_eq!(records.body, json!({ "permissions": [], "total_count": 0 }));

    // `*` lets everyone in, is answered bare, and `iam:domain::*` is the same record.
    let added = whitelist(base, "add", &["iam:domain::*"]).await;
    assert_eq!(added.body, json!({ "permissions": ["*"] }));
    assert_eq!(whitelist(base, "add", &["*"]).await.status, 200);
    let records = get(base, &permissions_path(DOCUMENTED_SERVICE_ID, "")).await;
    assert_eq!(records.body["total_count"], 1, "{}", records.body);
    let record = &records.body["permissions"][0];
    assert_eq!(record["permission"], "*");
    assert_eq!(record["permission_type"], "domainId");
    assert!(record["id"].is_string() && record["created_at"].is_string());
    assert_eq!(connect(base, STRANGER_PROJECT_ID).await.status, 200);

    // Removed, the stranger is refused again, another domain's record does not let it in,
    // and its endpoint made before stays.
    assert_eq!(whitelist(base, "remove", &["*"]).await.status, 200);
    assert_eq!(
        whitelist(base, "add", &["iam:domain::someoneelse"])
            .await
            .status,
        200
    );
    assert_code(
        &connect(base, STRANGER_PROJECT_ID).await,
        400,
        "EndPoint.2012",
    );
    let mine = get(base, &endpoints_path(STRANGER_PROJECT_ID, "")).await;
    assert_eq!(mine.body["total_count"], 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_connected_service_is_not_deleted_until_its_endpoint_is() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    let endpoint = emulator
        .connect_endpoint(DOCUMENTED_SERVICE_ID, DOCUMENTED_PROJECT_ID)
        .unwrap();
    let path = service_path(DOCUMENTED_SERVICE_ID);
    assert_code(
        &call(base, Method::DELETE, &path, None).await,
        400,
        "EndPoint.3006",
    );
    assert_eq!(get(base, &path).await.body["status"], "available");

    let other = endpoint_path(DEFAULT_CONSUMER_PROJECT_ID, &endpoint);
    assert_code(
        &call(base, Method::DELETE, &other, None).await,
        404,
        "EndPoint.0005",
    );
    let own = endpoint_path(DOCUMENTED_PROJECT_ID, &endpoint);
    let deleted = call(base, Method::DELETE, &own, None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_code(&get(base, &own).await, 404, "EndPoint.0005");
    let connections = get(base, &connections_path(DOCUMENTED_SERVICE_ID, "")).await;
    assert_eq!(connections.body["total_count"], 0);
    assert_eq!(connection_count(base).await, 0);
    assert_eq!(call(base, Method::DELETE, &path, None).await.status, 200);
    assert_code(&get(base, &path).await, 404, "EndPoint.0005");
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_action_takes_exactly_one_endpoint_of_the_service() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    approval(base, true).await;
    let endpoint = emulator
        .connect_endpoint(DOCUMENTED_SERVICE_ID, DOCUMENTED_PROJECT_ID)
        .unwrap();
    let unknown = "705290f3-0d00-41f2-aedc-71f09844e879";
    assert_code(&decide(base, "receive", &[]).await, 400, "EndPoint.2031");
    assert_code(
        &decide(base, "receive", &[&endpoint, unknown]).await,
        400,
        "EndPoint.2031",
    );
    assert_code(
        &decide(base, "accept", &[&endpoint]).await,
        400,
        "EndPoint.2027",
    );
    assert_code(&decide(base, "receive", &["x"]).await, 400, "EndPoint.2017");
    assert_code(
        &decide(base, "receive", &[unknown]).await,
        400,
        "EndPoint.2013",
    );
    let body = json!({ "action": "receive" });
    let missing = call(
        base,
        Method::POST,
        &action_path(DOCUMENTED_SERVICE_ID),
        Some(&body),
    )
    .await;
    assert_code(&missing, 400, "EndPoint.0002");
    // Another service of the owner does not have this endpoint.
    let mut other = otc_vpcep::emulator::documented_service();
    other.id = "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11".into();
    other.port_id = Some("0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a12".into());
    emulator.seed(other).unwrap();
    let body = json!({ "action": "receive", "endpoints": [endpoint] });
    let elsewhere = call(
        base,
        Method::POST,
        &action_path("0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11"),
        Some(&body),
    )
    .await;
    assert_code(&elsewhere, 400, "EndPoint.2013");
    // Only the owner's project sees the service.
    let path = spec::ACCEPT_OR_REJECT_CONNECTIONS.path_with(&[
        ("project_id", DEFAULT_CONSUMER_PROJECT_ID),
        ("vpc_endpoint_service_id", DOCUMENTED_SERVICE_ID),
    ]);
    assert_code(
        &call(base, Method::POST, &path, Some(&body)).await,
        404,
        "EndPoint.0005",
    );
    assert_eq!(
        emulator.connections(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)[0]
            .status
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("pendingAcceptance"),
        "refusals changed nothing"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_whitelist_rules_answer_their_codes_and_change_nothing() {
    let emulator = Emulator::builder()
        .max_whitelist_records(3)
        .start()
        .await
        .unwrap();
    let base = emulator.base_url();
    assert_code(
        &whitelist(base, "add", &["abc"]).await,
        400,
        "EndPoint.3002",
    );
    assert_code(
        &whitelist(base, "add", &["iam:domain::a-b"]).await,
        400,
        "EndPoint.3002",
    );
    assert_code(
        &whitelist(base, "grant", &["*"]).await,
        400,
        "EndPoint.3035",
    );
    assert_code(&whitelist(base, "add", &[]).await, 400, "EndPoint.3036");
    let batch: Vec<String> = (0..51).map(|i| format!("iam:domain::d{i}")).collect();
    let batch: Vec<&str> = batch.iter().map(String::as_str).collect();
    assert_code(&whitelist(base, "add", &batch).await, 400, "EndPoint.0016");

    // Bare and prefixed forms of a domain: the documented form only; a repeat is one record.
    let added = whitelist(
        base,
        "add",
        &["iam:domain::d1", "iam:domain::d1", "iam:domain::d2"],
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(
        whitelist(base, "add", &["iam:domain::d2"]).await.status,
        200
    );
    let records = get(base, &permissions_path(DOCUMENTED_SERVICE_ID, "")).await;
    assert_eq!(records.body["total_count"], 2);
    // Past the most records (3 here): refused whole.
    assert_code(
        &whitelist(base, "add", &["iam:domain::d3", "iam:domain::d4"]).await,
        400,
        "EndPoint.3049",
    );
    assert_eq!(
        whitelist(base, "add", &["iam:domain::d3"]).await.status,
        200
    );
    assert_eq!(
        whitelist(base, "remove", &["iam:domain::d1", "iam:domain::never"])
            .await
            .status,
        200
    );
    let records = get(
        base,
        &permissions_path(DOCUMENTED_SERVICE_ID, "sort_dir=asc"),
    )
    .await;
    let listed: Vec<&str> = records.body["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["permission"].as_str().unwrap())
        .collect();
    assert_eq!(records.body["total_count"], 2);
    assert!(listed.contains(&"iam:domain::d2") && listed.contains(&"iam:domain::d3"));
    let found = get(
        base,
        &permissions_path(DOCUMENTED_SERVICE_ID, "permission=D3"),
    )
    .await;
    assert_eq!(found.body["total_count"], 1, "fuzzy, case-insensitive");
    // Only the owner's project sees the whitelist.
    let path = spec::LIST_PERMISSIONS.path_with(&[
        ("project_id", DEFAULT_CONSUMER_PROJECT_ID),
        ("vpc_endpoint_service_id", DOCUMENTED_SERVICE_ID),
    ]);
    assert_code(&get(base, &path).await, 404, "EndPoint.0005");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_whitelist_of_1200_records_is_read_in_pages_of_at_most_500() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    let records: Vec<String> = (0..1200).map(|i| format!("iam:domain::{i:032x}")).collect();
    emulator
        .add_permissions(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, &records)
        .unwrap();
    let first = get(base, &permissions_path(DOCUMENTED_SERVICE_ID, "")).await;
    assert_eq!(
        first.body["permissions"].as_array().unwrap().len(),
        10,
        "the default page"
    );
    assert_eq!(first.body["total_count"], 1200);
    assert_code(
        &get(base, &permissions_path(DOCUMENTED_SERVICE_ID, "limit=501")).await,
        400,
        "EndPoint.0006",
    );
    let mut seen = std::collections::HashSet::new();
    for offset in [0, 500, 1000] {
        let page = get(
            base,
            &permissions_path(DOCUMENTED_SERVICE_ID, &format!("limit=500&offset={offset}")),
        )
        .await;
        assert_eq!(page.body["total_count"], 1200);
        for record in page.body["permissions"].as_array().unwrap() {
            assert!(seen.insert(record["permission"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(seen.len(), 1200, "every record once");
    let empty = get(base, &permissions_path(DOCUMENTED_SERVICE_ID, "limit=0")).await;
    assert_eq!(
        empty.body,
        json!({ "permissions": [], "total_count": 1200 })
    );
    assert!(matches!(
        emulator.add_permissions(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, ["bare"]),
        Err(EmulatorError::Refused { code, .. }) if code == "EndPoint.3002"
    ));
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_query_parameter_answers_its_code() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    for (query, code) in [
        ("limit=1001", "EndPoint.0006"),
        ("offset=x", "EndPoint.0010"),
        ("sort_key=name", "EndPoint.0017"),
        ("sort_dir=up", "EndPoint.0018"),
        ("status=creating", "EndPoint.0019"),
        ("marker_id=x", "EndPoint.0021"),
    ] {
        let path = connections_path(DOCUMENTED_SERVICE_ID, query);
        assert_code(&get(base, &path).await, 400, code);
    }
    assert_eq!(
        get(base, &connections_path(DOCUMENTED_SERVICE_ID, "limit=1000"))
            .await
            .status,
        200
    );
    for (query, code) in [
        ("limit=501", "EndPoint.0006"),
        ("offset=-1", "EndPoint.0010"),
        ("sort_key=updated_at", "EndPoint.0017"),
        ("sort_dir=up", "EndPoint.0018"),
    ] {
        let path = permissions_path(DOCUMENTED_SERVICE_ID, query);
        assert_code(&get(base, &path).await, 400, code);
    }
    for (query, code) in [
        ("limit=1001", "EndPoint.0006"),
        ("offset=x", "EndPoint.0010"),
        ("sort_key=name", "EndPoint.0017"),
        ("sort_dir=up", "EndPoint.0018"),
        ("vpc_id=x", "EndPoint.0020"),
        ("id=x", "EndPoint.2017"),
    ] {
        let path = endpoints_path(DOCUMENTED_PROJECT_ID, query);
        assert_code(&get(base, &path).await, 400, code);
    }
    let unknown = "4189d3c2-8882-4871-a3c2-d380272eed00";
    assert_code(
        &get(base, &connections_path(unknown, "")).await,
        404,
        "EndPoint.0005",
    );
    assert_code(
        &get(base, &permissions_path(unknown, "")).await,
        404,
        "EndPoint.0005",
    );
    assert_code(
        &get(base, &endpoint_path(DOCUMENTED_PROJECT_ID, "x")).await,
        400,
        "EndPoint.2017",
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_create_of_an_endpoint_answers_the_documented_codes() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    let path = endpoints_path(DOCUMENTED_PROJECT_ID, "");
    let create = |body: Value| {
        let path = path.clone();
        async move { call(base, Method::POST, &path, Some(&body)).await }
    };
    let unknown = "4189d3c2-8882-4871-a3c2-d380272eed00";
    let body = json!({ "endpoint_service_id": unknown, "vpc_id": VPC_ID, "subnet_id": SUBNET_ID });
    assert_code(&create(body).await, 400, "EndPoint.2003");
    let body = json!({ "endpoint_service_id": DOCUMENTED_SERVICE_ID, "vpc_id": VPC_ID });
    assert_code(&create(body).await, 400, "EndPoint.2010");
    let body = json!({ "vpc_id": VPC_ID });
    assert_code(&create(body).await, 400, "EndPoint.2029");
    let body = json!({ "endpoint_service_id": DOCUMENTED_SERVICE_ID, "subnet_id": SUBNET_ID });
    assert_code(&create(body).await, 400, "EndPoint.2011");
    let body = json!({
        "endpoint_service_id": DOCUMENTED_SERVICE_ID, "vpc_id": VPC_ID, "subnet_id": SUBNET_ID,
        "port_ip": "300.1.1.1",
    });
    assert_code(&create(body).await, 400, "EndPoint.2041");
    emulator.update_service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, |s| {
        s.status = Some(otc_vpcep::OpenEnum::Known(
            otc_vpcep::types::ServiceStatus::Creating,
        ));
    });
    let body = json!({ "endpoint_service_id": DOCUMENTED_SERVICE_ID, "vpc_id": VPC_ID, "subnet_id": SUBNET_ID });
    assert_code(&create(body).await, 400, "EndPoint.2004");
    assert_eq!(
        get(base, &endpoints_path(DOCUMENTED_PROJECT_ID, ""))
            .await
            .body["total_count"],
        0,
        "refusals made nothing"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn several_projects_connect_as_their_domains() {
    let (p2, p3) = (
        "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2",
        "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3",
    );
    let emulator = Emulator::builder()
        .project_domain(p2, "d2")
        .project_domain(p3, "d3")
        .endpoint_quota(2)
        .start()
        .await
        .unwrap();
    let base = emulator.base_url();
    whitelist(base, "add", &["iam:domain::d2"]).await;
    let made = connect(base, p2).await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert_code(&connect(base, p3).await, 400, "EndPoint.2012");
    let connections = get(base, &connections_path(DOCUMENTED_SERVICE_ID, "")).await;
    assert_eq!(connections.body["connections"][0]["domain_id"], "d2");
    let (of_p2, of_p3) = (
        get(base, &endpoints_path(p2, "")).await,
        get(base, &endpoints_path(p3, "")).await,
    );
    assert_eq!(
        (
            of_p2.body["total_count"].clone(),
            of_p3.body["total_count"].clone()
        ),
        (json!(1), json!(0))
    );
    let id = text(&made.body, "/id");
    assert_code(
        &get(base, &endpoint_path(p3, id)).await,
        404,
        "EndPoint.0005",
    );
    let quotas = get(
        base,
        &format!(
            "{}?type=endpoint",
            spec::LIST_QUOTAS.path_with(&[("project_id", p2)])
        ),
    )
    .await;
    assert_eq!(quotas.body["quotas"]["resources"][0]["used"], 1);
    assert_eq!(connect(base, p2).await.status, 200);
    assert_code(&connect(base, p2).await, 400, "Endpoint.1018");
    assert!(
        Emulator::builder()
            .project_domain("bad/project", "d*")
            .start()
            .await
            .is_err()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_helpers_make_fifty_pending_endpoints_in_one_line_each() {
    let emulator = Emulator::start().await.unwrap();
    let base = emulator.base_url();
    approval(base, true).await;
    emulator
        .add_permissions(
            DOCUMENTED_PROJECT_ID,
            DOCUMENTED_SERVICE_ID,
            [format!("iam:domain::{DEFAULT_CONSUMER_DOMAIN_ID}")],
        )
        .unwrap();
    let ids: Vec<String> = (0..50)
        .map(|_| {
            emulator
                .connect_endpoint(DOCUMENTED_SERVICE_ID, DEFAULT_CONSUMER_PROJECT_ID)
                .unwrap()
        })
        .collect();
    let pending = get(
        base,
        &connections_path(DOCUMENTED_SERVICE_ID, "status=pendingAcceptance&limit=1000"),
    )
    .await;
    assert_eq!(pending.body["total_count"], 50);
    assert_eq!(
        emulator
            .connections(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
            .len(),
        50
    );
    assert_eq!(connection_count(base).await, 50);
    let seen = emulator
        .endpoint(DEFAULT_CONSUMER_PROJECT_ID, &ids[0])
        .unwrap();
    assert_eq!(
        seen.endpoint_service_id.as_deref(),
        Some(DOCUMENTED_SERVICE_ID)
    );
    // One fails behind the clients' backs: both sides show it, and it is not connected.
    let failed = emulator.update_endpoint(DEFAULT_CONSUMER_PROJECT_ID, &ids[1], |endpoint| {
        endpoint.status = Some(otc_vpcep::OpenEnum::Known(
            otc_vpcep::types::EndpointStatus::Failed,
        ));
        endpoint.error = vec![otc_vpcep::types::ServiceError {
            error_code: Some("EndPoint.2022".into()),
            error_message: Some("Failed to create an endpoint.".into()),
            code: None,
            message: None,
        }];
    });
    assert!(failed.is_some());
    let owner = get(
        base,
        &connections_path(DOCUMENTED_SERVICE_ID, &format!("id={}", ids[1])),
    )
    .await;
    assert_eq!(owner.body["connections"][0]["status"], "failed");
    assert_eq!(
        owner.body["connections"][0]["error"][0]["error_code"],
        "EndPoint.2022"
    );
    assert_eq!(connection_count(base).await, 49);
    assert!(
        emulator
            .update_endpoint(DOCUMENTED_PROJECT_ID, &ids[1], |_| {})
            .is_none()
    );
    assert!(matches!(
        emulator.connect_endpoint(DOCUMENTED_SERVICE_ID, DEFAULT_CONSUMER_PROJECT_ID),
        Err(EmulatorError::Refused { code, .. }) if code == "Endpoint.1018"
    ));
    assert!(matches!(
        emulator.connect_endpoint(DOCUMENTED_SERVICE_ID, STRANGER_PROJECT_ID),
        Err(EmulatorError::Refused { code, .. }) if code == "EndPoint.2012"
    ));
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_rate_limit_and_lost_answers_hold_for_the_new_operations() {
    let emulator = Emulator::builder()
        .rate_limit(0.001, 2)
        .lose_answers(
            &spec::ACCEPT_OR_REJECT_CONNECTIONS,
            1,
            LostAnswer::Unavailable,
        )
        .start()
        .await
        .unwrap();
    let base = emulator.base_url();
    let endpoint = emulator
        .connect_endpoint(DOCUMENTED_SERVICE_ID, DOCUMENTED_PROJECT_ID)
        .unwrap();
    // The documented service does not require approval: the endpoint is accepted; a reject
    // is carried out, and its answer lost.
    let lost = decide(base, "reject", &[&endpoint]).await;
    assert_code(&lost, 503, "EndPoint.0001");
    assert_eq!(
        emulator
            .endpoint(DOCUMENTED_PROJECT_ID, &endpoint)
            .unwrap()
            .status
            .map(|s| s.to_string())
            .as_deref(),
        Some("rejected")
    );
    assert_eq!(emulator.answers_lost(), 1);
    assert_eq!(
        get(base, &connections_path(DOCUMENTED_SERVICE_ID, ""))
            .await
            .status,
        200
    );
    assert_code(
        &get(base, &endpoints_path(DOCUMENTED_PROJECT_ID, "")).await,
        400,
        "EndPoint.0022",
    );
    // Another project has its own bucket.
    assert_eq!(
        get(base, &endpoints_path(DEFAULT_CONSUMER_PROJECT_ID, ""))
            .await
            .status,
        200
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn vpcep_emulator_takes_projects_in_domains_and_the_most_records() {
    let emulator = crate::support::cli::RunningEmulator::start_with(
        &[
            "--project-domain",
            "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2:d2",
            "--max-whitelist-records",
            "1",
        ],
        &[],
    );
    let base = emulator.base_url.as_str();
    assert_eq!(
        whitelist(base, "add", &["iam:domain::d2"]).await.status,
        200
    );
    assert_code(
        &whitelist(base, "add", &["iam:domain::d9"]).await,
        400,
        "EndPoint.3049",
    );
    assert_eq!(
        connect(base, "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2")
            .await
            .status,
        200
    );
    let connections = get(base, &connections_path(DOCUMENTED_SERVICE_ID, "")).await;
    assert_eq!(connections.body["connections"][0]["domain_id"], "d2");
    // The defaults: the documented project's own domain, and the default consumer's.
    assert_eq!(DOCUMENTED_DOMAIN_ID.len(), 32);
    assert_code(
        &connect(base, DEFAULT_CONSUMER_PROJECT_ID).await,
        400,
        "EndPoint.2012",
    );
}
