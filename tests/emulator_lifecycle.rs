//! A service's life on the emulator, as the API reference pages describe it: routes from the
//! spec's table, the list with its filters, sorting and pages, the create with its rules and
//! quota, `creating` then `available`, the delete (`deleting`, then gone), the quotas from the
//! state, answers lost after the change was made, and many services at once. Times run on a
//! paused tokio clock, not on sleeps.

#![cfg(feature = "emulator")]

use std::{collections::HashSet, time::Duration};

use crate::support::emulator::{
    Answer, client, create, create_request, delete, documented_create_request, get, quotas_path,
    request, send_raw, service_path, services_path, status_of,
};
use otc_vpcep::{
    OpenEnum,
    emulator::{
        DEFAULT_ENDPOINT_QUOTA, DEFAULT_SERVICE_QUOTA, DOCUMENTED_PROJECT_ID,
        DOCUMENTED_SERVICE_ID, Emulator, LostAnswer, documented_service,
    },
    raw, spec,
    types::{CreateEndpointServiceRequest, EndpointService, QuotaResourceType, ServiceStatus},
};
use reqwest::Method;
use serde_json::{Value, json};

/// The documented project's services, with `query`.
fn list_path(query: &str) -> String {
    format!("{}?{query}", services_path(DOCUMENTED_PROJECT_ID))
}

