//! The emulator's own checks of a create request (`POST /v1/{project_id}/vpc-endpoint-services`),
//! rule by rule as the API reference page "Creating a VPC Endpoint Service" writes them, each
//! answered with the documented code the error code table gives it. They are written out here,
//! not taken from the generated request type or the client's checks, so that the emulator can
//! catch a client (or a spec) that is wrong.
//!
//! Where the reference is silent, the emulator chooses (and a test pins the choice):
//!
//! - the first rule broken is answered, in the order of the page's table (then tags, then
//!   the description);
//! - a field the page does not list is refused (`EndPoint.0002`), as is `null` for any field;
//! - a missing `port_id` is `EndPoint.3063` (invalid port ID), a missing `vpc_id`
//!   `EndPoint.2011` (VPC ID empty), one that is not a UUID `EndPoint.0020`; a missing or
//!   unknown `server_type` `EndPoint.3021`; missing or empty `ports` `EndPoint.2028`;
//! - `VIP` and `BMS` are still accepted as `server_type` (the page says they "will be
//!   discarded", not that they are);
//! - port mappings follow the modify call's rules (TCP or UDP; no two with the same
//!   `client_port` and protocol, `EndPoint.0002`; no field but the three);
//! - a clash with another service on the same `port_id` is the modify call's
//!   (`EndPoint.3044` when a mapping of the same protocol has the same `client_port` or the
//!   same `server_port`): the create page names only `server_port` and protocol, the modify
//!   page both ports, and one rule for both calls keeps a service that a modify could not make
//!   from being made by a create;
//! - `service_type` other than `interface` (`gateway` too: those are configured by the
//!   provider) and an unknown `tcp_proxy` are `EndPoint.0002`;
//! - `pool_id` is a string of at most 64 characters (the spec's limit; the page gives none);
//! - tags: at most 20 (`EndPoint.3069`); a tag without a key, or with an empty one, is
//!   `EndPoint.3066`; a key over 36 characters `EndPoint.3072`, a value over 43
//!   `EndPoint.3073`; a character other than a Unicode letter or digit, `-`, `_` or `@`
//!   `EndPoint.3068`; two tags with the same key `EndPoint.3067`. Lengths count characters
//!   (Unicode scalar values), as "Unicode characters" reads;
//! - `description`: at most 128 characters, without `<` or `>`, else `EndPoint.0002`.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    errors::{Code, Failure},
    validate::{self, object, strict_uuid},
};
use crate::{
    OpenEnum,
    spec::ports,
    types::{
        CidrType, EndpointService, PortMapping, ResourceTag, ServerType, ServiceStatus,
        ServiceType, TcpProxy,
    },
};

/// The fields the page lists.
const FIELDS: [&str; 11] = [
    "port_id",
    "pool_id",
    "service_name",
    "vpc_id",
    "approval_enabled",
    "service_type",
    "server_type",
    "ports",
    "tcp_proxy",
    "tags",
    "description",
];
/// The longest `service_name`, in characters.
const MAX_NAME_CHARS: usize = 16;
/// The longest `pool_id`, in characters (the spec's limit).
const MAX_POOL_ID_CHARS: usize = 64;
/// The most tags a service may have.
const MAX_TAGS: usize = 20;
/// The longest tag key, in characters.
const MAX_TAG_KEY_CHARS: usize = 36;
/// The longest tag value, in characters.
const MAX_TAG_VALUE_CHARS: usize = 43;
/// The longest description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 128;

/// A checked create request, each field with its default applied.
#[derive(Debug)]
pub(crate) struct NewService {
    port_id: Uuid,
    vpc_id: Uuid,
    pool_id: Option<String>,
    service_name: Option<String>,
    approval_enabled: bool,
    server_type: ServerType,
    ports: Vec<PortMapping>,
    tcp_proxy: TcpProxy,
    tags: Vec<ResourceTag>,
    description: String,
}

impl NewService {
    /// The service as the emulator stores it (its name undecorated), `creating`, created and
    /// updated `now`, with no VPC endpoint connected.
    pub(crate) fn into_service(self, id: Uuid, project_id: &str, now: String) -> EndpointService {
        EndpointService {
            id: id.to_string(),
            port_id: Some(self.port_id.to_string()),
            vpc_id: Some(self.vpc_id.to_string()),
            pool_id: self.pool_id,
            service_name: self.service_name,
            approval_enabled: Some(self.approval_enabled),
            server_type: Some(OpenEnum::Known(self.server_type)),
            service_type: Some(OpenEnum::Known(ServiceType::Interface)),
            status: Some(OpenEnum::Known(ServiceStatus::Creating)),
            project_id: Some(project_id.to_owned()),
            created_at: Some(now.clone()),
            updated_at: Some(now),
            cidr_type: Some(OpenEnum::Known(CidrType::Internal)),
            ports: self.ports.iter().map(ports::answered_mapping).collect(),
            tcp_proxy: Some(OpenEnum::Known(self.tcp_proxy)),
            tags: self.tags,
            description: Some(self.description),
            connection_count: Some(0),
            domain_id: None,
            error: Vec::new(),
            vip_port_id: None,
        }
    }
}

