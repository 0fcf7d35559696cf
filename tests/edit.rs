//! Edits against the emulator: read, apply, send only what differs, report what changed and
//! what someone else changed meanwhile, and lose no update within one client.

#![cfg(feature = "emulator")]

use std::time::Duration;

use crate::support::emulator::{client, client_without_retries, until_received};
use otc_vpcep::{
    Conflict, EditOutcome, Error, OpenEnum,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, documented_service},
    types::{EndpointServicePort, Protocol},
};
use serde_json::{Value, json};

fn port(client_port: i32, server_port: i32, protocol: Protocol) -> EndpointServicePort {
    EndpointServicePort {
        client_port: Some(client_port),
        server_port: Some(server_port),
        protocol: Some(OpenEnum::Known(protocol)),
    }
}

/// The documented service's mappings as the emulator seeds them.
fn seeded_ports() -> Vec<EndpointServicePort> {
    vec![port(8080, 90, Protocol::Tcp), port(8081, 80, Protocol::Tcp)]
}

fn ports_now(emulator: &Emulator) -> Vec<EndpointServicePort> {
    emulator
        .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
        .expect("the documented service")
        .ports
}

/// The body an edit sent (or would send), as JSON.
fn request(outcome: &EditOutcome) -> Value {
    serde_json::to_value(outcome.request.as_ref().expect("a request")).unwrap()
}

/// The violations of a refused request, one `field: rule` per entry.
fn refused(result: Result<EditOutcome, Error>) -> Vec<String> {
    match result {
        Err(Error::InvalidRequest(v)) => v.iter().map(ToString::to_string).collect(),
        other => panic!("expected a refused request, got {other:?}"),
    }
}

#[tokio::test]
async fn add_and_remove_a_mapping_send_only_the_new_list() {
    let emulator = Emulator::start().await.unwrap();
    let outcome = client(&emulator)
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .add_port(8443, 443, Protocol::Tcp)
        .remove_port(8081, 80, Protocol::Tcp)
        .send()
        .await
        .unwrap();
    assert!(outcome.was_sent());
    assert!(outcome.conflicts.is_empty(), "{:?}", outcome.conflicts);
    assert_eq!(
        request(&outcome),
        json!({"ports": [
            {"client_port": 8080, "server_port": 90, "protocol": "TCP"},
            {"client_port": 8443, "server_port": 443, "protocol": "TCP"}
        ]})
    );
    assert!(outcome.diff.fields.is_empty());
    assert_eq!(outcome.diff.ports_added, [port(8443, 443, Protocol::Tcp)]);
    assert_eq!(outcome.diff.ports_removed, [port(8081, 80, Protocol::Tcp)]);
    assert_eq!(outcome.before.ports, seeded_ports());
    let expected = vec![
        port(8080, 90, Protocol::Tcp),
        port(8443, 443, Protocol::Tcp),
    ];
    assert_eq!(outcome.after.unwrap().ports, expected);
    assert_eq!(ports_now(&emulator), expected);
}

#[tokio::test]
async fn only_the_fields_that_differ_are_sent() {
    let emulator = Emulator::start().await.unwrap();
    let outcome = client(&emulator)
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(false) // as it is
        .service_name("test123") // as it is: the service answers it decorated
        .port_id("4189D3C2-8882-4871-A3C2-D380272EED88") // as it is, in capitals
        .description("billing API")
        .send()
        .await
        .unwrap();
    assert_eq!(request(&outcome), json!({"description": "billing API"}));
    assert_eq!(
        serde_json::to_value(&outcome.diff).unwrap(),
        json!({
            "service_id": DOCUMENTED_SERVICE_ID,
            "fields": {"description": {"old": null, "new": "billing API"}},
            "ports_added": [],
            "ports_removed": []
        })
    );
    let now = emulator
        .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
        .unwrap();
    assert_eq!(now.description.as_deref(), Some("billing API"));
    assert_eq!(now.ports, seeded_ports());
}

#[tokio::test]
async fn an_edit_that_changes_nothing_sends_no_put() {
    let emulator = Emulator::start().await.unwrap();
    let before = emulator.requests_received();
    let outcome = client(&emulator)
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .add_port(8080, 90, Protocol::Tcp) // there already
        .remove_port(9999, 99, Protocol::Udp) // not there
        .approval_enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(emulator.requests_received() - before, 1, "the GET alone");
    assert!(!outcome.was_sent());
    assert!(outcome.diff.is_empty());
    assert_eq!(outcome.request, None);
    assert_eq!(outcome.already_present, [port(8080, 90, Protocol::Tcp)]);
    assert_eq!(outcome.not_present, [port(9999, 99, Protocol::Udp)]);
    assert_eq!(outcome.diff.to_string(), "no change\n");
}