/// The IDs of a list answer's services, in order.
fn ids(answer: &Answer) -> Vec<String> {
    answer.body["endpoint_services"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {}", answer.body))
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn total(answer: &Answer) -> u64 {
    answer.body["total_count"].as_u64().unwrap_or(u64::MAX)
}

/// Asserts an error answer: status, code, and the error code table's message first.
fn assert_refused(answer: &Answer, status: u16, code: &str, message: &str) {
    assert_eq!(
        (answer.status, answer.code()),
        (status, code),
        "{}",
        answer.body
    );
    let text = answer.body["error_msg"].as_str().unwrap_or_default();
    assert!(
        text.starts_with(message),
        "{text:?} does not start with {message:?}"
    );
    assert!(answer.request_id.is_some(), "no X-Request-Id");
}

/// A seed like the documented service, with its own ID, backend port, name and times.
fn seeded(
    n: u8,
    name: Option<&str>,
    created_at: &str,
    updated_at: Option<&str>,
    status: ServiceStatus,
) -> EndpointService {
    EndpointService {
        id: format!("10000000-0000-4000-8000-0000000000{n:02}"),
        port_id: Some(format!("20000000-0000-4000-8000-0000000000{n:02}")),
        service_name: name.map(str::to_owned),
        created_at: Some(created_at.to_owned()),
        updated_at: updated_at.map(str::to_owned),
        status: Some(OpenEnum::Known(status)),
        ..documented_service()
    }
}

const A: &str = "10000000-0000-4000-8000-000000000001";
const B: &str = "10000000-0000-4000-8000-000000000002";
const C: &str = "10000000-0000-4000-8000-000000000003";
const D: &str = "10000000-0000-4000-8000-000000000004";

/// Four services: two named like `web`, one failed without `updated_at`, one without a name
/// created at the same time as another.
async fn four_services() -> Emulator {
    Emulator::builder()
        .empty()
        .service(seeded(
            1,
            Some("web"),
            "2020-01-01T00:00:00Z",
            Some("2020-01-05T00:00:00Z"),
            ServiceStatus::Available,
        ))
        .service(seeded(
            2,
            Some("web2"),
            "2020-01-02T00:00:00Z",
            Some("2020-01-03T00:00:00Z"),
            ServiceStatus::Creating,
        ))
        .service(seeded(
            3,
            Some("Billing"),
            "2020-01-03T00:00:00.000",
            None,
            ServiceStatus::Failed,
        ))
        .service(seeded(
            4,
            None,
            "2020-01-02T00:00:00Z",
            Some("2020-01-02T00:00:00Z"),
            ServiceStatus::Available,
        ))
        .start()
        .await
        .unwrap()
}

// ---- routing from the spec ----------------------------------------------------------------

/// Every operation of the spec is served (no 404 "no API", no 501 "not implemented"), and
/// every other method of each path is a 405 whose `Allow` lists the methods the spec (read
/// here from spec/vpcep.yaml itself) has on that path.
#[tokio::test]
async fn every_operation_of_the_spec_is_routed_and_other_methods_are_405_with_its_allow() {
    let emulator = Emulator::start().await.unwrap();
    let document = crate::support::spec();
    let paths = document["paths"].as_object().unwrap();
    for (template, item) in paths {
        // A DELETE of the path before deleted the service: each path finds it again.
        emulator.seed(documented_service()).unwrap();
        let path = template
            .replace("{project_id}", DOCUMENTED_PROJECT_ID)
            .replace("{vpc_endpoint_service_id}", DOCUMENTED_SERVICE_ID);
        let methods: Vec<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
            .iter()
            .filter(|m| item.get(**m).is_some())
            .map(|m| m.to_uppercase())
            .collect();
        for method in &methods {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let answer = send_raw(
                &emulator,
                method.clone(),
                &path,
                Some("application/json"),
                "{}",
            )
            .await;
            assert!(
                ![404, 405, 501].contains(&answer.status),
                "{method} {path}: {} {}",
                answer.status,
                answer.body
            );
        }
        let mut spec_order = methods.clone();
        // The Allow header follows the spec's table, which lists them in document order.
        spec_order.sort_by_key(|m| {
            spec::ALL
                .iter()
                .position(|o| o.path == template && o.method == m)
                .unwrap_or(usize::MAX)
        });
        let allow = spec_order.join(", ");
        for other in [
            Method::PATCH,
            Method::PUT,
            Method::POST,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            if methods.contains(&other.to_string()) {
                continue;
            }
            let answer = request(&emulator, other.clone(), &path).await;
            assert_refused(&answer, 405, "EndPoint.0002", "Parameter error.");
            assert_eq!(
                answer.allow.as_deref(),
                Some(allow.as_str()),
                "{other} {path}"
            );
        }
    }
}

// ---- list ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_list_sorts_by_created_at_descending_by_default_ties_by_id() {
    let emulator = four_services().await;
    let answer = get(&emulator, &services_path(DOCUMENTED_PROJECT_ID)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(ids(&answer), [C, D, B, A]);
    assert_eq!(total(&answer), 4);
    let ascending = get(&emulator, &list_path("sort_dir=asc")).await;
    assert_eq!(ids(&ascending), [A, B, D, C]);
    // A service never updated sorts by its creation time.
    let updated = get(&emulator, &list_path("sort_key=updated_at")).await;
    assert_eq!(ids(&updated), [A, C, B, D]);
    let updated_ascending = get(&emulator, &list_path("sort_key=updated_at&sort_dir=asc")).await;
    assert_eq!(ids(&updated_ascending), [D, B, C, A]);
    // Names are decorated as the service answers them, with or without a name.
    let names: Vec<&str> = answer.body["endpoint_services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            format!("eu-de.Billing.{C}"),
            format!("eu-de.{D}"),
            format!("eu-de.web2.{B}"),
            format!("eu-de.web.{A}"),
        ]
    );
}

#[tokio::test]
async fn a_list_filters_by_name_fuzzily_by_id_and_by_status() {
    let emulator = four_services().await;
    for (query, expected) in [
        ("endpoint_service_name=web", vec![B, A]),
        ("endpoint_service_name=WEB", vec![B, A]),
        ("endpoint_service_name=eu-de.web.", vec![A]),
        ("endpoint_service_name=billing", vec![C]),
        ("endpoint_service_name=000000000004", vec![D]),
        ("endpoint_service_name=EU-DE", vec![C, D, B, A]),
        ("endpoint_service_name=", vec![C, D, B, A]),
        ("endpoint_service_name=nothing", vec![]),
        (&format!("id={B}"), vec![B]),
        (&format!("id={}", B.to_uppercase()), vec![B]),
        ("id=00000000-0000-4000-8000-000000000000", vec![]),
        ("status=creating", vec![B]),
        ("status=failed", vec![C]),
        ("status=available", vec![D, A]),
        ("status=deleting", vec![]),
        ("status=available&endpoint_service_name=web", vec![A]),
        ("unknown=ignored", vec![C, D, B, A]),
    ] {
        let answer = get(&emulator, &list_path(query)).await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.body);
        assert_eq!(ids(&answer), expected, "{query}");
        assert_eq!(total(&answer), expected.len() as u64, "{query}");
    }
}

#[tokio::test]
async fn total_count_ignores_limit_and_offset() {
    let emulator = four_services().await;
    for (query, expected) in [
        ("limit=1", vec![C]),
        ("limit=1&offset=1", vec![D]),
        ("limit=2&offset=3", vec![A]),
        ("limit=0", vec![]),
        ("offset=4", vec![]),
        ("offset=1000000", vec![]),
        ("limit=1000&offset=0", vec![C, D, B, A]),
        ("limit=1&endpoint_service_name=web", vec![B]),
    ] {
        let answer = get(&emulator, &list_path(query)).await;
        assert_eq!(ids(&answer), expected, "{query}");
        let all = if query.contains("web") { 2 } else { 4 };
        assert_eq!(total(&answer), all, "{query}");
    }
    // The default page is 10 services.
    let emulator = Emulator::builder().seed_count(25).start().await.unwrap();
    let page = get(&emulator, &services_path(DOCUMENTED_PROJECT_ID)).await;
    assert_eq!((ids(&page).len(), total(&page)), (10, 26));
    // Another project has none of them.
    let other = get(
        &emulator,
        &services_path("0123456789abcdef0123456789abcdef"),
    )
    .await;
    assert_eq!((ids(&other).len(), total(&other)), (0, 0));
}

