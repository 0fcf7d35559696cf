//! The ergonomic client against the emulator, end to end.

#![cfg(feature = "emulator")]

use std::time::{Duration, Instant};

use crate::support::emulator::{builder, client, client_without_retries};
use otc_vpcep::{
    Error, OpenEnum, RetryPolicy,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, documented_service},
    types::{EndpointService, EndpointServicePort, Protocol, ServiceStatus},
};

fn port(client_port: i32, server_port: i32, protocol: Protocol) -> EndpointServicePort {
    EndpointServicePort {
        client_port: Some(client_port),
        server_port: Some(server_port),
        protocol: Some(OpenEnum::Known(protocol)),
    }
}

/// The code, status and request ID of an API error, or a panic naming what came instead.
fn api_error(result: Result<EndpointService, Error>) -> (u16, String, Option<String>) {
    match result {
        Err(Error::Api(e)) => (e.status, e.code, e.request_id),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A UTC time in the form `YYYY-MM-DDTHH:MM:SSZ`.
fn is_utc_second(time: &str) -> bool {
    let b = time.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[tokio::test]
async fn the_documented_example_modifies_the_documented_service() {
    let emulator = Emulator::start().await.unwrap();
    let service = client(&emulator)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, Protocol::Tcp)
        .port(8082, 23, Protocol::Udp)
        .send()
        .await
        .unwrap();
    assert_eq!(service.id, DOCUMENTED_SERVICE_ID);
    assert_eq!(
        service.service_name.as_deref(),
        Some("eu-de.test.4189d3c2-8882-4871-a3c2-d380272eed88")
    );
    assert_eq!(service.approval_enabled, Some(true));
    assert_eq!(
        service.ports,
        vec![port(8081, 22, Protocol::Tcp), port(8082, 23, Protocol::Udp)]
    );
    assert!(
        service.updated_at.as_deref().is_some_and(is_utc_second),
        "{:?}",
        service.updated_at
    );
    // What the request did not mention is as seeded.
    let seeded = documented_service();
    assert_eq!(service.vpc_id, seeded.vpc_id);
    assert_eq!(service.pool_id, seeded.pool_id);
    assert_eq!(service.created_at, seeded.created_at);
    assert_eq!(
        service.status,
        Some(OpenEnum::Known(ServiceStatus::Available))
    );
    // The emulator's state is what it answered.
    let stored = emulator
        .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
        .unwrap();
    assert_eq!(stored, service);
    emulator.shutdown().await;
}

#[tokio::test]
async fn ports_replace_the_whole_list_and_absent_fields_keep_their_value() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .port(1000, 2000, Protocol::Udp)
        .send()
        .await
        .unwrap();
    let service = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(service.ports, vec![port(1000, 2000, Protocol::Udp)]);
    assert_eq!(service.approval_enabled, Some(false));
    assert_eq!(
        service.service_name.as_deref(),
        Some("eu-de.test123.4189d3c2-8882-4871-a3c2-d380272eed88")
    );
}

#[tokio::test]
async fn the_region_of_decorated_names_is_configurable() {
    let emulator = Emulator::builder().region("eu-nl").start().await.unwrap();
    let service = client(&emulator)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .service_name("svc_1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        service.service_name.as_deref(),
        Some("eu-nl.svc_1.4189d3c2-8882-4871-a3c2-d380272eed88")
    );
}

#[tokio::test]
async fn an_unknown_service_is_404_with_a_request_id() {
    let emulator = Emulator::start().await.unwrap();
    let result = client(&emulator)
        .modify_endpoint_service("00000000-0000-4000-8000-000000000000")
        .approval_enabled(true)
        .send()
        .await;
    let (status, code, request_id) = api_error(result);
    assert_eq!((status, code.as_str()), (404, "EndPoint.0005"));
    assert!(request_id.is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn an_empty_emulator_has_no_documented_service() {
    let emulator = Emulator::builder().empty().start().await.unwrap();
    assert!(
        emulator
            .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
            .is_none()
    );
    let result = client(&emulator)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await;
    assert_eq!(api_error(result).1, "EndPoint.0005");
}

#[tokio::test]
async fn a_service_that_is_not_available_answers_3045_and_stays_unchanged() {
    let emulator = Emulator::start().await.unwrap();
    let mut creating = documented_service();
    creating.status = Some(OpenEnum::Known(ServiceStatus::Creating));
    emulator.seed(creating).unwrap();
    let before = emulator.service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID);
    let result = client(&emulator)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .service_name("renamed")
        .send()
        .await;
    let (status, code, _) = api_error(result);
    assert_eq!((status, code.as_str()), (400, "EndPoint.3045"));
    assert_eq!(
        emulator.service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID),
        before
    );
}

/// A second service on the documented service's `port_id`, using 9000->9001/TCP.
fn neighbour() -> EndpointService {
    EndpointService {
        id: "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11".to_owned(),
        service_name: Some("neighbour".to_owned()),
        ports: vec![port(9000, 9001, Protocol::Tcp)],
        ..documented_service()
    }
}

#[tokio::test]
async fn ports_clashing_with_a_service_on_the_same_port_id_answer_3044_atomically() {
    let emulator = Emulator::builder()
        .service(neighbour())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let before = emulator.service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID);
    for (client_port, server_port) in [(9000, 1), (1, 9001)] {
        let result = client
            .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
            .service_name("changed")
            .port(7000, 7000, Protocol::Tcp)
            .port(client_port, server_port, Protocol::Tcp)
            .send()
            .await;
        let (status, code, _) = api_error(result);
        assert_eq!((status, code.as_str()), (400, "EndPoint.3044"));
        assert_eq!(
            emulator.service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID),
            before,
            "a refused request changed the service"
        );
    }
    // Another protocol does not clash.
    let service = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .port(9000, 9001, Protocol::Udp)
        .send()
        .await
        .unwrap();
    assert_eq!(service.ports, vec![port(9000, 9001, Protocol::Udp)]);
    // Nor does moving to another backend port.
    let service = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .port_id("11111111-2222-4333-8444-555555555555")
        .port(9000, 9001, Protocol::Tcp)
        .send()
        .await
        .unwrap();
    assert_eq!(
        service.port_id.as_deref(),
        Some("11111111-2222-4333-8444-555555555555")
    );
}