/// Checks a create request's body against every documented rule that does not depend on the
/// state.
pub(crate) fn body(bytes: &[u8]) -> Result<NewService, Failure> {
    let fields = object(bytes)?;
    if let Some(name) = fields.keys().find(|name| !FIELDS.contains(&name.as_str())) {
        return Err(Failure::new(
            Code::ParameterError,
            format!("{name:?} is not a field of a create request"),
        ));
    }
    let port_id = uuid_field(&fields, "port_id", Code::InvalidPortId, Code::InvalidPortId)?;
    let pool_id = fields.get("pool_id").map(pool_id).transpose()?;
    let service_name = fields.get("service_name").map(service_name).transpose()?;
    let vpc_id = uuid_field(&fields, "vpc_id", Code::VpcIdEmpty, Code::InvalidVpcId)?;
    let approval_enabled = match fields.get("approval_enabled") {
        None => true,
        Some(Value::Bool(enabled)) => *enabled,
        Some(other) => return Err(not_a("approval_enabled", "boolean", other)),
    };
    if let Some(value) = fields.get("service_type")
        && value.as_str() != Some("interface")
    {
        return Err(Failure::new(
            Code::ParameterError,
            format!("service_type {value}: only interface services can be created"),
        ));
    }
    let server_type = server_type(fields.get("server_type"))?;
    let ports = match fields.get("ports") {
        None => {
            return Err(Failure::new(Code::PortOrProtocolEmpty, "ports is required"));
        }
        Some(value) => validate::ports(value)?,
    };
    let tcp_proxy = match fields.get("tcp_proxy") {
        None => TcpProxy::Close,
        Some(value) => value
            .as_str()
            .and_then(|v| TCP_PROXY.iter().find(|(name, _)| *name == v))
            .map(|(_, proxy)| *proxy)
            .ok_or_else(|| {
                let names: Vec<_> = TCP_PROXY.iter().map(|(name, _)| *name).collect();
                Failure::new(
                    Code::ParameterError,
                    format!("tcp_proxy {value} is not one of {}", names.join(", ")),
                )
            })?,
    };
    let tags = fields
        .get("tags")
        .map(tags)
        .transpose()?
        .unwrap_or_default();
    let description = fields
        .get("description")
        .map(description)
        .transpose()?
        .unwrap_or_default();
    Ok(NewService {
        port_id,
        vpc_id,
        pool_id,
        service_name,
        approval_enabled,
        server_type,
        ports,
        tcp_proxy,
        tags,
        description,
    })
}

/// The values of `tcp_proxy` the page lists.
const TCP_PROXY: [(&str, TcpProxy); 5] = [
    ("close", TcpProxy::Close),
    ("toa_open", TcpProxy::ToaOpen),
    ("proxy_open", TcpProxy::ProxyOpen),
    ("open", TcpProxy::Open),
    ("proxy_vni", TcpProxy::ProxyVni),
];

/// The values of `server_type` the page lists.
const SERVER_TYPES: [(&str, ServerType); 4] = [
    ("LB", ServerType::Lb),
    ("VM", ServerType::Vm),
    ("VIP", ServerType::Vip),
    ("BMS", ServerType::Bms),
];

pub(crate) fn not_a(field: &str, kind: &str, value: &Value) -> Failure {
    Failure::new(
        Code::ParameterError,
        format!("{field} must be a {kind}, not {value}"),
    )
}

/// A required UUID: `missing` when it is left out, `invalid` when it is not a UUID string.
pub(crate) fn uuid_field(
    fields: &Map<String, Value>,
    field: &str,
    missing: Code,
    invalid: Code,
) -> Result<Uuid, Failure> {
    match fields.get(field) {
        None => Err(Failure::new(missing, format!("{field} is required"))),
        Some(Value::String(text)) => strict_uuid(text)
            .ok_or_else(|| Failure::new(invalid, format!("{field} {text:?} is not a UUID"))),
        Some(other) => Err(Failure::new(
            invalid,
            format!("{field} must be a UUID string, not {other}"),
        )),
    }
}