#[tokio::test]
async fn a_preview_reads_and_sends_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let outcome = client(&emulator)
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .service_name("billing")
        .add_port(8443, 443, Protocol::Udp)
        .remove_port(8080, 90, Protocol::Tcp)
        .preview()
        .await
        .unwrap();
    assert_eq!(emulator.requests_received(), 1);
    assert!(!outcome.was_sent());
    assert_eq!(
        request(&outcome),
        json!({
            "approval_enabled": true,
            "service_name": "billing",
            "ports": [
                {"client_port": 8081, "server_port": 80, "protocol": "TCP"},
                {"client_port": 8443, "server_port": 443, "protocol": "UDP"}
            ]
        })
    );
    assert_eq!(
        outcome.diff.to_string(),
        "approval_enabled  false -> true\n\
         service_name      \"test123\" -> \"billing\"\n\
         ports             + 8443:443/UDP\n\
         \x20                 - 8080:90/TCP\n"
    );
    assert_eq!(ports_now(&emulator), seeded_ports());
}

#[tokio::test]
async fn a_whole_list_set_with_json_body_is_compared_as_a_set() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let same_list = json!({"ports": [
        {"client_port": 8081, "server_port": 80},
        {"client_port": 8080, "server_port": 90, "protocol": "TCP"}
    ]});
    let outcome = client
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .json_body(&same_list)
        .send()
        .await
        .unwrap();
    assert!(!outcome.was_sent(), "the same mappings in another order");

    let outcome = client
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .json_body(&json!({"ports": [{"client_port": 8081, "server_port": 80}]}))
        .add_port(9000, 9000, Protocol::Tcp)
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.diff.ports_added, [port(9000, 9000, Protocol::Tcp)]);
    assert_eq!(outcome.diff.ports_removed, [port(8080, 90, Protocol::Tcp)]);
}

#[tokio::test]
async fn bad_edits_are_refused_at_once_naming_every_problem() {
    let emulator = Emulator::start().await.unwrap();
    let problems = refused(
        client(&emulator)
            .edit_endpoint_service("not-a-uuid")
            .service_name("no spaces")
            .add_port(0, 22, Protocol::Tcp)
            .add_port(8081, 22, Protocol::Tcp)
            .remove_port(8081, 22, Protocol::Tcp)
            .json_body(&json!({"colour": "blue"}))
            .send()
            .await,
    );
    assert_eq!(
        problems,
        [
            "vpc_endpoint_service_id: \"not-a-uuid\" is not a UUID",
            "service_name: \"no spaces\" does not match ^[A-Za-z0-9_-]{1,16}$",
            "colour: is not a field of the spec's schema",
            "add_port[0].client_port: 0 is not in 1..=65535",
            "remove_port[0]: 8081:22/TCP is also added by add_port[1]",
        ]
    );
    assert_eq!(emulator.requests_received(), 0, "nothing was sent");
}

#[tokio::test]
async fn the_result_is_checked_and_a_refused_edit_writes_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    // Client port 8081/TCP is mapped to 80 already.
    let problems = refused(
        client
            .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
            .add_port(8081, 22, Protocol::Tcp)
            .send()
            .await,
    );
    assert_eq!(
        problems,
        [
            "add_port[0]: 8081:22/TCP: the service maps this client port and protocol already, \
          as 8081:80/TCP; remove that mapping in the same edit to replace it"
        ]
    );
    // Removing every mapping.
    let problems = refused(
        client
            .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
            .remove_port(8080, 90, Protocol::Tcp)
            .remove_port(8081, 80, Protocol::Tcp)
            .send()
            .await,
    );
    assert_eq!(
        problems,
        ["remove_port: the edit would remove every port mapping; a service needs at least one"]
    );
    // More than 200 mappings in all.
    let many = (1..=199).fold(
        client.edit_endpoint_service(DOCUMENTED_SERVICE_ID),
        |edit, n| edit.add_port(10_000 + n, 443, Protocol::Tcp),
    );
    let problems = refused(many.send().await);
    assert_eq!(
        problems,
        ["ports: has 201 entries; at most 200 are allowed"]
    );
    assert_eq!(emulator.requests_received(), 3, "three reads, no write");
    assert_eq!(ports_now(&emulator), seeded_ports());

    // Replacing the mapping in one edit is fine.
    let outcome = client
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .remove_port(8081, 80, Protocol::Tcp)
        .add_port(8081, 22, Protocol::Tcp)
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.diff.ports_added, [port(8081, 22, Protocol::Tcp)]);
}

