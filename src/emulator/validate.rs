//! The emulator's own checks of a modify request, rule by rule as the API reference documents
//! them, each answered with its documented error code. These are written out here rather than
//! borrowed from the client's checks, so that the emulator can catch a client that is wrong.
//! The facts they rest on (lengths, patterns, limits, the values of enumerations) come from the
//! spec, through the generated types: a field without a rule of its own is checked by the
//! generated request type, and refused as a parameter error.

use std::{collections::HashMap, num::NonZeroU16};

use serde_json::{Map, Value};
use uuid::Uuid;

use super::errors::{Code, Failure};
use crate::{
    MAX_PORT_MAPPINGS,
    spec::ports,
    types::{ModifyEndpointServiceRequest, PortMapping, ProjectId, Protocol, ServiceName},
};

/// A checked request: what to change, as the spec's request type, and whether `ports` was
/// sent (the generated type cannot tell an absent list from an empty one).
#[derive(Debug)]
pub(crate) struct Change {
    pub(crate) request: ModifyEndpointServiceRequest,
    pub(crate) ports: Option<Vec<PortMapping>>,
}

/// Checks the path's project ID: the spec's `ProjectId`.
pub(crate) fn project_id(value: &str) -> Result<ProjectId, Failure> {
    ProjectId::try_from(value)
        .map_err(|_| Failure::new(Code::InvalidProjectId, format!("project_id {value:?}")))
}

/// Checks the path's service ID: a UUID in its hyphenated form.
pub(crate) fn service_id(value: &str) -> Result<Uuid, Failure> {
    strict_uuid(value).ok_or_else(|| {
        Failure::new(
            Code::InvalidServiceId,
            format!("vpc_endpoint_service_id {value:?} is not a UUID"),
        )
    })
}

/// Checks the media type: `application/json`, with or without parameters.
pub(crate) fn content_type(value: Option<&str>) -> Result<(), Failure> {
    let media_type = value
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    if media_type.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(Failure::new(
            Code::ParameterError,
            format!(
                "the Content-Type must be application/json, not {:?}",
                value.unwrap_or("")
            ),
        ))
    }
}

/// Checks a request body against every documented rule that does not depend on the state.
pub(crate) fn body(bytes: &[u8]) -> Result<Change, Failure> {
    let fields = object(bytes)?;
    if let Some(name) = fields.get("service_name") {
        service_name(name)?;
    }
    let ports = fields.get("ports").map(ports).transpose()?;
    optional_uuid(&fields, "port_id", Code::InvalidPortId)?;
    optional_uuid(&fields, "vip_port_id", Code::InvalidVipPortId)?;
    // Every other rule (the other fields' types, lengths, patterns and values, and fields the
    // spec does not have) is the generated type's.
    let request = serde_json::from_value(Value::Object(fields))
        .map_err(|e| Failure::new(Code::ParameterError, e.to_string()))?;
    Ok(Change { request, ports })
}

/// A request body as a JSON object: not empty, valid JSON without a repeated key, an object,
/// and without a `null` field (the spec has no nullable field: `null` is not "left out", as
/// serde would read it). Anything else is `EndPoint.0002`.
pub(crate) fn object(bytes: &[u8]) -> Result<Map<String, Value>, Failure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::new(
            Code::ParameterError,
            "the request body is empty",
        ));
    }
    let value = crate::json::from_slice(bytes).map_err(|e| {
        let detail = if e.is_data() {
            format!("the body repeats a key: {e}")
        } else {
            format!("the body is not valid JSON: {e}")
        };
        Failure::new(Code::ParameterError, detail)
    })?;
    let Value::Object(fields) = value else {
        return Err(Failure::new(
            Code::ParameterError,
            "the body must be a JSON object",
        ));
    };
    if let Some((name, _)) = fields.iter().find(|(_, value)| value.is_null()) {
        return Err(Failure::new(
            Code::ParameterError,
            format!("{name} must not be null"),
        ));
    }
    Ok(fields)
}

/// A UUID written as 8-4-4-4-12 hexadecimal digits (either case), the form `format: uuid` means.
pub(crate) fn strict_uuid(value: &str) -> Option<Uuid> {
    let shaped = value.len() == 36
        && value.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    shaped.then(|| Uuid::try_parse(value).ok()).flatten()
}