fn pool_id(value: &Value) -> Result<String, Failure> {
    match value {
        Value::String(text) if text.chars().count() <= MAX_POOL_ID_CHARS => Ok(text.clone()),
        Value::String(_) => Err(Failure::new(
            Code::ParameterError,
            format!("pool_id is longer than {MAX_POOL_ID_CHARS} characters"),
        )),
        other => Err(not_a("pool_id", "string", other)),
    }
}

/// 1 to 16 of letters, digits, `_` and `-` (ASCII: the page's "letters" for a name that goes
/// into a DNS-like decorated name).
fn service_name(value: &Value) -> Result<String, Failure> {
    let valid = value.as_str().filter(|name| {
        (1..=MAX_NAME_CHARS).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    valid.map(str::to_owned).ok_or_else(|| {
        Failure::new(
            Code::InvalidServiceName,
            format!("service_name {value}: 1 to {MAX_NAME_CHARS} of letters, digits, _ and -"),
        )
    })
}

fn server_type(value: Option<&Value>) -> Result<ServerType, Failure> {
    let known = value
        .and_then(Value::as_str)
        .and_then(|v| SERVER_TYPES.iter().find(|(name, _)| *name == v));
    match (value, known) {
        (_, Some((_, server_type))) => Ok(*server_type),
        (None, None) => Err(Failure::new(
            Code::InvalidServerType,
            "server_type is required",
        )),
        (Some(value), None) => {
            let names: Vec<_> = SERVER_TYPES.iter().map(|(name, _)| *name).collect();
            Err(Failure::new(
                Code::InvalidServerType,
                format!("server_type {value} is not one of {}", names.join(", ")),
            ))
        }
    }
}

/// A character a tag key or value may have: a Unicode letter or digit, `-`, `_` or `@`.
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '@')
}

pub(crate) fn tags(value: &Value) -> Result<Vec<ResourceTag>, Failure> {
    let Value::Array(items) = value else {
        return Err(not_a("tags", "list of tags", value));
    };
    if items.len() > MAX_TAGS {
        return Err(Failure::new(
            Code::TooManyTags,
            format!("{} tags; at most {MAX_TAGS} are allowed", items.len()),
        ));
    }
    let mut tags: Vec<ResourceTag> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let tag = tag(i, item)?;
        if tags.iter().any(|other| other.key == tag.key) {
            return Err(Failure::new(
                Code::TagKeyDuplicated,
                format!(
                    "tags[{i}] repeats the key {:?}",
                    tag.key.as_deref().unwrap_or_default()
                ),
            ));
        }
        tags.push(tag);
    }
    Ok(tags)
}

fn tag(i: usize, item: &Value) -> Result<ResourceTag, Failure> {
    let Value::Object(fields) = item else {
        return Err(not_a(&format!("tags[{i}]"), "tag object", item));
    };
    if let Some(name) = fields
        .keys()
        .find(|name| !["key", "value"].contains(&name.as_str()))
    {
        return Err(Failure::new(
            Code::ParameterError,
            format!("tags[{i}]: {name:?} is not a field of a tag"),
        ));
    }
    let key = match fields.get("key") {
        None => {
            return Err(Failure::new(
                Code::TagEmpty,
                format!("tags[{i}] has no key"),
            ));
        }
        Some(Value::String(key)) if key.is_empty() => {
            return Err(Failure::new(
                Code::TagEmpty,
                format!("tags[{i}].key is empty"),
            ));
        }
        Some(Value::String(key)) => key,
        Some(other) => return Err(not_a(&format!("tags[{i}].key"), "string", other)),
    };
    if key.chars().count() > MAX_TAG_KEY_CHARS {
        return Err(Failure::new(
            Code::TagKeySize,
            format!("tags[{i}].key is longer than {MAX_TAG_KEY_CHARS} characters"),
        ));
    }
    let value = match fields.get("value") {
        None => None,
        Some(Value::String(value)) => Some(value),
        Some(other) => return Err(not_a(&format!("tags[{i}].value"), "string", other)),
    };
    if value.is_some_and(|v| v.chars().count() > MAX_TAG_VALUE_CHARS) {
        return Err(Failure::new(
            Code::TagValueSize,
            format!("tags[{i}].value is longer than {MAX_TAG_VALUE_CHARS} characters"),
        ));
    }
    for (field, text) in [("key", Some(key)), ("value", value)] {
        if let Some(c) = text.and_then(|t| t.chars().find(|c| !tag_char(*c))) {
            return Err(Failure::new(
                Code::TagInvalid,
                format!(
                    "tags[{i}].{field} has {c:?}: only letters, digits, -, _ and @ are allowed"
                ),
            ));
        }
    }
    Ok(ResourceTag {
        key: Some(key.clone()),
        value: value.cloned(),
    })
}

