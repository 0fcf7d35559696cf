//! The approval workflow end to end, through the library, against the emulator (issue 26,
//! section 4): the owner turns approval on and whitelists a second account; that account's
//! consumer connects and waits; the owner accepts it and both sides see it accepted; an
//! account not whitelisted is refused; a whitelist set removes the second account; and the
//! service cannot be deleted while an endpoint is connected, and can be once it is gone.

#![cfg(feature = "emulator")]

use std::time::Duration;

use otc_vpcep::{
    Client, ConnectionChange, Credentials, Error,
    emulator::{
        DEFAULT_CONSUMER_DOMAIN_ID, DEFAULT_CONSUMER_PROJECT_ID, DOCUMENTED_DOMAIN_ID,
        DOCUMENTED_SERVICE_ID, Emulator,
    },
    types::EndpointStatus,
};

const SERVICE: &str = DOCUMENTED_SERVICE_ID;
/// A project of a third account, which no whitelist names.
const STRANGER_PROJECT: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

/// A client of `project` on the emulator.
fn client_of(emulator: &Emulator, project: &str) -> Client {
    Client::builder()
        .endpoint(emulator.base_url())
        .project_id(project)
        .credentials(Credentials::token("test-token"))
        .build()
        .expect("a client")
}

/// Creates a VPC endpoint of `consumer`'s project that connects to the service.
async fn connect(consumer: &Client) -> Result<otc_vpcep::types::VpcEndpoint, Error> {
    consumer
        .create_endpoint()
        .endpoint_service_id(SERVICE)
        .vpc_id("84758cf5-9c62-43ae-a778-3dbd8370c0a4")
        .subnet_id("68bfbcc1-dff2-47e4-a9d4-332b9bc1b8de")
        .send()
        .await
}

fn status_of(status: Option<&otc_vpcep::OpenEnum<EndpointStatus>>) -> Option<String> {
    status.map(ToString::to_string)
}

#[tokio::test]
async fn the_owner_approves_a_whitelisted_consumer_and_keeps_out_the_rest() {
    let emulator = Emulator::builder()
        .project_domain(STRANGER_PROJECT, "00000000000000000000000000000bad")
        .start()
        .await
        .expect("emulator");
    let owner = crate::support::emulator::client(&emulator);
    let consumer = client_of(&emulator, DEFAULT_CONSUMER_PROJECT_ID);
    let stranger = client_of(&emulator, STRANGER_PROJECT);

    // 1. Approval on.
    let edit = owner
        .edit_endpoint_service(SERVICE)
        .approval_enabled(true)
        .send()
        .await
        .expect("approval on");
    assert!(edit.was_sent());

    // 2. The second account whitelisted (bare ID).
    owner
        .add_to_whitelist(SERVICE, [DEFAULT_CONSUMER_DOMAIN_ID])
        .send()
        .await
        .expect("whitelisted");

    // 3. Its consumer connects and waits for acceptance.
    let endpoint = connect(&consumer).await.expect("connected");
    let pending = owner
        .list_connections(SERVICE)
        .status(otc_vpcep::types::ConnectionStatusFilter::PendingAcceptance)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, endpoint.id);
    assert_eq!(
        pending[0].domain_id.as_deref(),
        Some(DEFAULT_CONSUMER_DOMAIN_ID)
    );

    // 4. The owner accepts it (and a waiter sees it), and both sides say accepted.
    let waiting = owner
        .wait_for_connection(SERVICE, &endpoint.id, Duration::from_secs(20))
        .poll_interval(Duration::from_millis(10), Duration::from_millis(50))
        .send();
    let accepting = owner.accept_endpoints(SERVICE, [&endpoint.id]).send();
    let (waited, accepted) = tokio::join!(waiting, accepting);
    assert_eq!(
        accepted.unwrap()[0].result.as_ref().ok(),
        Some(&ConnectionChange::Accepted)
    );
    assert_eq!(
        status_of(waited.unwrap().status.as_ref()).as_deref(),
        Some("accepted")
    );
    let seen = consumer.get_endpoint(&endpoint.id).send().await.unwrap();
    assert_eq!(status_of(seen.status.as_ref()).as_deref(), Some("accepted"));
    let service = owner.get_endpoint_service(SERVICE).send().await.unwrap();
    assert_eq!(service.connection_count, Some(1));

    // 5. An account that no record names is refused.
    let refused = connect(&stranger).await.unwrap_err();
    assert_eq!(refused.error_code(), Some("EndPoint.2012"), "{refused}");

    // 6. A set to a list without the second account removes it (the owner's own domain,
    //    the service's `domain_id`, is implicit): it can connect no more.
    let service = owner.get_endpoint_service(SERVICE).send().await.unwrap();
    assert_eq!(service.domain_id.as_deref(), Some(DOCUMENTED_DOMAIN_ID));
    let set = owner
        .set_whitelist(SERVICE, Vec::<String>::new())
        .send()
        .await
        .unwrap();
    assert_eq!(
        set.diff.to_string(),
        format!("whitelist  - iam:domain::{DEFAULT_CONSUMER_DOMAIN_ID}\n")
    );
    assert!(
        owner
            .list_permissions(SERVICE)
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );
    let refused = connect(&consumer).await.unwrap_err();
    assert_eq!(refused.error_code(), Some("EndPoint.2012"), "{refused}");

    // 7. Not deleted while connected; deleted once the endpoint is gone.
    let in_use = owner
        .delete_endpoint_service(SERVICE)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(in_use, Error::InUse { .. }), "{in_use:?}");
    consumer
        .delete_endpoint(&endpoint.id)
        .send()
        .await
        .expect("endpoint deleted");
    owner
        .delete_endpoint_service(SERVICE)
        .wait_until_gone(Duration::from_secs(20))
        .send()
        .await
        .expect("service deleted");
}