#[tokio::test]
async fn bad_list_parameters_answer_their_documented_codes_and_messages() {
    let emulator = Emulator::start().await.unwrap();
    for (query, code, message) in [
        ("limit=-1", "EndPoint.0006", "Invalid limit."),
        ("limit=1001", "EndPoint.0006", "Invalid limit."),
        ("limit=ten", "EndPoint.0006", "Invalid limit."),
        ("limit=", "EndPoint.0006", "Invalid limit."),
        ("offset=-1", "EndPoint.0010", "Invalid offset."),
        ("offset=1.5", "EndPoint.0010", "Invalid offset."),
        ("sort_key=name", "EndPoint.0017", "Invalid sort_key."),
        ("sort_dir=up", "EndPoint.0018", "Invalid sort_dir."),
        ("sort_dir=DESC", "EndPoint.0018", "Invalid sort_dir."),
        ("status=gone", "EndPoint.0019", "Invalid status."),
        (
            "id=4189d3c2",
            "EndPoint.3062",
            "Invalid endpoint service ID.",
        ),
        ("limit=1&limit=2", "EndPoint.0006", "Invalid limit."),
        (
            &format!("endpoint_service_name={}", "a".repeat(129)),
            "EndPoint.0002",
            "Parameter error.",
        ),
    ] {
        let answer = get(&emulator, &list_path(query)).await;
        assert_refused(&answer, 400, code, message);
    }
    // The same through the generated client, which sends what it is given.
    let refused = client(&emulator)
        .raw()
        .list_endpoint_services()
        .project_id(DOCUMENTED_PROJECT_ID)
        .limit(-5)
        .send()
        .await;
    match refused {
        Err(raw::Error::ErrorResponse(answer)) => {
            assert_eq!(answer.status().as_u16(), 400);
            assert_eq!(answer.into_inner().error_code, "EndPoint.0006");
        }
        other => panic!("expected 400 EndPoint.0006, got {other:?}"),
    }
    let refused = get(&emulator, &services_path("not a project")).await;
    assert_refused(&refused, 400, "EndPoint.0014", "Invalid project ID.");
}