fn optional_uuid(fields: &Map<String, Value>, field: &str, code: Code) -> Result<(), Failure> {
    match fields.get(field) {
        None => Ok(()),
        Some(Value::String(s)) => strict_uuid(s)
            .map(|_| ())
            .ok_or_else(|| Failure::new(code, format!("{field} {s:?} is not a UUID"))),
        Some(other) => Err(Failure::new(
            code,
            format!("{field} must be a UUID string, not {other}"),
        )),
    }
}

fn service_name(value: &Value) -> Result<ServiceName, Failure> {
    value
        .as_str()
        .and_then(|name| ServiceName::try_from(name).ok())
        .ok_or_else(|| Failure::new(Code::InvalidServiceName, format!("service_name {value}")))
}

/// Checks the list of port mappings: its length, each mapping, and duplicates.
pub(crate) fn ports(value: &Value) -> Result<Vec<PortMapping>, Failure> {
    let Value::Array(items) = value else {
        return Err(Failure::new(
            Code::ParameterError,
            "ports must be a list of port mappings",
        ));
    };
    if items.is_empty() {
        return Err(Failure::new(Code::PortOrProtocolEmpty, "ports is empty"));
    }
    if items.len() > MAX_PORT_MAPPINGS {
        return Err(Failure::new(
            Code::TooManyPorts,
            format!(
                "{} port mappings; at most {MAX_PORT_MAPPINGS} are allowed",
                items.len()
            ),
        ));
    }
    let mappings = items
        .iter()
        .enumerate()
        .map(|(i, item)| port_mapping(i, item))
        .collect::<Result<Vec<_>, _>>()?;
    let mut first_use = HashMap::with_capacity(mappings.len());
    for (i, mapping) in mappings.iter().enumerate() {
        let key = (mapping.client_port, ports::protocol_of(mapping));
        if let Some(j) = first_use.insert(key, i) {
            return Err(Failure::new(
                Code::ParameterError,
                format!(
                    "ports[{i}] duplicates client port {}/{} of ports[{j}]",
                    key.0, key.1
                ),
            ));
        }
    }
    Ok(mappings)
}

fn port_mapping(i: usize, item: &Value) -> Result<PortMapping, Failure> {
    let Value::Object(fields) = item else {
        return Err(Failure::new(
            Code::ParameterError,
            format!("ports[{i}] must be an object"),
        ));
    };
    let known = ["client_port", "server_port", "protocol"];
    if let Some(name) = fields.keys().find(|name| !known.contains(&name.as_str())) {
        return Err(Failure::new(
            Code::ParameterError,
            format!("ports[{i}]: {name:?} is not a field of a port mapping"),
        ));
    }
    let client_port = port(i, fields, "client_port")?;
    let server_port = port(i, fields, "server_port")?;
    let protocol = match fields.get("protocol") {
        None => None,
        Some(value) => Some(
            value
                .as_str()
                .and_then(|s| Protocol::try_from(s).ok())
                .ok_or_else(|| {
                    Failure::new(
                        Code::InvalidProtocol,
                        format!(
                            "ports[{i}].protocol {value} is not one of {}",
                            Protocol::VALUES.join(", ")
                        ),
                    )
                })?,
        ),
    };
    Ok(PortMapping {
        client_port,
        server_port,
        protocol,
    })
}