#[tokio::test]
async fn moving_onto_a_shared_port_id_checks_the_kept_ports() {
    let mut elsewhere = neighbour();
    elsewhere.port_id = Some("11111111-2222-4333-8444-555555555555".to_owned());
    elsewhere.ports = vec![port(8080, 1, Protocol::Tcp)];
    let emulator = Emulator::builder()
        .service(elsewhere)
        .start()
        .await
        .unwrap();
    // The documented service keeps 8080->90/TCP, which clashes on the new port_id.
    let result = client(&emulator)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .port_id("11111111-2222-4333-8444-555555555555")
        .send()
        .await;
    assert_eq!(api_error(result).1, "EndPoint.3044");
}

#[tokio::test]
async fn injected_errors_answer_the_next_requests_then_stop() {
    let emulator = Emulator::start().await.unwrap();
    let client = client_without_retries(&emulator);
    emulator.fail_next(2, 400, "EndPoint.0022");
    for _ in 0..2 {
        let result = client
            .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
            .approval_enabled(true)
            .send()
            .await;
        let error = match result {
            Err(Error::Api(e)) => e,
            other => panic!("expected the injected error, got {other:?}"),
        };
        assert_eq!((error.status, error.code.as_str()), (400, "EndPoint.0022"));
        assert_eq!(
            error.message,
            "The number of requests exceeded the limit. Please try later."
        );
        assert!(error.request_id.is_some());
    }
    client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .unwrap();
    assert_eq!(emulator.requests_received(), 3);
}

#[tokio::test]
async fn injected_server_errors_use_the_given_status() {
    let emulator = Emulator::start().await.unwrap();
    emulator.fail_next(1, 503, "APIG.0201");
    let result = client_without_retries(&emulator)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await;
    let (status, code, _) = api_error(result);
    assert_eq!((status, code.as_str()), (503, "APIG.0201"));
    // A status that is not an error is answered as 500.
    emulator.fail_next(1, 200, "EndPoint.0001");
    let result = client_without_retries(&emulator)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await;
    let (status, code, _) = api_error(result);
    assert_eq!((status, code.as_str()), (500, "EndPoint.0001"));
}

#[tokio::test]
async fn an_injected_delay_holds_the_answer_back() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    emulator.delay_next(1, Duration::from_millis(400));
    let started = Instant::now();
    client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn after_shutdown_nothing_answers() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    emulator.shutdown().await;
    let result = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn seeds_without_a_valid_id_or_project_are_refused() {
    let emulator = Emulator::start().await.unwrap();
    let bad_id = EndpointService {
        id: "not-a-uuid".to_owned(),
        ..documented_service()
    };
    assert!(emulator.seed(bad_id).is_err());
    let no_project = EndpointService {
        project_id: None,
        ..documented_service()
    };
    assert!(emulator.seed(no_project).is_err());
    let bad_project = EndpointService {
        project_id: Some("not a project".to_owned()),
        ..documented_service()
    };
    assert!(emulator.seed(bad_project).is_err());
}

/// The client's retry policy against the emulator's injected faults: the rate limit (a 400
/// `EndPoint.0022`) and a 503 are retried to success, and each attempt reaches the emulator.
#[tokio::test]
async fn injected_transient_errors_are_retried_to_success() {
    let emulator = Emulator::start().await.unwrap();
    let client = builder(&emulator)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    emulator.fail_next(1, 400, "EndPoint.0022");
    client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .expect("the rate limit is retried");
    emulator.fail_next(2, 503, "APIG.0201");
    client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(false)
        .send()
        .await
        .expect("503s are retried");
    assert_eq!(emulator.requests_received(), 2 + 3);
}
