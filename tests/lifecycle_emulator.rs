//! A service's whole life through the library against the emulator: created (and waited
//! for), found in the list and by name, deleted (and waited for until gone); a create whose
//! answer the emulator loses after making the service is never sent twice.

#![cfg(feature = "emulator")]

use std::time::Duration;

use crate::support::emulator::client;
use otc_vpcep::{
    Error,
    emulator::{DOCUMENTED_PROJECT_ID, Emulator, LostAnswer},
    spec,
    types::{Protocol, QuotaResourceType, ServerType, ServiceStatus},
};

const PORT_ID: &str = "5b0d2c9e-4c1b-4e55-9a43-0f6f5d2e7a11";
const VPC_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed80";

fn create<'c>(client: &'c otc_vpcep::Client, name: &str) -> otc_vpcep::CreateEndpointService<'c> {
    client
        .create_endpoint_service()
        .port_id(PORT_ID)
        .vpc_id(VPC_ID)
        .server_type(ServerType::Vm)
        .service_name(name)
        .port(8080, 80, Protocol::Tcp)
}

/// The services of the emulator's documented project.
fn count(emulator: &Emulator) -> usize {
    emulator.service_count(DOCUMENTED_PROJECT_ID)
}

#[tokio::test]
async fn a_service_is_created_found_listed_and_deleted() {
    let emulator = Emulator::builder()
        .create_time(Duration::from_millis(20))
        .delete_time(Duration::from_millis(20))
        .seed_count(1_500)
        .service_quota(2_000)
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let before = count(&emulator);
    let service = create(&client, "web")
        .wait_until_available(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    assert_eq!(service.status.unwrap(), ServiceStatus::Available);
    assert_eq!(count(&emulator), before + 1);

    // Every page: the seeded services, the documented one and the new one, each once.
    let all = client.list_endpoint_services().collect_all().await.unwrap();
    assert_eq!(all.len(), before + 1);
    let found = client.find_endpoint_service("web").await.unwrap();
    assert_eq!(found.id, service.id);
    let quotas = client
        .list_quotas()
        .type_(QuotaResourceType::EndpointService)
        .send()
        .await
        .unwrap();
    assert_eq!(
        quotas.quotas.resources[0].used,
        Some(i64::try_from(before + 1).unwrap())
    );

    client
        .delete_endpoint_service(service.id.as_str())
        .wait_until_gone(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    let error = client
        .get_endpoint_service(service.id.as_str())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("EndPoint.0005"));
    assert!(matches!(
        client.find_endpoint_service("web").await.unwrap_err(),
        Error::NotFound { .. }
    ));
}

#[tokio::test]
async fn a_create_whose_answer_the_emulator_loses_makes_one_service() {
    for how in [LostAnswer::Reset, LostAnswer::Unavailable] {
        let emulator = Emulator::start().await.unwrap();
        emulator.lose_answers(&spec::CREATE_ENDPOINT_SERVICE, 1, how);
        let client = client(&emulator);
        let before = count(&emulator);
        let service = create(&client, "lost").send().await.unwrap();
        assert_eq!(
            count(&emulator),
            before + 1,
            "{how:?}: one service, not two"
        );
        assert_eq!(emulator.answers_lost(), 1, "{how:?}");
        assert_eq!(
            client.find_endpoint_service("lost").await.unwrap().id,
            service.id
        );
    }
}

#[tokio::test]
async fn a_lost_create_without_a_name_is_an_unknown_outcome_not_a_second_service() {
    let emulator = Emulator::start().await.unwrap();
    emulator.lose_answers(&spec::CREATE_ENDPOINT_SERVICE, 1, LostAnswer::Reset);
    let client = client(&emulator);
    let before = count(&emulator);
    let error = client
        .create_endpoint_service()
        .port_id(PORT_ID)
        .vpc_id(VPC_ID)
        .server_type(ServerType::Vm)
        .port(8080, 80, Protocol::Tcp)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::CreateOutcomeUnknown { .. }),
        "{error:?}"
    );
    assert_eq!(count(&emulator), before + 1, "made once, never sent again");
}

#[tokio::test]
async fn a_delete_whose_answer_is_lost_is_retried_and_done() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let service = create(&client, "gone").send().await.unwrap();
    emulator.lose_answers(&spec::DELETE_ENDPOINT_SERVICE, 1, LostAnswer::Unavailable);
    client
        .delete_endpoint_service(service.id.as_str())
        .send()
        .await
        .expect("the retry's 404 means the first attempt deleted it");
    assert!(matches!(
        client.find_endpoint_service("gone").await.unwrap_err(),
        Error::NotFound { .. }
    ));
}