fn port(i: usize, fields: &Map<String, Value>, field: &str) -> Result<NonZeroU16, Failure> {
    match fields.get(field) {
        None | Some(Value::Null) => Err(Failure::new(
            Code::PortOrProtocolEmpty,
            format!("ports[{i}].{field} is missing"),
        )),
        Some(value) => value
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .and_then(NonZeroU16::new)
            .ok_or_else(|| {
                Failure::new(
                    Code::InvalidServicePort,
                    format!("ports[{i}].{field} {value} is not an integer in 1..=65535"),
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(body: &str) -> String {
        match super::body(body.as_bytes()) {
            Ok(_) => "ok".to_owned(),
            Err(failure) => failure.code,
        }
    }

    #[test]
    fn the_documented_example_passes() {
        let change = super::body(
            br#"{"approval_enabled":true,"service_name":"test","ports":[
                {"client_port":8081,"server_port":22,"protocol":"TCP"},
                {"client_port":8082,"server_port":23,"protocol":"UDP"}]}"#,
        )
        .map_err(|f| f.message)
        .unwrap();
        assert_eq!(change.request.approval_enabled, Some(true));
        assert_eq!(change.ports.map(|p| p.len()), Some(2));
    }

    #[test]
    fn each_rule_answers_its_code() {
        let cases = [
            ("", "EndPoint.0002"),
            ("{", "EndPoint.0002"),
            ("[]", "EndPoint.0002"),
            (r#"{"extra":1}"#, "EndPoint.0002"),
            (r#"{"approval_enabled":"yes"}"#, "EndPoint.0002"),
            (r#"{"service_name":"a.b"}"#, "EndPoint.3076"),
            (r#"{"service_name":""}"#, "EndPoint.3076"),
            (r#"{"service_name":"abcdefghijklmnopq"}"#, "EndPoint.3076"),
            (r#"{"service_name":"test\n"}"#, "EndPoint.3076"),
            (r#"{"service_name":"abcdefghijklmnop"}"#, "ok"),
            (r#"{"ports":[]}"#, "EndPoint.2028"),
            (r#"{"ports":[{"client_port":1}]}"#, "EndPoint.2028"),
            (
                r#"{"ports":[{"client_port":null,"server_port":1}]}"#,
                "EndPoint.2028",
            ),
            (
                r#"{"ports":[{"client_port":0,"server_port":1}]}"#,
                "EndPoint.3043",
            ),
            (
                r#"{"ports":[{"client_port":1,"server_port":65536}]}"#,
                "EndPoint.3043",
            ),
            (
                r#"{"ports":[{"client_port":1.5,"server_port":1}]}"#,
                "EndPoint.3043",
            ),
            (
                r#"{"ports":[{"client_port":"1","server_port":1}]}"#,
                "EndPoint.3043",
            ),
            (
                r#"{"ports":[{"client_port":1,"server_port":1,"protocol":"tcp"}]}"#,
                "EndPoint.3075",
            ),
            (
                r#"{"ports":[{"client_port":1,"server_port":1,"protocol":null}]}"#,
                "EndPoint.3075",
            ),
            (
                r#"{"ports":[{"client_port":1,"server_port":1,"x":1}]}"#,
                "EndPoint.0002",
            ),
            (
                r#"{"ports":[{"client_port":1,"server_port":1},{"client_port":1,"server_port":2,"protocol":"TCP"}]}"#,
                "EndPoint.0002",
            ),
            (
                r#"{"ports":[{"client_port":1,"server_port":1},{"client_port":1,"server_port":1,"protocol":"UDP"}]}"#,
                "ok",
            ),
            (
                r#"{"port_id":"4189d3c28882487 1a3c2d380272eed88"}"#,
                "EndPoint.3063",
            ),
            (
                r#"{"port_id":"4189d3c288824871a3c2d380272eed88"}"#,
                "EndPoint.3063",
            ),
            (
                r#"{"port_id":"4189D3C2-8882-4871-A3C2-D380272EED88"}"#,
                "ok",
            ),
            (r#"{"vip_port_id":"x"}"#, "EndPoint.3051"),
            (r#"{"tcp_proxy":"proxy_vni"}"#, "ok"),
            (r#"{"tcp_proxy":"CLOSE"}"#, "EndPoint.0002"),
            (r#"{"description":"<b>"}"#, "EndPoint.0002"),
            (r#"{"description":null}"#, "EndPoint.0002"),
            ("{}", "ok"),
        ];
        for (body, expected) in cases {
            assert_eq!(code_of(body), expected, "{body}");
        }
    }

    #[test]
    fn more_than_200_mappings_answer_3074_and_200_pass() {
        let list = |n: u16| {
            let items: Vec<String> = (1..=n)
                .map(|p| format!(r#"{{"client_port":{p},"server_port":{p}}}"#))
                .collect();
            format!(r#"{{"ports":[{}]}}"#, items.join(","))
        };
        assert_eq!(code_of(&list(200)), "ok");
        assert_eq!(code_of(&list(201)), "EndPoint.3074");
    }

    #[test]
    fn path_parameters_are_checked() {
        assert!(project_id("6e9dfd51d1124e8d8498dce894923a0d").is_ok());
        assert_eq!(
            project_id("a b").map_err(|f| f.code),
            Err("EndPoint.0014".to_owned())
        );
        assert_eq!(
            project_id(&"a".repeat(65)).map_err(|f| f.code),
            Err("EndPoint.0014".to_owned())
        );
        assert!(service_id("4189d3c2-8882-4871-a3c2-d380272eed88").is_ok());
        assert!(service_id("{4189d3c2-8882-4871-a3c2-d380272eed88}").is_err());
        assert!(content_type(Some("application/json; charset=utf-8")).is_ok());
        assert!(content_type(Some("text/plain")).is_err());
        assert!(content_type(None).is_err());
    }
}