/// Pages of 2,500 generated services (every three sharing a creation time) and the documented
/// one, in each order: every service once, never twice, in the order asked for.
#[tokio::test]
async fn pages_of_many_services_never_repeat_or_skip_one() {
    let emulator = Emulator::builder().seed_count(2_500).start().await.unwrap();
    for order in [
        "sort_key=created_at&sort_dir=desc",
        "sort_key=created_at&sort_dir=asc",
        "sort_key=updated_at&sort_dir=desc",
        "sort_key=updated_at&sort_dir=asc",
    ] {
        let mut seen = Vec::new();
        let mut times = Vec::new();
        let mut offset = 0;
        loop {
            let page = get(
                &emulator,
                &list_path(&format!("{order}&limit=97&offset={offset}")),
            )
            .await;
            assert_eq!(total(&page), 2_501, "{order}");
            let services = page.body["endpoint_services"].as_array().unwrap().clone();
            if services.is_empty() {
                break;
            }
            for service in &services {
                seen.push(service["id"].as_str().unwrap().to_owned());
                times.push(service["created_at"].as_str().unwrap().to_owned());
            }
            offset += services.len();
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!((seen.len(), unique.len()), (2_501, 2_501), "{order}");
        // The documented service (2018) is the oldest; the generated ones follow in time.
        let mut sorted = times.clone();
        sorted.sort();
        if order.ends_with("desc") {
            sorted.reverse();
        }
        assert_eq!(times, sorted, "{order}");
    }
}

/// 10,000 services are seeded well within a second, and any page of them is answered quickly.
#[tokio::test]
async fn seeding_10000_services_is_quick_and_their_pages_too() {
    let started = std::time::Instant::now();
    let emulator = Emulator::builder()
        .seed_count(10_000)
        .start()
        .await
        .unwrap();
    let seeded = started.elapsed();
    assert!(
        seeded < Duration::from_millis(900),
        "seeding took {seeded:?}"
    );
    assert_eq!(emulator.service_count(DOCUMENTED_PROJECT_ID), 10_001);
    let started = std::time::Instant::now();
    let last = get(&emulator, &list_path("limit=1000&offset=9500&sort_dir=asc")).await;
    let named = get(&emulator, &list_path("endpoint_service_name=seed-9999")).await;
    let listed = started.elapsed();
    assert!(listed < Duration::from_secs(2), "two lists took {listed:?}");
    assert_eq!((ids(&last).len(), total(&last)), (501, 10_001));
    assert_eq!(ids(&named), ["00000000-0000-4000-8000-00000000270f"]);
    let too_many = Emulator::builder().seed_count(100_001).start().await;
    assert!(too_many.is_err(), "more than MAX_SEED_COUNT is refused");
}

// ---- create --------------------------------------------------------------------------------

#[tokio::test]
async fn a_create_answers_the_service_creating_with_the_documented_defaults() {
    let emulator = Emulator::start().await.unwrap();
    let mut body = create_request(1);
    body.as_object_mut().unwrap().remove("approval_enabled");
    body["service_name"] = json!("web");
    let created = create(&emulator, &body).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let service = &created.body;
    assert_eq!(service["status"], "creating");
    assert_eq!(service["approval_enabled"], true, "the default");
    assert_eq!(service["tcp_proxy"], "close", "the default");
    assert_eq!(service["service_type"], "interface");
    assert_eq!(service["server_type"], "VM");
    assert_eq!(service["project_id"], DOCUMENTED_PROJECT_ID);
    assert_eq!(service["port_id"], body["port_id"]);
    assert_eq!(service["service_name"], format!("eu-de.web.{id}"));
    assert_eq!(service["ports"], documented_create_request()["ports"]);
    assert!(
        service["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    // With the default create time (zero), it is available from the next request on.
    assert_eq!(status_of(&emulator, &id).await, "available");
    // Without a name, the service is named {region}.{id}; another region is written so.
    let emulator = Emulator::builder().region("eu-nl").start().await.unwrap();
    let unnamed = create(&emulator, &create_request(2)).await;
    let id = unnamed.body["id"].as_str().unwrap();
    assert_eq!(unnamed.body["service_name"], format!("eu-nl.{id}"));
    assert_eq!(unnamed.body["approval_enabled"], false, "as sent");
}

/// A create through the generated client: the service it answers is the one a query finds.
#[tokio::test]
async fn a_create_through_the_generated_client_is_found_by_its_id() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let body: CreateEndpointServiceRequest = serde_json::from_value(create_request(3)).unwrap();
    let created = client
        .raw()
        .create_endpoint_service()
        .project_id(DOCUMENTED_PROJECT_ID)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        created.status,
        Some(OpenEnum::Known(ServiceStatus::Creating))
    );
    let found = client
        .raw()
        .list_endpoint_services()
        .project_id(DOCUMENTED_PROJECT_ID)
        .id(uuid::Uuid::parse_str(&created.id).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.total_count, Some(1));
    assert_eq!(found.endpoint_services[0].id, created.id);
}

/// A new service is `creating` for the create time, refusing a modify, then `available`: on a
/// paused clock.
#[tokio::test(start_paused = true)]
async fn a_new_service_is_creating_until_the_create_time_has_passed() {
    let emulator = Emulator::builder()
        .create_time(Duration::from_secs(90))
        .start()
        .await
        .unwrap();
    let created = create(&emulator, &create_request(4)).await;
    assert_eq!(created.body["status"], "creating");
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(status_of(&emulator, &id).await, "creating");
    let listed = get(&emulator, &list_path("status=creating")).await;
    assert_eq!(ids(&listed), vec![id.clone()]);
    let modify = send_raw(
        &emulator,
        Method::PUT,
        &service_path(&id),
        Some("application/json"),
        r#"{"description":"too early"}"#,
    )
    .await;
    assert_refused(
        &modify,
        400,
        "EndPoint.3045",
        "Other properties cannot be modified",
    );
    tokio::time::advance(Duration::from_secs(89)).await;
    assert_eq!(status_of(&emulator, &id).await, "creating");
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(status_of(&emulator, &id).await, "available");
    let modify = send_raw(
        &emulator,
        Method::PUT,
        &service_path(&id),
        Some("application/json"),
        r#"{"description":"now"}"#,
    )
    .await;
    assert_eq!(modify.status, 200, "{}", modify.body);
}

/// Each rule of the create page answers its documented code, and a refused create makes
/// nothing.
#[tokio::test]
async fn create_rules_answer_their_documented_codes() {
    let emulator = Emulator::start().await.unwrap();
    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = create_request(5);
        change(&mut body);
        body
    };
    let tags = |n: usize| {
        (0..n)
            .map(|i| json!({"key": format!("k{i}")}))
            .collect::<Vec<_>>()
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(&|b| drop(b.as_object_mut().unwrap().remove("port_id"))),
            "EndPoint.3063",
            "Invalid port ID.",
        ),
        (
            with(&|b| b["port_id"] = json!("not-a-uuid")),
            "EndPoint.3063",
            "Invalid port ID.",
        ),
        (
            with(&|b| drop(b.as_object_mut().unwrap().remove("vpc_id"))),
            "EndPoint.2011",
            "The input parameter VPC ID is empty.",
        ),
        (
            with(&|b| b["vpc_id"] = json!("vpc-1")),
            "EndPoint.0020",
            "Invalid VPC ID.",
        ),
        (
            with(&|b| drop(b.as_object_mut().unwrap().remove("server_type"))),
            "EndPoint.3021",
            "Invalid serverType.",
        ),
        (
            with(&|b| b["server_type"] = json!("ECS")),
            "EndPoint.3021",
            "Invalid serverType.",
        ),
        (
            with(&|b| drop(b.as_object_mut().unwrap().remove("ports"))),
            "EndPoint.2028",
            "The endpoint service port or protocol is empty.",
        ),
        (
            with(&|b| b["ports"] = json!([])),
            "EndPoint.2028",
            "The endpoint service port or protocol is empty.",
        ),
        (
            with(&|b| {
                b["ports"] = Value::from(
                    (1..=201)
                        .map(|p| json!({"client_port": p, "server_port": p}))
                        .collect::<Vec<_>>(),
                )
            }),
            "EndPoint.3074",
            "The maximum of ports has been reached.",
        ),
        (
            with(
                &|b| b["ports"] = json!([{"client_port": 1, "server_port": 1}, {"client_port": 1, "server_port": 2, "protocol": "TCP"}]),
            ),
            "EndPoint.0002",
            "Parameter error.",
        ),
        (
            with(&|b| b["ports"] = json!([{"client_port": 0, "server_port": 1}])),
            "EndPoint.3043",
            "The service port is invalid.",
        ),
        (
            with(&|b| {
                b["ports"] = json!([{"client_port": 1, "server_port": 1, "protocol": "tcp"}])
            }),
            "EndPoint.3075",
            "The protocol is invalid.",
        ),
        (
            with(&|b| b["service_name"] = json!("no.dots")),
            "EndPoint.3076",
            "Invalid service name.",
        ),
        (
            with(&|b| b["service_name"] = json!("seventeen-chars-x")),
            "EndPoint.3076",
            "Invalid service name.",
        ),
        (
            with(&|b| b["approval_enabled"] = json!("yes")),
            "EndPoint.0002",
            "Parameter error.",
        ),
        (
            with(&|b| b["service_type"] = json!("gateway")),
            "EndPoint.0002",
            "Parameter error.",
        ),
        (
            with(&|b| b["tcp_proxy"] = json!("on")),
            "EndPoint.0002",
            "Parameter error.",
        ),
        (
            with(&|b| b["description"] = json!("<script>")),
            "EndPoint.0002",
            "Parameter error.",
        ),
        (
            with(&|b| b["description"] = json!("d".repeat(129))),
            "EndPoint.0002",
            "Parameter error.",
        ),
        (
            with(&|b| b["tags"] = Value::from(tags(21))),
            "EndPoint.3069",
            "The maximum number of tags has been reached.",
        ),
        (
            with(&|b| b["tags"] = json!([{"value": "v"}])),
            "EndPoint.3066",
            "The tag cannot be empty.",
        ),
        (
            with(&|b| b["tags"] = json!([{"key": "k"}, {"key": "k"}])),
            "EndPoint.3067",
            "The tag key cannot be duplicated.",
        ),
        (
            with(&|b| b["tags"] = json!([{"key": "a b"}])),
            "EndPoint.3068",
            "Tag keys and values should meet relevant requirements.",
        ),
        (
            with(&|b| b["tags"] = json!([{"key": "k".repeat(37)}])),
            "EndPoint.3072",
            "The tag key size is invalid.",
        ),
        (
            with(&|b| b["tags"] = json!([{"key": "k", "value": "v".repeat(44)}])),
            "EndPoint.3073",
            "The tag value size is invalid.",
        ),
        (
            with(&|b| b["extra"] = json!(1)),
            "EndPoint.0002",
            "Parameter error.",
        ),
        (
            with(&|b| b["pool_id"] = Value::Null),
            "EndPoint.0002",
            "Parameter error.",
        ),
    ];
    for (body, code, message) in &cases {
        let answer = create(&emulator, body).await;
        assert_refused(&answer, 400, code, message);
    }
    let not_json = send_raw(
        &emulator,
        Method::POST,
        &services_path(DOCUMENTED_PROJECT_ID),
        Some("text/plain"),
        &create_request(5).to_string(),
    )
    .await;
    assert_refused(&not_json, 400, "EndPoint.0002", "Parameter error.");
    assert_eq!(
        emulator.service_count(DOCUMENTED_PROJECT_ID),
        1,
        "nothing was made"
    );
    // Twenty tags of letters (any script), digits, '-', '_' and '@' are fine.
    let fine = with(&|b| {
        b["tags"] = json!([{"key": "Größe-1_@", "value": "東京"}, {"key": "k", "value": ""}]);
        b["description"] = json!("d".repeat(128));
        b["service_name"] = json!("sixteen-chars-ok");
        b["tcp_proxy"] = json!("proxy_vni");
        b["server_type"] = json!("LB");
    });
    let made = create(&emulator, &fine).await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert_eq!(made.body["tags"], fine["tags"]);
}