pub(crate) fn description(value: &Value) -> Result<String, Failure> {
    let Value::String(text) = value else {
        return Err(not_a("description", "string", value));
    };
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(Failure::new(
            Code::ParameterError,
            format!("description is longer than {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    if text.contains(['<', '>']) {
        return Err(Failure::new(
            Code::ParameterError,
            "description must not contain < or >",
        ));
    }
    Ok(text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#""port_id":"4189d3c2-8882-4871-a3c2-d380272eed88","vpc_id":"4189d3c2-8882-4871-a3c2-d380272eed80","server_type":"VM","ports":[{"client_port":8080,"server_port":90}]"#;

    fn code_of(extra: &str) -> String {
        let body = if extra.is_empty() {
            format!("{{{BASE}}}")
        } else {
            format!("{{{BASE},{extra}}}")
        };
        match super::body(body.as_bytes()) {
            Ok(_) => "ok".to_owned(),
            Err(failure) => failure.code,
        }
    }

    fn code_of_body(body: &str) -> String {
        match super::body(body.as_bytes()) {
            Ok(_) => "ok".to_owned(),
            Err(failure) => failure.code,
        }
    }

    #[test]
    fn the_documented_example_passes_with_its_defaults() {
        let new = super::body(
            br#"{"port_id":"4189d3c2-8882-4871-a3c2-d380272eed88",
                "vpc_id":"4189d3c2-8882-4871-a3c2-d380272eed80","approval_enabled":false,
                "service_type":"interface","server_type":"VM","ports":[
                {"client_port":8080,"server_port":90,"protocol":"TCP"},
                {"client_port":8081,"server_port":80,"protocol":"TCP"}]}"#,
        )
        .map_err(|f| f.message)
        .unwrap();
        let id = Uuid::nil();
        let service = new.into_service(id, "p", "2026-01-01T00:00:00Z".to_owned());
        assert_eq!(service.approval_enabled, Some(false));
        assert_eq!(
            service.status,
            Some(OpenEnum::Known(ServiceStatus::Creating))
        );
        assert_eq!(service.tcp_proxy, Some(OpenEnum::Known(TcpProxy::Close)));
        assert_eq!(service.ports.len(), 2);
        assert_eq!(service.service_name, None);
        let defaulted = super::body(format!("{{{BASE}}}").as_bytes()).unwrap();
        assert!(
            defaulted.approval_enabled,
            "approval_enabled defaults to true"
        );
    }

    #[test]
    fn each_rule_answers_its_code() {
        let cases = [
            ("", "ok"),
            (r#""extra":1"#, "EndPoint.0002"),
            (
                r#""vip_port_id":"4189d3c2-8882-4871-a3c2-d380272eed88""#,
                "EndPoint.0002",
            ),
            (r#""pool_id":"x""#, "ok"),
            (
                &format!(r#""pool_id":"{}""#, "a".repeat(65)),
                "EndPoint.0002",
            ),
            (r#""pool_id":1"#, "EndPoint.0002"),
            (r#""service_name":"web-1_A""#, "ok"),
            (r#""service_name":"a.b""#, "EndPoint.3076"),
            (r#""service_name":"""#, "EndPoint.3076"),
            (r#""service_name":"abcdefghijklmnopq""#, "EndPoint.3076"),
            (r#""service_name":"é""#, "EndPoint.3076"),
            (r#""approval_enabled":"true""#, "EndPoint.0002"),
            (r#""approval_enabled":null"#, "EndPoint.0002"),
            (r#""service_type":"interface""#, "ok"),
            (r#""service_type":"gateway""#, "EndPoint.0002"),
            (r#""tcp_proxy":"proxy_vni""#, "ok"),
            (r#""tcp_proxy":"CLOSE""#, "EndPoint.0002"),
            (r#""description":"a backend""#, "ok"),
            (r#""description":"<b>""#, "EndPoint.0002"),
            (&format!(r#""description":"{}""#, "é".repeat(128)), "ok"),
            (
                &format!(r#""description":"{}""#, "a".repeat(129)),
                "EndPoint.0002",
            ),
            (r#""tags":[{"key":"k","value":"v"}]"#, "ok"),
            (r#""tags":[{"key":"Größe@-_1"}]"#, "ok"),
            (r#""tags":[{"key":"k","value":""}]"#, "ok"),
            (r#""tags":{}"#, "EndPoint.0002"),
            (r#""tags":[1]"#, "EndPoint.0002"),
            (r#""tags":[{"value":"v"}]"#, "EndPoint.3066"),
            (r#""tags":[{"key":""}]"#, "EndPoint.3066"),
            (r#""tags":[{"key":"k","other":1}]"#, "EndPoint.0002"),
            (r#""tags":[{"key":"a b"}]"#, "EndPoint.3068"),
            (r#""tags":[{"key":"k","value":"a.b"}]"#, "EndPoint.3068"),
            (r#""tags":[{"key":"k","value":"×"}]"#, "EndPoint.3068"),
            (r#""tags":[{"key":"k"},{"key":"k"}]"#, "EndPoint.3067"),
            (r#""tags":[{"key":"k"},{"key":"K"}]"#, "ok"),
            (&format!(r#""tags":[{{"key":"{}"}}]"#, "é".repeat(36)), "ok"),
            (
                &format!(r#""tags":[{{"key":"{}"}}]"#, "a".repeat(37)),
                "EndPoint.3072",
            ),
            (
                &format!(r#""tags":[{{"key":"k","value":"{}"}}]"#, "a".repeat(44)),
                "EndPoint.3073",
            ),
        ];
        for (extra, expected) in cases {
            assert_eq!(code_of(extra), expected, "{extra}");
        }
        let twenty: Vec<String> = (0..20).map(|i| format!(r#"{{"key":"k{i}"}}"#)).collect();
        assert_eq!(code_of(&format!(r#""tags":[{}]"#, twenty.join(","))), "ok");
        let more: Vec<String> = (0..21).map(|i| format!(r#"{{"key":"k{i}"}}"#)).collect();
        assert_eq!(
            code_of(&format!(r#""tags":[{}]"#, more.join(","))),
            "EndPoint.3069"
        );
    }

    #[test]
    fn required_fields_answer_their_codes() {
        let port = r#""port_id":"4189d3c2-8882-4871-a3c2-d380272eed88""#;
        let vpc = r#""vpc_id":"4189d3c2-8882-4871-a3c2-d380272eed80""#;
        let server = r#""server_type":"LB""#;
        let ports = r#""ports":[{"client_port":1,"server_port":1}]"#;
        let body = |parts: &[&str]| format!("{{{}}}", parts.join(","));
        let cases = [
            (body(&[vpc, server, ports]), "EndPoint.3063"),
            (
                body(&[r#""port_id":"x""#, vpc, server, ports]),
                "EndPoint.3063",
            ),
            (body(&[port, server, ports]), "EndPoint.2011"),
            (
                body(&[port, r#""vpc_id":"vpc-1""#, server, ports]),
                "EndPoint.0020",
            ),
            (body(&[port, vpc, ports]), "EndPoint.3021"),
            (
                body(&[port, vpc, r#""server_type":"vm""#, ports]),
                "EndPoint.3021",
            ),
            (body(&[port, vpc, r#""server_type":"BMS""#, ports]), "ok"),
            (body(&[port, vpc, server]), "EndPoint.2028"),
            (body(&[port, vpc, server, r#""ports":[]"#]), "EndPoint.2028"),
            (
                body(&[
                    port,
                    vpc,
                    server,
                    r#""ports":[{"client_port":1,"server_port":1},{"client_port":1,"server_port":2}]"#,
                ]),
                "EndPoint.0002",
            ),
            (
                body(&[
                    port,
                    vpc,
                    server,
                    r#""ports":[{"client_port":0,"server_port":1}]"#,
                ]),
                "EndPoint.3043",
            ),
            (
                body(&[
                    port,
                    vpc,
                    server,
                    r#""ports":[{"client_port":1,"server_port":1,"protocol":"SCTP"}]"#,
                ]),
                "EndPoint.3075",
            ),
            (
                body(&[
                    port,
                    vpc,
                    server,
                    r#""ports":[{"client_port":1,"server_port":1,"x":1}]"#,
                ]),
                "EndPoint.0002",
            ),
            (body(&[port, vpc, server, ports]), "ok"),
            ("".to_owned(), "EndPoint.0002"),
            ("[]".to_owned(), "EndPoint.0002"),
        ];
        for (body, expected) in cases {
            assert_eq!(code_of_body(&body), expected, "{body}");
        }
        let many: Vec<String> = (1..=201)
            .map(|p| format!(r#"{{"client_port":{p},"server_port":{p}}}"#))
            .collect();
        let ports = format!(r#""ports":[{}]"#, many.join(","));
        assert_eq!(
            code_of_body(&body(&[port, vpc, server, &ports])),
            "EndPoint.3074"
        );
    }
}
