//! A service owner's calls beyond get and modify, through the library against a scripted
//! loopback server: every page of the list (while services come and go), a service found by
//! name, a create that is never sent twice, a delete whose retried 404 means done, quotas.

use std::{
    collections::{BTreeMap, HashSet},
    sync::{Arc, Mutex},
};

use crate::support::faults::{FaultServer, Reply, client, tiny_policy};
use crate::support::server::Received;
use futures_util::StreamExt;
use otc_vpcep::{
    Error,
    types::{Protocol, QuotaResourceType, ServerType},
};
use serde_json::{Value, json};

const PORT_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";
const VPC_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed80";

/// The value of the query parameter `name` of a request.
fn query(request: &Received, name: &str) -> Option<String> {
    let (_, query) = request.target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// A service as the list answers it.
fn service(id: &str, name: &str) -> Value {
    json!({"id": id, "service_name": name, "status": "available"})
}

/// The ID of the `n`th service.
fn id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// A change of the list of services.
type Change = Box<dyn Fn(&mut Vec<Value>) + Send>;

/// A list of services (in the order the list answers them) that a test may change between
/// two pages, and the pages it answered.
#[derive(Clone, Default)]
struct Services {
    all: Arc<Mutex<Vec<Value>>>,
    /// What happens before page `n` is answered.
    changes: Arc<Mutex<BTreeMap<usize, Change>>>,
}

impl Services {
    fn new(count: usize) -> Self {
        let services = Self::default();
        *services.all.lock().unwrap() = (0..count)
            .map(|n| service(&id(n), &format!("eu-de.s{n}.{}", id(n))))
            .collect();
        services
    }

    /// Before page `page` (0-based) is answered, `change` changes the list.
    fn before_page(&self, page: usize, change: impl Fn(&mut Vec<Value>) + Send + 'static) {
        self.changes.lock().unwrap().insert(page, Box::new(change));
    }

    /// The answer to list request `n`.
    fn page(&self, n: usize, request: &Received) -> Reply {
        let mut all = self.all.lock().unwrap();
        if let Some(change) = self.changes.lock().unwrap().get(&n) {
            change(&mut all);
        }
        let offset: usize = query(request, "offset").map_or(0, |o| o.parse().unwrap());
        let limit: usize = query(request, "limit").map_or(10, |l| l.parse().unwrap());
        let page: Vec<Value> = all.iter().skip(offset).take(limit).cloned().collect();
        Reply::json(
            200,
            &json!({"endpoint_services": page, "total_count": all.len()}).to_string(),
        )
    }

    async fn serve(&self) -> FaultServer {
        let services = self.clone();
        FaultServer::start(move |n, request| services.page(n, request)).await
    }
}

/// The IDs of a walk, in order.
async fn walked(list: otc_vpcep::ListEndpointServices<'_>) -> Vec<String> {
    list.collect_all()
        .await
        .expect("the walk")
        .into_iter()
        .map(|service| service.id)
        .collect()
}

#[tokio::test]
async fn the_walk_reads_every_page_in_the_largest_pages_oldest_first() {
    let services = Services::new(2_500);
    let server = services.serve().await;
    let client = client(&server, tiny_policy(1));
    let ids = walked(client.list_endpoint_services()).await;
    assert_eq!(ids, (0..2_500).map(id).collect::<Vec<_>>());
    let requests = server.received();
    assert_eq!(
        requests.len(),
        3,
        "1,000 a page, each page after the first one row early"
    );
    for request in &requests {
        assert_eq!(query(request, "limit").as_deref(), Some("1000"));
        assert_eq!(query(request, "sort_dir").as_deref(), Some("asc"));
    }
    let offsets: Vec<_> = requests.iter().map(|r| query(r, "offset")).collect();
    assert_eq!(
        offsets,
        [Some("0".into()), Some("999".into()), Some("1998".into())]
    );
}

#[tokio::test]
async fn a_walk_misses_nothing_when_services_before_its_page_are_deleted() {
    let services = Services::new(300);
    // Before the second and the third page, services already answered are deleted: the
    // later ones move up, out of where the next page would start.
    services.before_page(1, |all| {
        all.drain(10..40);
    });
    services.before_page(2, |all| {
        all.drain(150..190);
    });
    let server = services.serve().await;
    let client = client(&server, tiny_policy(1));
    let ids = walked(client.list_endpoint_services().limit(100)).await;
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no service twice: {ids:?}");
    // Every service that existed for the whole walk is there.
    let survivors: Vec<String> = services
        .all
        .lock()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    for survivor in &survivors {
        assert!(unique.contains(survivor), "{survivor} was missed");
    }
}

#[tokio::test]
async fn a_walk_answers_no_service_twice_when_services_are_created_before_its_page() {
    let services = Services::new(250);
    // New services come first (the caller asked for the newest first): the pages move down.
    services.before_page(1, |all| {
        for n in 0..30 {
            all.insert(0, service(&id(10_000 + n), "new"));
        }
    });
    let server = services.serve().await;
    let client = client(&server, tiny_policy(1));
    let ids = walked(
        client
            .list_endpoint_services()
            .limit(100)
            .sort_dir(otc_vpcep::types::SortDirection::Desc),
    )
    .await;
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no service twice");
    for n in 0..250 {
        assert!(unique.contains(&id(n)), "{} was missed", id(n));
    }
}

#[tokio::test]
async fn a_walk_stops_at_its_bound_against_a_list_that_never_ends() {
    // Every page is full, whatever the offset.
    let server = FaultServer::start(|n, _| {
        let page: Vec<Value> = (0..1000).map(|i| service(&id(n * 1000 + i), "x")).collect();
        Reply::json(200, &json!({"endpoint_services": page}).to_string())
    })
    .await;
    let client = client(&server, tiny_policy(1));
    let ids = walked(client.list_endpoint_services().max_items(2_500)).await;
    assert_eq!(ids.len(), 2_500);
    // Its pages never overlap: the walk steps back to look for the page before, a few times.
    assert!(server.hits() <= 12, "{} requests", server.hits());
}

#[tokio::test]
async fn a_walk_over_pages_that_repeat_ends_with_an_error() {
    // The same full page, whatever the offset.
    let server = FaultServer::start(|_, _| {
        let page: Vec<Value> = (0..1000).map(|i| service(&id(i), "x")).collect();
        Reply::json(200, &json!({"endpoint_services": page}).to_string())
    })
    .await;
    let client = client(&server, tiny_policy(1));
    let error = client
        .list_endpoint_services()
        .collect_all()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("does not move on"), "{error}");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_stream_ends_with_the_error_of_a_failed_page() {
    let services = Services::new(1_500);
    let listed = services.clone();
    let server = FaultServer::start(move |n, request| match n {
        1 => Reply::error(400, "EndPoint.0006", "invalid limit"),
        _ => listed.page(n, request),
    })
    .await;
    let client = client(&server, tiny_policy(1));
    let items: Vec<_> = client.list_endpoint_services().all().collect().await;
    assert_eq!(items.len(), 1_001, "the first page, then the error");
    let error = items.last().unwrap().as_ref().unwrap_err();
    assert_eq!(error.error_code(), Some("EndPoint.0006"));
}

#[tokio::test]
async fn bad_list_parameters_are_refused_by_name_before_anything_is_sent() {
    let server = FaultServer::always(Reply::ok()).await;
    let client = client(&server, tiny_policy(1));
    let error = client
        .list_endpoint_services()
        .limit(1001)
        .offset(-1)
        .id("not-a-uuid")
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(violations) = &error else {
        panic!("{error:?}");
    };
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["id", "limit", "offset"], "{error}");
    assert!(
        error.to_string().contains("1001 is not in 0..=1000"),
        "{error}"
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_service_is_found_by_its_name_decorated_and_not_by_a_longer_one() {
    let web = "11111111-1111-4111-8111-111111111111";
    let server = FaultServer::always(Reply::json(
        200,
        &json!({"endpoint_services": [
            service("22222222-2222-4222-8222-222222222222", "eu-de.web2.22222222-2222-4222-8222-222222222222"),
            service(web, &format!("eu-de.web.{web}")),
            service("33333333-3333-4333-8333-333333333333", "eu-de.myweb.33333333-3333-4333-8333-333333333333"),
        ], "total_count": 3})
        .to_string(),
    ))
    .await;
    let client = client(&server, tiny_policy(1));
    let found = client.find_endpoint_service("web").await.unwrap();
    assert_eq!(found.id, web);
    assert_eq!(
        query(&server.received()[0], "endpoint_service_name").as_deref(),
        Some("web")
    );
    assert_eq!(
        client
            .resolve_endpoint_service("web")
            .await
            .unwrap()
            .to_string(),
        web
    );
    // A UUID is taken as it is, without a request.
    server.reset_log();
    client.resolve_endpoint_service(PORT_ID).await.unwrap();
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn no_match_and_two_matches_are_errors_that_name_the_name_and_the_candidates() {
    let (a, b) = (id(1), id(2));
    let names = json!({"endpoint_services": [
        service(&a, &format!("eu-de.db.{a}")),
        service(&b, &format!("eu-nl.db.{b}")),
    ]});
    let server = FaultServer::always(Reply::json(200, &names.to_string())).await;
    let client = client(&server, tiny_policy(1));
    let error = client.find_endpoint_service("web").await.unwrap_err();
    assert!(
        matches!(&error, Error::NotFound { name } if name == "web"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "no VPC endpoint service is named \"web\""
    );
    let error = client.find_endpoint_service("db").await.unwrap_err();
    assert!(
        matches!(&error, Error::AmbiguousName { ids, .. } if ids == &[a.clone(), b.clone()]),
        "{error:?}"
    );
    assert!(error.to_string().contains(&format!("{a}, {b}")), "{error}");
}

/// A create request with every required field.
fn create(client: &otc_vpcep::Client) -> otc_vpcep::CreateEndpointService<'_> {
    client
        .create_endpoint_service()
        .port_id(PORT_ID)
        .vpc_id(VPC_ID)
        .server_type(ServerType::Vm)
        .port(8080, 80, Protocol::Tcp)
}

/// The number of create requests (POST) a server read.
fn creates(server: &FaultServer) -> usize {
    server
        .received()
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

#[tokio::test]
async fn a_create_sends_its_required_fields_and_answers_the_new_service() {
    let created = service(&id(7), &format!("eu-de.web.{}", id(7)));
    let server = FaultServer::start(move |_, request| match request.method.as_str() {
        "POST" => Reply::json(200, &created.to_string()),
        _ => Reply::json(200, r#"{"endpoint_services": [], "total_count": 0}"#),
    })
    .await;
    let client = client(&server, tiny_policy(3));
    let service = create(&client).service_name("web").send().await.unwrap();
    assert_eq!(service.id, id(7));
    let post = server
        .received()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(
        body,
        json!({
            "port_id": PORT_ID, "vpc_id": VPC_ID, "server_type": "VM", "service_name": "web",
            "ports": [{"client_port": 8080, "server_port": 80, "protocol": "TCP"}],
        })
    );
}

#[tokio::test]
async fn a_create_missing_its_required_fields_is_refused_with_all_of_them_before_io() {
    let server = FaultServer::always(Reply::ok()).await;
    let client = client(&server, tiny_policy(1));
    let error = client
        .create_endpoint_service()
        .service_name("a name with spaces")
        .port(0, 80, Protocol::Tcp)
        .port(0, 81, Protocol::Tcp)
        .send()
        .await
        .unwrap_err();
    let text = error.to_string();
    for field in [
        "port_id",
        "vpc_id",
        "server_type",
        "service_name",
        "ports[0].client_port",
    ] {
        assert!(text.contains(field), "{field}: {text}");
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_by_its_name_and_never_sent_twice() {
    let new = id(42);
    let listed = Arc::new(Mutex::new(Vec::<Value>::new()));
    let seen = Arc::clone(&listed);
    // An older service of the same name exists; the create makes another, then the
    // connection is reset before its answer.
    seen.lock()
        .unwrap()
        .push(service(&id(1), &format!("eu-de.web.{}", id(1))));
    let server = FaultServer::start(move |_, request| match request.method.as_str() {
        "POST" => {
            seen.lock()
                .unwrap()
                .push(service(&new, &format!("eu-de.web.{new}")));
            Reply::Reset
        }
        _ => Reply::json(
            200,
            &json!({"endpoint_services": *seen.lock().unwrap()}).to_string(),
        ),
    })
    .await;
    let client = client(&server, tiny_policy(5));
    let service = create(&client).service_name("web").send().await.unwrap();
    assert_eq!(service.id, id(42), "the service the lost create made");
    assert_eq!(creates(&server), 1, "a create is never sent again");
    drop(listed);
}

#[tokio::test]
async fn a_lost_create_without_a_name_or_with_two_candidates_is_an_unknown_outcome() {
    for (name, made) in [(None, 1), (Some("web"), 2)] {
        let listed = Arc::new(Mutex::new(Vec::<Value>::new()));
        let seen = Arc::clone(&listed);
        let server = FaultServer::start(move |_, request| match request.method.as_str() {
            "POST" => {
                // Another client created one of the same name at the same time.
                for n in 0..made {
                    let id = id(100 + n);
                    seen.lock()
                        .unwrap()
                        .push(service(&id, &format!("eu-de.web.{id}")));
                }
                Reply::error(503, "APIG.0201", "backend unavailable")
            }
            _ => Reply::json(
                200,
                &json!({"endpoint_services": *seen.lock().unwrap()}).to_string(),
            ),
        })
        .await;
        let client = client(&server, tiny_policy(5));
        let mut request = create(&client);
        if let Some(name) = name {
            request = request.service_name(name);
        }
        let error = request.send().await.unwrap_err();
        let Error::CreateOutcomeUnknown { candidates, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(creates(&server), 1, "{name:?}: never sent again");
        match name {
            None => {
                assert!(candidates.is_empty());
                assert!(error.to_string().contains("list the services"), "{error}");
            }
            Some(_) => {
                assert_eq!(candidates, &[id(100), id(101)]);
                assert!(error.to_string().contains("503"), "{error}");
            }
        }
        drop(listed);
    }
}

#[tokio::test]
async fn a_create_refused_by_the_service_is_its_error_without_a_search() {
    let server = FaultServer::start(|_, request| match request.method.as_str() {
        "POST" => Reply::error(400, "Endpoint.1018", "quota exceeded"),
        _ => Reply::json(200, r#"{"endpoint_services": []}"#),
    })
    .await;
    let client = client(&server, tiny_policy(5));
    let error = create(&client)
        .service_name("web")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("Endpoint.1018"));
    assert_eq!(
        server.hits(),
        2,
        "the list before, the create, and nothing after"
    );
}

#[tokio::test]
async fn a_delete_accepts_200_and_204_and_a_retried_404_but_not_a_first_one() {
    for reply in [Reply::json(200, ""), Reply::json(204, "")] {
        let server = FaultServer::always(reply).await;
        let client = client(&server, tiny_policy(3));
        client
            .delete_endpoint_service(PORT_ID)
            .send()
            .await
            .expect("accepted");
        assert_eq!(server.received()[0].method, "DELETE");
    }
    // The first answer is lost (503, then reset); the retry finds it gone: done.
    let server = FaultServer::sequence(
        vec![Reply::error(503, "APIG.0201", "busy"), Reply::Reset],
        Reply::error(404, "EndPoint.0005", "not found"),
    )
    .await;
    let retrying = client(&server, tiny_policy(5));
    retrying
        .delete_endpoint_service(PORT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(server.hits(), 3);
    // A first answer 404 is no such service.
    let server = FaultServer::always(Reply::error(404, "EndPoint.0005", "not found")).await;
    let first = client(&server, tiny_policy(5));
    let error = first
        .delete_endpoint_service(PORT_ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("EndPoint.0005"));
}

#[tokio::test]
async fn a_service_in_use_is_a_typed_error() {
    let server =
        FaultServer::always(Reply::error(400, "EndPoint.3006", "the service is in use")).await;
    let client = client(&server, tiny_policy(3));
    let error = client
        .delete_endpoint_service(PORT_ID)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InUse { service_id, .. } if service_id == PORT_ID),
        "{error:?}"
    );
    assert!(error.to_string().contains("in use"), "{error}");
    assert_eq!(error.error_code(), Some("EndPoint.3006"));
}

#[tokio::test]
async fn a_delete_waits_until_the_service_is_gone() {
    let server = FaultServer::start(|_, request| match request.method.as_str() {
        "DELETE" => Reply::json(200, ""),
        _ if request.target.contains("gone") => Reply::ok(),
        _ => Reply::error(404, "EndPoint.0005", "not found"),
    })
    .await;
    let client = client(&server, tiny_policy(3));
    client
        .delete_endpoint_service(PORT_ID)
        .wait_until_gone(std::time::Duration::from_secs(30))
        .send()
        .await
        .expect("gone");
    let methods: Vec<_> = server.received().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["DELETE", "GET"]);
}

#[tokio::test]
async fn quotas_are_read_by_type() {
    let server = FaultServer::always(Reply::json(
        200,
        r#"{"quotas":{"resources":[{"type":"endpoint_service","used":10,"quota":100}]}}"#,
    ))
    .await;
    let client = client(&server, tiny_policy(1));
    let quotas = client
        .list_quotas()
        .type_(QuotaResourceType::EndpointService)
        .send()
        .await
        .unwrap();
    assert_eq!(quotas.quotas.resources[0].quota, Some(100));
    assert_eq!(
        server.received()[0].target,
        format!(
            "/v1/{}/quotas?type=endpoint_service",
            crate::support::PROJECT_ID
        )
    );
}

#[tokio::test]
async fn a_walk_of_pages_of_one_service_reads_each_once() {
    let services = Services::new(5);
    let server = services.serve().await;
    let client = client(&server, tiny_policy(1));
    let ids = walked(client.list_endpoint_services().limit(1)).await;
    assert_eq!(ids, (0..5).map(id).collect::<Vec<_>>());
}