/// A create whose ports clash with another service's on the same `port_id` is refused as a
/// modify is (`EndPoint.3044`); another protocol, or another backend port, is fine.
#[tokio::test]
async fn a_create_clashing_with_a_service_on_the_same_port_id_is_3044() {
    let emulator = Emulator::start().await.unwrap();
    // The documented request targets the documented service's port_id with its ports.
    let clash = create(&emulator, &documented_create_request()).await;
    assert_refused(
        &clash,
        400,
        "EndPoint.3044",
        "The parameter ports conflicted",
    );
    let mut udp = documented_create_request();
    udp["ports"] = json!([{"client_port": 8080, "server_port": 90, "protocol": "UDP"}]);
    assert_eq!(create(&emulator, &udp).await.status, 200);
    // The one just made clashes with the next on its port_id too.
    let again = create(&emulator, &udp).await;
    assert_refused(
        &again,
        400,
        "EndPoint.3044",
        "The parameter ports conflicted",
    );
    assert_eq!(create(&emulator, &create_request(6)).await.status, 200);
    assert_eq!(emulator.service_count(DOCUMENTED_PROJECT_ID), 3);
}

#[tokio::test]
async fn the_quota_of_services_refuses_the_create_past_it_with_1018() {
    let emulator = Emulator::builder().service_quota(3).start().await.unwrap();
    let first = create(&emulator, &create_request(10)).await;
    assert_eq!(create(&emulator, &create_request(11)).await.status, 200);
    let refused = create(&emulator, &create_request(12)).await;
    // Spelled `Endpoint.1018`, as the error code table spells it.
    assert_refused(&refused, 400, "Endpoint.1018", "Quota exceeded.");
    assert_eq!(emulator.service_count(DOCUMENTED_PROJECT_ID), 3);
    let quotas = get(
        &emulator,
        &format!(
            "{}?type=endpoint_service",
            quotas_path(DOCUMENTED_PROJECT_ID)
        ),
    )
    .await;
    assert_eq!(
        quotas.body,
        json!({"quotas": {"resources": [{"type": "endpoint_service", "used": 3, "quota": 3}]}})
    );
    // Another project has a quota of its own.
    let other = send_raw(
        &emulator,
        Method::POST,
        &services_path("0123456789abcdef0123456789abcdef"),
        Some("application/json"),
        &create_request(13).to_string(),
    )
    .await;
    assert_eq!(other.status, 200, "{}", other.body);
    // A deletion frees its place once the service is gone.
    assert_eq!(
        delete(&emulator, first.body["id"].as_str().unwrap())
            .await
            .status,
        200
    );
    assert_eq!(create(&emulator, &create_request(14)).await.status, 200);
}

