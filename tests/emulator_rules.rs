//! Every documented rule, answered by the emulator with its documented code, when the
//! client-side checks are bypassed: through the raw generated client where its types can
//! carry the mistake, as raw JSON where they cannot.

#![cfg(feature = "emulator")]

use std::num::NonZeroU16;

use crate::support::emulator::{client, put_json, send_raw};
use otc_vpcep::{
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator},
    raw,
    types::{ModifyEndpointServiceRequest, PortMapping, Protocol},
};

fn mapping(client_port: u16, server_port: u16, protocol: Protocol) -> PortMapping {
    PortMapping {
        client_port: NonZeroU16::new(client_port).unwrap(),
        server_port: NonZeroU16::new(server_port).unwrap(),
        protocol: Some(protocol),
    }
}

/// Sends `body` through the raw generated client (no ergonomic checks) and returns the status
/// and error code.
async fn send_through_raw_client(
    emulator: &Emulator,
    body: ModifyEndpointServiceRequest,
) -> (u16, String) {
    let client = client(emulator);
    let result = client
        .raw()
        .modify_endpoint_service()
        .project_id(DOCUMENTED_PROJECT_ID)
        .vpc_endpoint_service_id(DOCUMENTED_SERVICE_ID)
        .body(body)
        .send()
        .await;
    match result {
        Err(raw::Error::ErrorResponse(answer)) => {
            (answer.status().as_u16(), answer.into_inner().error_code)
        }
        other => panic!("expected an error answer, got {other:?}"),
    }
}

#[tokio::test]
async fn duplicate_mappings_answer_0002() {
    let emulator = Emulator::start().await.unwrap();
    let body = ModifyEndpointServiceRequest {
        ports: vec![
            mapping(8081, 22, Protocol::Tcp),
            mapping(8081, 22, Protocol::Tcp),
        ],
        ..Default::default()
    };
    assert_eq!(
        send_through_raw_client(&emulator, body).await,
        (400, "EndPoint.0002".to_owned())
    );
    // The same client port and protocol mapped to two server ports is a duplicate too.
    let body = ModifyEndpointServiceRequest {
        ports: vec![
            mapping(8081, 22, Protocol::Tcp),
            mapping(8081, 23, Protocol::Tcp),
        ],
        ..Default::default()
    };
    assert_eq!(
        send_through_raw_client(&emulator, body).await,
        (400, "EndPoint.0002".to_owned())
    );
}

#[tokio::test]
async fn more_than_200_mappings_answer_3074() {
    let emulator = Emulator::start().await.unwrap();
    let body = ModifyEndpointServiceRequest {
        ports: (1..=201).map(|p| mapping(p, p, Protocol::Tcp)).collect(),
        ..Default::default()
    };
    assert_eq!(
        send_through_raw_client(&emulator, body).await,
        (400, "EndPoint.3074".to_owned())
    );
}

#[tokio::test]
async fn exactly_200_mappings_are_accepted() {
    let emulator = Emulator::start().await.unwrap();
    let ports: Vec<String> = (1..=200)
        .map(|p| format!(r#"{{"client_port":{p},"server_port":{p}}}"#))
        .collect();
    let answer = put_json(&emulator, &format!(r#"{{"ports":[{}]}}"#, ports.join(","))).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["ports"].as_array().map(Vec::len), Some(200));
    assert_eq!(
        answer.body["ports"][0]["protocol"], "TCP",
        "the default protocol"
    );
}

/// Each body breaks one rule; the emulator answers its documented code and changes nothing.
#[tokio::test]
async fn each_invalid_value_answers_its_documented_code_and_changes_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let before = emulator.service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID);
    let cases = [
        // service_name: 1 to 16 of letters, digits, '_' and '-'.
        (r#"{"service_name":"my.service"}"#, "EndPoint.3076"),
        (r#"{"service_name":""}"#, "EndPoint.3076"),
        (r#"{"service_name":"seventeen-chars-x"}"#, "EndPoint.3076"),
        (r#"{"service_name":7}"#, "EndPoint.3076"),
        // ports: 1 to 65535.
        (
            r#"{"ports":[{"client_port":0,"server_port":22}]}"#,
            "EndPoint.3043",
        ),
        (
            r#"{"ports":[{"client_port":8081,"server_port":65536}]}"#,
            "EndPoint.3043",
        ),
        (
            r#"{"ports":[{"client_port":-1,"server_port":22}]}"#,
            "EndPoint.3043",
        ),
        // protocol: TCP or UDP.
        (
            r#"{"ports":[{"client_port":8081,"server_port":22,"protocol":"SCTP"}]}"#,
            "EndPoint.3075",
        ),
        // an empty port or list.
        (r#"{"ports":[{"server_port":22}]}"#, "EndPoint.2028"),
        (r#"{"ports":[{"client_port":8081}]}"#, "EndPoint.2028"),
        (r#"{"ports":[]}"#, "EndPoint.2028"),
        // UUIDs.
        (r#"{"port_id":"not-a-uuid"}"#, "EndPoint.3063"),
        (r#"{"vip_port_id":"4189d3c2"}"#, "EndPoint.3051"),
        // the rest: a parameter error.
        (r#"{"approval_enabled":"true"}"#, "EndPoint.0002"),
        (r#"{"description":"<script>"}"#, "EndPoint.0002"),
        (r#"{"tcp_proxy":"sometimes"}"#, "EndPoint.0002"),
        (r#"{"unknown_field":true}"#, "EndPoint.0002"),
        // one bad field among good ones refuses the whole request.
        (
            r#"{"service_name":"good","ports":[{"client_port":1,"server_port":0}]}"#,
            "EndPoint.3043",
        ),
    ];
    for (body, code) in cases {
        let answer = put_json(&emulator, body).await;
        assert_eq!((answer.status, answer.code()), (400, code), "{body}");
        assert!(
            answer.body["error_msg"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    assert_eq!(
        emulator.service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID),
        before
    );
}

#[tokio::test]
async fn invalid_path_parameters_answer_their_codes() {
    let emulator = Emulator::start().await.unwrap();
    let put = |path: String| {
        let emulator = &emulator;
        async move {
            let answer = send_raw(
                emulator,
                reqwest::Method::PUT,
                &path,
                Some("application/json"),
                "{}",
            )
            .await;
            (answer.status, answer.code().to_owned())
        }
    };
    let path = |project: &str, service: &str| {
        otc_vpcep::spec::MODIFY_ENDPOINT_SERVICE.path_with(&[
            ("project_id", project),
            ("vpc_endpoint_service_id", service),
        ])
    };
    assert_eq!(
        put(path("not a project", DOCUMENTED_SERVICE_ID)).await,
        (400, "EndPoint.0014".to_owned())
    );
    assert_eq!(
        put(path(DOCUMENTED_PROJECT_ID, "not-a-uuid")).await,
        (400, "EndPoint.3062".to_owned())
    );
    assert_eq!(
        put(path(
            DOCUMENTED_PROJECT_ID,
            "4189d3c288824871a3c2d380272eed88"
        ))
        .await,
        (400, "EndPoint.3062".to_owned()),
        "only the hyphenated form is a UUID"
    );
    assert_eq!(
        put(path(
            "0123456789abcdef0123456789abcdef",
            DOCUMENTED_SERVICE_ID
        ))
        .await,
        (404, "EndPoint.0005".to_owned()),
        "the service is in another project"
    );
}
