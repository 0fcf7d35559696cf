//! A change given as a JSON body (`json_body`, what `vpcep modify --body` uses): checked like
//! the setters, every violation by field path.

use crate::support::{SERVICE_ID, client, documented_request};
use otc_vpcep::Error;
use serde_json::{Value, json};

fn checked(body: Value) -> Result<Value, Vec<String>> {
    let client = client("http://127.0.0.1:9");
    match client
        .modify_endpoint_service(SERVICE_ID)
        .json_body(&body)
        .build_body()
    {
        Ok(body) => Ok(serde_json::to_value(body).unwrap()),
        Err(Error::InvalidRequest(v)) => Err(v.iter().map(ToString::to_string).collect()),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

#[test]
fn the_documented_body_goes_through_unchanged() {
    assert_eq!(checked(documented_request()), Ok(documented_request()));
}

#[test]
fn a_mapping_without_a_protocol_is_sent_without_one() {
    // The service's default (TCP) applies; the body goes as it was given.
    assert_eq!(
        checked(json!({"ports": [{"client_port": 1, "server_port": 2}]})),
        Ok(json!({"ports": [{"client_port": 1, "server_port": 2}]}))
    );
}

#[test]
fn every_shape_problem_is_named() {
    let found = checked(json!({
        "approval_enabled": "yes",
        "service_name": 7,
        "ports": [
            {"client_port": 70000, "server_port": -1},
            {"client_port": 1.5, "protocol": "tcp", "weight": 3},
            "8081:22",
        ],
        "tcp_proxy": "sometimes",
        "tags": [],
    }))
    .unwrap_err();
    // Fields the spec does not have first, then the fields in the order of their names;
    // within a mapping the same.
    assert_eq!(
        found,
        [
            "tags: is not a field of the spec's schema",
            "approval_enabled: \"yes\" is not true or false",
            "ports[0].client_port: 70000 is not in 1..=65535",
            "ports[0].server_port: -1 is not in 1..=65535",
            "ports[1].weight: is not a field of the spec's schema",
            "ports[1].client_port: 1.5 is not an integer in 1..=65535",
            "ports[1].protocol: \"tcp\" is not one of TCP, UDP",
            "ports[1].server_port: is required",
            "ports[2]: \"8081:22\" is not an object",
            "service_name: 7 is not a string",
            "tcp_proxy: \"sometimes\" is not one of close, toa_open, proxy_open, open, proxy_vni",
        ]
    );
}

#[test]
fn a_body_that_is_not_an_object_is_refused() {
    assert_eq!(
        checked(json!([1, 2])),
        Err(vec!["body: [1,2] is not an object".to_owned()])
    );
}

#[test]
fn setters_after_a_body_win() {
    let client = client("http://127.0.0.1:9");
    let body = client
        .modify_endpoint_service(SERVICE_ID)
        .json_body(&json!({"service_name": "from-body", "approval_enabled": true}))
        .service_name("from-setter")
        .build_body()
        .unwrap();
    assert_eq!(
        serde_json::to_value(body).unwrap(),
        json!({"service_name": "from-setter", "approval_enabled": true})
    );
}