// ---- quotas --------------------------------------------------------------------------------

#[tokio::test]
async fn quotas_come_from_the_state_and_filter_by_type() {
    let emulator = Emulator::builder().seed_count(4).start().await.unwrap();
    let all = get(&emulator, &quotas_path(DOCUMENTED_PROJECT_ID)).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(
        all.body,
        json!({"quotas": {"resources": [
            {"type": "endpoint", "used": 0, "quota": DEFAULT_ENDPOINT_QUOTA},
            {"type": "endpoint_service", "used": 5, "quota": DEFAULT_SERVICE_QUOTA},
        ]}})
    );
    assert_eq!((DEFAULT_SERVICE_QUOTA, DEFAULT_ENDPOINT_QUOTA), (20, 50));
    let services = client(&emulator)
        .raw()
        .list_quotas()
        .project_id(DOCUMENTED_PROJECT_ID)
        .type_(QuotaResourceType::Endpoint)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(services.quotas.resources.len(), 1);
    assert_eq!(services.quotas.resources[0].used, Some(0));
    for bad in ["type=services", "type=", "type=endpoint&type=endpoint"] {
        let answer = get(
            &emulator,
            &format!("{}?{bad}", quotas_path(DOCUMENTED_PROJECT_ID)),
        )
        .await;
        assert_refused(&answer, 400, "EndPoint.0002", "Parameter error.");
    }
    let other = get(&emulator, &quotas_path("0123456789abcdef0123456789abcdef")).await;
    assert_eq!(other.body["quotas"]["resources"][1]["used"], 0);
    let configured = Emulator::builder()
        .service_quota(100)
        .endpoint_quota(150)
        .start()
        .await
        .unwrap();
    let answer = get(&configured, &quotas_path(DOCUMENTED_PROJECT_ID)).await;
    assert_eq!(answer.body["quotas"]["resources"][0]["quota"], 150);
    assert_eq!(answer.body["quotas"]["resources"][1]["quota"], 100);
}

// ---- delete --------------------------------------------------------------------------------