#[tokio::test]
async fn a_mapping_the_client_cannot_send_back_is_never_dropped() {
    let emulator = Emulator::start().await.unwrap();
    let mut service = documented_service();
    service.ports.push(EndpointServicePort {
        client_port: Some(7000),
        server_port: Some(7000),
        protocol: Some(OpenEnum::Unknown("SCTP".into())),
    });
    emulator.seed(service).unwrap();
    let problems = refused(
        client(&emulator)
            .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
            .add_port(8443, 443, Protocol::Tcp)
            .send()
            .await,
    );
    assert_eq!(
        problems,
        ["ports[2].protocol: \"SCTP\" is not one of TCP, UDP"]
    );
    assert_eq!(ports_now(&emulator).len(), 3);
    // A change that leaves the list alone goes through.
    let outcome = client(&emulator)
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .description("x")
        .send()
        .await
        .unwrap();
    assert!(outcome.was_sent());
    assert_eq!(ports_now(&emulator).len(), 3);
}

#[tokio::test]
async fn a_failed_read_is_the_edits_error() {
    let emulator = Emulator::start().await.unwrap();
    let result = client_without_retries(&emulator)
        .edit_endpoint_service("0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11")
        .add_port(8443, 443, Protocol::Tcp)
        .send()
        .await;
    match result {
        Err(Error::Api(e)) => assert!(e.code_is("EndPoint.0005"), "{e}"),
        other => panic!("expected a 404, got {other:?}"),
    }
}

/// Runs an edit whose write waits in the emulator while another tool changes the service
/// (with `change`), and answers its outcome.
async fn edit_with_a_change_behind_its_back(
    edit_description: bool,
    change: impl FnOnce(&mut otc_vpcep::types::EndpointService),
) -> EditOutcome {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    // The read goes through at once, the write waits a while in the emulator.
    emulator.delay_next(1, Duration::ZERO);
    emulator.delay_next(1, Duration::from_millis(500));
    let edit = tokio::spawn(async move {
        let edit = client.edit_endpoint_service(DOCUMENTED_SERVICE_ID);
        let edit = if edit_description {
            edit.description("ours")
        } else {
            edit.add_port(8443, 443, Protocol::Tcp)
        };
        edit.send().await
    });
    until_received(&emulator, 2).await;
    emulator
        .update_service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, change)
        .expect("the documented service");
    edit.await.unwrap().unwrap()
}

#[tokio::test]
async fn a_field_changed_between_read_and_write_is_a_conflict_with_both_values() {
    let outcome = edit_with_a_change_behind_its_back(false, |service| {
        service.description = Some("theirs".into());
        service.approval_enabled = Some(true);
    })
    .await;
    assert!(outcome.was_sent());
    let conflicts: Vec<(String, Value, Value)> = outcome
        .conflicts
        .iter()
        .map(|c| (c.field.clone(), c.read.clone(), c.answered.clone()))
        .collect();
    assert_eq!(
        conflicts,
        [
            ("approval_enabled".to_owned(), json!(false), json!(true)),
            ("description".to_owned(), Value::Null, json!("theirs")),
        ]
    );
    assert_eq!(
        outcome.conflicts[1].to_string(),
        "description: was (none) when read, is \"theirs\" after the write"
    );
}

#[tokio::test]
async fn a_list_changed_behind_the_back_of_an_edit_that_leaves_it_is_a_conflict() {
    let outcome = edit_with_a_change_behind_its_back(true, |service| {
        service.ports.push(EndpointServicePort {
            client_port: Some(9000),
            server_port: Some(9000),
            protocol: None,
        });
    })
    .await;
    let [Conflict { field, read, .. }] = outcome.conflicts.as_slice() else {
        panic!("one conflict expected: {:?}", outcome.conflicts);
    };
    assert_eq!(field, "ports");
    assert_eq!(read, &serde_json::to_value(seeded_ports()).unwrap());
    assert_eq!(
        outcome.conflicts[0].to_string(),
        "ports: was [8080:90/TCP, 8081:80/TCP] when read, \
         is [8080:90/TCP, 8081:80/TCP, 9000:9000/TCP] after the write"
    );
}

