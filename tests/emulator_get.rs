//! The emulator's query of a service (`GET`) and its published spec, as a client meets them:
//! the same lookup, credentials, request ids and error codes as the modify call.

#![cfg(feature = "emulator")]

use crate::support::emulator::{answer, builder_as, client, documented_path};
use otc_vpcep::{
    Client, Credentials, Error, OpenEnum,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, documented_service},
    types::{EndpointService, Protocol, ServiceError, ServiceStatus},
};

const FAILED_ID: &str = "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11";

/// A service whose creation failed, with its reasons in both spellings.
fn failed_service() -> EndpointService {
    EndpointService {
        id: FAILED_ID.to_owned(),
        status: Some(OpenEnum::Known(ServiceStatus::Failed)),
        port_id: Some("aaaaaaaa-8882-4871-a3c2-d380272eed88".to_owned()),
        error: vec![
            ServiceError {
                error_code: Some("EndPoint.3008".to_owned()),
                error_message: Some("The port does not exist.".to_owned()),
                code: None,
                message: None,
            },
            ServiceError {
                error_code: None,
                error_message: None,
                code: Some("EndPoint.0001".to_owned()),
                message: Some("System error.".to_owned()),
            },
        ],
        ..documented_service()
    }
}

#[tokio::test]
async fn a_query_answers_the_service_as_the_modify_left_it() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let before = client
        .get_endpoint_service(DOCUMENTED_SERVICE_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(
        Some(&before),
        emulator
            .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
            .as_ref()
    );
    assert_eq!(
        before.service_name.as_deref(),
        Some("eu-de.test123.4189d3c2-8882-4871-a3c2-d380272eed88")
    );
    let modified = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .service_name("test")
        .port(8081, 22, Protocol::Tcp)
        .send()
        .await
        .unwrap();
    let after = client
        .get_endpoint_service(DOCUMENTED_SERVICE_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(after, modified);
    assert_ne!(after, before);
    assert_eq!(after.ports.len(), 1);
}

#[tokio::test]
async fn a_failed_service_carries_its_error_list() {
    let emulator = Emulator::builder()
        .service(failed_service())
        .start()
        .await
        .unwrap();
    let service = client(&emulator)
        .get_endpoint_service(FAILED_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(service.status, Some(OpenEnum::Known(ServiceStatus::Failed)));
    assert_eq!(service.error, failed_service().error);
}

#[tokio::test]
async fn an_unknown_service_is_a_404_0005_with_a_request_id() {
    let emulator = Emulator::start().await.unwrap();
    let error = client(&emulator)
        .get_endpoint_service("00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((api.status, api.code.as_str()), (404, "EndPoint.0005"));
    assert!(api.request_id.as_deref().is_some_and(|id| !id.is_empty()));
    // Another project does not see the service either.
    let other = Client::builder()
        .endpoint(emulator.base_url())
        .project_id("0123456789abcdef0123456789abcdef")
        .credentials(Credentials::token("any"))
        .build()
        .unwrap();
    let error = other
        .get_endpoint_service(DOCUMENTED_SERVICE_ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("EndPoint.0005"));
}

#[tokio::test]
async fn a_query_needs_credentials_token_or_signature() {
    let emulator = Emulator::builder()
        .token("the-token")
        .access_key("AK", "SK")
        .start()
        .await
        .unwrap();
    let url = format!("{}{}", emulator.base_url(), documented_path());
    for request in [
        reqwest::Client::new().get(&url),
        reqwest::Client::new()
            .get(&url)
            .header("x-auth-token", "wrong"),
    ] {
        let refused = answer(request.send().await.unwrap()).await;
        assert_eq!((refused.status, refused.code()), (401, "EndPoint.0003"));
        assert!(refused.request_id.is_some());
    }
    for credentials in [
        Credentials::token("the-token"),
        Credentials::access_key("AK", "SK"),
    ] {
        let client = builder_as(&emulator, credentials).build().unwrap();
        let service = client
            .get_endpoint_service(DOCUMENTED_SERVICE_ID)
            .send()
            .await
            .unwrap();
        assert_eq!(service.id, DOCUMENTED_SERVICE_ID);
    }
}

#[tokio::test]
async fn invalid_path_parameters_answer_their_codes() {
    let emulator = Emulator::start().await.unwrap();
    for (project, service, code) in [
        ("not a project", DOCUMENTED_SERVICE_ID, "EndPoint.0014"),
        (DOCUMENTED_PROJECT_ID, "not-a-uuid", "EndPoint.3062"),
    ] {
        let path = otc_vpcep::spec::GET_ENDPOINT_SERVICE.path_with(&[
            ("project_id", project),
            ("vpc_endpoint_service_id", service),
        ]);
        let refused = answer(
            reqwest::Client::new()
                .get(format!("{}{path}", emulator.base_url()))
                .header("x-auth-token", "t")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((refused.status, refused.code()), (400, code), "{path}");
    }
}

/// The published spec is reachable from a running emulator, as the crate embeds it.
#[tokio::test]
async fn the_emulator_serves_the_spec_as_yaml_and_json() {
    let emulator = Emulator::start().await.unwrap();
    let file =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vpcep.yaml")).unwrap();
    assert_eq!(otc_vpcep::spec::OPENAPI_YAML, file);
    let from_file: serde_json::Value = serde_yaml_ng::from_str(&file).unwrap();
    let embedded: serde_json::Value = serde_json::from_str(otc_vpcep::spec::OPENAPI_JSON).unwrap();
    assert_eq!(embedded, from_file);

    let fetch = |path: &'static str| {
        let url = format!("{}{path}", emulator.base_url());
        async move {
            // The spec is documentation: no credentials needed.
            let response = reqwest::get(url).await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            assert!(response.headers().contains_key("x-request-id"));
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            (content_type, response.text().await.unwrap())
        }
    };
    let (yaml_type, yaml) = fetch("/openapi.yaml").await;
    assert_eq!(
        (yaml_type.as_str(), yaml.as_str()),
        ("application/yaml", file.as_str())
    );
    let (json_type, json) = fetch("/openapi.json").await;
    assert_eq!(json_type, "application/json");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap(),
        from_file
    );
}