/// A delete answers 200 without a body; the service is `deleting` for the delete time (a
/// second delete changes nothing, nor starts the time again), then gone: 404 `EndPoint.0005`.
#[tokio::test(start_paused = true)]
async fn a_deleted_service_is_deleting_then_gone() {
    let emulator = Emulator::builder()
        .delete_time(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let deleted = delete(&emulator, DOCUMENTED_SERVICE_ID).await;
    assert_eq!((deleted.status, &deleted.body), (200, &Value::Null));
    assert!(deleted.request_id.is_some());
    assert_eq!(
        status_of(&emulator, DOCUMENTED_SERVICE_ID).await,
        "deleting"
    );
    let listed = get(&emulator, &list_path("status=deleting")).await;
    assert_eq!(ids(&listed), [DOCUMENTED_SERVICE_ID]);
    let modify = send_raw(
        &emulator,
        Method::PUT,
        &service_path(DOCUMENTED_SERVICE_ID),
        Some("application/json"),
        r#"{"description":"late"}"#,
    )
    .await;
    assert_refused(
        &modify,
        400,
        "EndPoint.3045",
        "Other properties cannot be modified",
    );
    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(delete(&emulator, DOCUMENTED_SERVICE_ID).await.status, 200);
    tokio::time::advance(Duration::from_secs(29)).await;
    assert_eq!(
        status_of(&emulator, DOCUMENTED_SERVICE_ID).await,
        "deleting"
    );
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(
        status_of(&emulator, DOCUMENTED_SERVICE_ID).await,
        "EndPoint.0005"
    );
    let again = delete(&emulator, DOCUMENTED_SERVICE_ID).await;
    assert_refused(
        &again,
        404,
        "EndPoint.0005",
        "The requested resource does not exist.",
    );
    assert_eq!(emulator.service_count(DOCUMENTED_PROJECT_ID), 0);
}

#[tokio::test]
async fn a_delete_is_gone_at_once_by_default_and_checks_its_path() {
    let emulator = Emulator::start().await.unwrap();
    let deleted = client(&emulator)
        .raw()
        .delete_endpoint_service()
        .project_id(DOCUMENTED_PROJECT_ID)
        .vpc_endpoint_service_id(uuid::Uuid::parse_str(DOCUMENTED_SERVICE_ID).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    assert_eq!(
        status_of(&emulator, DOCUMENTED_SERVICE_ID).await,
        "EndPoint.0005"
    );
    let bad = request(
        &emulator,
        Method::DELETE,
        &crate::support::service_path(DOCUMENTED_PROJECT_ID, "not-a-uuid"),
    )
    .await;
    assert_refused(&bad, 400, "EndPoint.3062", "Invalid endpoint service ID.");
    let unknown = delete(&emulator, "00000000-0000-4000-8000-000000000000").await;
    assert_refused(
        &unknown,
        404,
        "EndPoint.0005",
        "The requested resource does not exist.",
    );
}

/// A service that VPC endpoints are connected to is not deleted (`EndPoint.3006`).
#[tokio::test]
async fn a_service_in_use_is_not_deleted() {
    let emulator = Emulator::start().await.unwrap();
    emulator.update_service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, |s| {
        s.connection_count = Some(2);
    });
    let refused = delete(&emulator, DOCUMENTED_SERVICE_ID).await;
    assert_refused(
        &refused,
        400,
        "EndPoint.3006",
        "The endpoint service is being used.",
    );
    assert_eq!(
        status_of(&emulator, DOCUMENTED_SERVICE_ID).await,
        "available"
    );
}

// ---- answers lost after the change ---------------------------------------------------------

/// The connection is closed without an answer, yet the service was made; the next create is
/// answered as usual.
#[tokio::test]
async fn a_create_whose_connection_is_cut_still_made_its_service() {
    let emulator = Emulator::start().await.unwrap();
    emulator.lose_answers(&spec::CREATE_ENDPOINT_SERVICE, 1, LostAnswer::Reset);
    let body = create_request(20);
    let sent = reqwest::Client::new()
        .post(format!(
            "{}{}",
            emulator.base_url(),
            services_path(DOCUMENTED_PROJECT_ID)
        ))
        .header("x-auth-token", "t")
        .json(&body)
        .send()
        .await;
    let error = sent.expect_err("no answer");
    assert!(!error.is_status(), "{error:?}");
    assert_eq!(emulator.answers_lost(), 1);
    assert_eq!(emulator.service_count(DOCUMENTED_PROJECT_ID), 2);
    let listed = get(&emulator, &list_path("limit=1000")).await;
    let made: Vec<&Value> = listed.body["endpoint_services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["port_id"] == body["port_id"])
        .collect();
    assert_eq!(
        made.len(),
        1,
        "the service exists although its answer was lost"
    );
    assert_eq!(create(&emulator, &create_request(21)).await.status, 200);
    assert_eq!(emulator.answers_lost(), 1);
}

/// With 503 instead of the answer: the crate's client, retries on, reports the 503 and does
/// not send the create again (one service made, not two).
#[tokio::test]
async fn a_create_answered_503_after_the_change_is_not_sent_again_by_the_client() {
    let emulator = Emulator::start().await.unwrap();
    emulator.lose_answers(&spec::CREATE_ENDPOINT_SERVICE, 1, LostAnswer::Unavailable);
    let body: CreateEndpointServiceRequest = serde_json::from_value(create_request(22)).unwrap();
    let result = client(&emulator)
        .raw()
        .create_endpoint_service()
        .project_id(DOCUMENTED_PROJECT_ID)
        .body(body)
        .send()
        .await;
    match result {
        Err(raw::Error::ErrorResponse(answer)) => {
            assert_eq!(answer.status().as_u16(), 503);
            assert_eq!(answer.into_inner().error_code, "EndPoint.0001");
        }
        other => panic!("expected the 503, got {other:?}"),
    }
    assert_eq!(
        emulator.service_count(DOCUMENTED_PROJECT_ID),
        2,
        "made once"
    );
    assert_eq!(emulator.requests_received(), 1, "sent once");
    // The same through a cut connection.
    emulator.lose_answers(&spec::CREATE_ENDPOINT_SERVICE, 1, LostAnswer::Reset);
    let body: CreateEndpointServiceRequest = serde_json::from_value(create_request(23)).unwrap();
    let result = client(&emulator)
        .raw()
        .create_endpoint_service()
        .project_id(DOCUMENTED_PROJECT_ID)
        .body(body)
        .send()
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(
        emulator.service_count(DOCUMENTED_PROJECT_ID),
        3,
        "made once"
    );
    assert_eq!(emulator.requests_received(), 2, "sent once");
}

/// Only a request the operation carries out loses its answer: a refused one is answered, and
/// other operations are not touched.
#[tokio::test]
async fn a_refused_request_or_another_operation_keeps_its_answer() {
    let emulator = Emulator::start().await.unwrap();
    emulator.lose_answers(&spec::DELETE_ENDPOINT_SERVICE, 1, LostAnswer::Unavailable);
    let unknown = delete(&emulator, "00000000-0000-4000-8000-000000000000").await;
    assert_eq!(unknown.code(), "EndPoint.0005");
    assert_eq!(
        status_of(&emulator, DOCUMENTED_SERVICE_ID).await,
        "available"
    );
    let lost = delete(&emulator, DOCUMENTED_SERVICE_ID).await;
    assert_refused(&lost, 503, "EndPoint.0001", "System error.");
    assert_eq!(
        status_of(&emulator, DOCUMENTED_SERVICE_ID).await,
        "EndPoint.0005"
    );
    assert_eq!(emulator.answers_lost(), 1);
    // A read's answer can be lost too; the crate's client sends a GET again and gets it.
    let emulator = Emulator::builder()
        .lose_answers(&spec::GET_ENDPOINT_SERVICE, 1, LostAnswer::Reset)
        .start()
        .await
        .unwrap();
    let service = client(&emulator)
        .get_endpoint_service(DOCUMENTED_SERVICE_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(service.id, DOCUMENTED_SERVICE_ID);
    assert_eq!(
        (emulator.answers_lost(), emulator.requests_received()),
        (1, 2)
    );
}

// ---- vpcep emulator ------------------------------------------------------------------------

/// `vpcep emulator` takes the same settings as flags: many services, the quota, the times and
/// the answers to lose.
#[cfg(feature = "cli")]
#[tokio::test]
async fn vpcep_emulator_takes_the_lifecycle_flags() {
    use crate::support::cli::RunningEmulator;
    let running = tokio::task::spawn_blocking(|| {
        RunningEmulator::start(&[
            "--seed-count",
            "10000",
            "--service-quota",
            "10002",
            "--create-time",
            "0",
            "--delete-time",
            "0",
            "--lose-answers",
            "createEndpointService:1:503",
        ])
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", running.base_url);
    let send = |request: reqwest::RequestBuilder| async move {
        crate::support::emulator::answer(request.header("x-auth-token", "t").send().await.unwrap())
            .await
    };
    let page = send(http.get(url(&list_path("limit=1")))).await;
    assert_eq!(total(&page), 10_001);
    let lost = send(
        http.post(url(&services_path(DOCUMENTED_PROJECT_ID)))
            .json(&create_request(30)),
    )
    .await;
    assert_eq!((lost.status, lost.code()), (503, "EndPoint.0001"));
    let refused = send(
        http.post(url(&services_path(DOCUMENTED_PROJECT_ID)))
            .json(&create_request(31)),
    )
    .await;
    assert_eq!((refused.status, refused.code()), (400, "Endpoint.1018"));
    let quotas = send(http.get(url(&format!(
        "{}?type=endpoint_service",
        quotas_path(DOCUMENTED_PROJECT_ID)
    ))))
    .await;
    assert_eq!(quotas.body["quotas"]["resources"][0]["used"], 10_002);
    let bad = crate::support::cli::vpcep()
        .args(["emulator", "--lose-answers", "makeService:1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(crate::support::cli::stderr(&bad).contains("not an operation of the spec"));
}