#[tokio::test]
async fn no_conflict_when_no_one_else_writes() {
    let outcome = edit_with_a_change_behind_its_back(false, |_| {}).await;
    assert!(outcome.conflicts.is_empty(), "{:?}", outcome.conflicts);
}

/// Twenty edits at once, each adding its own mapping, through the client that `client` gives
/// edit `i`; answers the mappings the service has afterwards. The emulator holds the first
/// twenty requests a little, so that edits that are not serialised all read the service
/// before any writes it.
async fn twenty_concurrent_add_port_edits(
    emulator: &Emulator,
    client: impl Fn(i32) -> otc_vpcep::Client,
) -> Vec<EndpointServicePort> {
    emulator.delay_next(20, Duration::from_millis(100));
    let edits: Vec<_> = (0..20)
        .map(|i| {
            let client = client(i);
            tokio::spawn(async move {
                client
                    .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
                    .add_port(9000 + i as u16, 443, Protocol::Tcp)
                    .send()
                    .await
            })
        })
        .collect();
    for edit in edits {
        let outcome = edit.await.unwrap().unwrap();
        assert!(outcome.was_sent());
    }
    ports_now(emulator)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_edits_through_one_client_lose_no_update() {
    let emulator = Emulator::start().await.unwrap();
    let shared = client(&emulator);
    // Clones share the client's serialisation.
    let ports = twenty_concurrent_add_port_edits(&emulator, |_| shared.clone()).await;
    let mut expected = seeded_ports();
    expected.extend((0..20).map(|i| port(9000 + i, 443, Protocol::Tcp)));
    let mut sorted = ports.clone();
    sorted.sort_by_key(|p| p.client_port);
    assert_eq!(sorted, expected, "every edit's mapping is there");
}

/// The same edits through twenty clients, which share no serialisation (as twenty processes
/// would): the API has no ETag, so read-modify-writes overwrite each other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_edits_without_a_shared_serialisation_lose_updates() {
    let emulator = Emulator::start().await.unwrap();
    let ports = twenty_concurrent_add_port_edits(&emulator, |_| client(&emulator)).await;
    assert!(
        ports.len() < 22,
        "expected lost updates, found all {} mappings",
        ports.len()
    );
}

#[tokio::test]
async fn a_plain_modify_through_the_same_client_waits_for_a_running_edit() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    // The edit's write waits a while in the emulator.
    emulator.delay_next(1, Duration::ZERO);
    emulator.delay_next(1, Duration::from_millis(300));
    let edit = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
                .add_port(8443, 443, Protocol::Tcp)
                .send()
                .await
        })
    };
    until_received(&emulator, 2).await;
    // Sent while the edit writes, it goes after it: the edit sees no change by someone else.
    let modified = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .description("after the edit")
        .send()
        .await
        .unwrap();
    let outcome = edit.await.unwrap().unwrap();
    assert!(outcome.conflicts.is_empty(), "{:?}", outcome.conflicts);
    assert_eq!(modified.ports.len(), 3, "the edit's mapping is kept");
}

#[tokio::test]
async fn an_edit_through_the_same_client_waits_for_a_plain_modify_under_way() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    // The plain modify's write waits a while in the emulator.
    emulator.delay_next(1, Duration::from_millis(300));
    let modify = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
                .port(9000, 900, Protocol::Udp)
                .send()
                .await
        })
    };
    until_received(&emulator, 1).await;
    // Started while the modify writes, the edit reads after it: it keeps the modify's mapping
    // and reports no change by someone else.
    let outcome = client
        .edit_endpoint_service(DOCUMENTED_SERVICE_ID)
        .add_port(8443, 443, Protocol::Tcp)
        .send()
        .await
        .unwrap();
    modify.await.unwrap().unwrap();
    assert!(outcome.conflicts.is_empty(), "{:?}", outcome.conflicts);
    assert_eq!(
        ports_now(&emulator),
        [
            port(9000, 900, Protocol::Udp),
            port(8443, 443, Protocol::Tcp)
        ]
    );
}
