//! A consumer's VPC endpoints (`/v1/{project_id}/vpc-endpoints[/{id}]`): the checks of a
//! create request and of the list's query, rule by rule as the pages "Creating a VPC
//! Endpoint" and "Querying VPC Endpoints" and the error code table say, and the endpoint as
//! the API answers it. Whether the endpoint may connect, and its status, are the state's
//! ([`connect`](super::connect)).
//!
//! Where the reference is silent, the emulator chooses (and a test pins the choice):
//!
//! - the first rule broken is answered, in the order of the page's table; a field the page
//!   does not list, or `null`, is `EndPoint.0002`;
//! - a missing `endpoint_service_id` is `EndPoint.2029`, one that is not a UUID
//!   `EndPoint.3062`; a missing `vpc_id` `EndPoint.2011`, one that is not a UUID
//!   `EndPoint.0020`; a `subnet_id` that is not a UUID `EndPoint.0023` (one is required to
//!   connect to an interface service: `EndPoint.2010`); `enable_dns` not a boolean
//!   `EndPoint.2033`; a route table ID that is not a UUID `EndPoint.1019`; a `port_ip` that is
//!   not an IPv4 address in dotted decimal form `EndPoint.2041`;
//! - the endpoint's own `whitelist` takes IPv4 addresses and CIDR blocks (`a.b.c.d/n`, `n` 0
//!   to 32), else `EndPoint.2044`, and at most [`MAX_ENDPOINT_WHITELIST`] of them, else
//!   `EndPoint.2045`;
//! - `policy_statement`: at most 10 statements (the page's "array length"), each with `Effect`
//!   `Allow` or `Deny` and lists of strings `Action` and `Resource`, else `EndPoint.2048`;
//!   other fields of a statement are ignored (the spec's statement allows them, as the
//!   answers carry it too);
//! - tags and `description` follow the rules of a service's create;
//! - `specification_name` is any string (default `default`);
//! - no private DNS name is made (`dns_names` is not answered, whatever `enable_dns`);
//! - the address (`ip`) of an endpoint of an interface service is its `port_ip`, else one
//!   the emulator picks (`10.{a}.{b}.{c}` from its `marker_id`); it is answered once the
//!   connection has been accepted;
//! - the list's `endpoint_service_name` matches, case-insensitively, any part of the service's
//!   name as answered (decorated), at most 128 characters, else `EndPoint.0002`; `vpc_id` must
//!   be a UUID (`EndPoint.0020`), `id` too (`EndPoint.2017`); paging as every list
//!   ([`paging`](super::paging)).

use std::net::Ipv4Addr;

use serde_json::Value;
use uuid::Uuid;

use super::{
    create::{description, not_a, tags, uuid_field},
    errors::{Code, Failure},
    paging::{self, Paging},
    query::Parameters,
    spec_limits,
    validate::{object, strict_uuid},
};
use crate::types::{PolicyEffect, PolicyStatement, ResourceTag, VpcEndpoint};

/// The most entries of a VPC endpoint's own whitelist (IPv4 addresses and CIDR blocks): the
/// provider documents a most (`EndPoint.2045`), not its number; the emulator takes 20.
pub const MAX_ENDPOINT_WHITELIST: usize = 20;
/// The most statements of a gateway endpoint's policy (the page's array length).
const MAX_POLICY_STATEMENTS: usize = 10;
/// The longest `endpoint_service_name` filter, in characters (the spec's limit).
const MAX_NAME_FILTER_CHARS: usize = 128;
/// The fields the page lists.
const FIELDS: [&str; 12] = [
    "subnet_id",
    "endpoint_service_id",
    "vpc_id",
    "enable_dns",
    "tags",
    "routetables",
    "port_ip",
    "whitelist",
    "enable_whitelist",
    "specification_name",
    "policy_statement",
    "description",
];
/// The sort keys of the list, the default first.
const SORT_KEYS: [&str; 2] = ["created_at", "updated_at"];

/// A checked create request of a VPC endpoint, each field with its default applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewEndpoint {
    pub(crate) service_id: Uuid,
    pub(crate) vpc_id: Uuid,
    pub(crate) subnet_id: Option<Uuid>,
    pub(crate) enable_dns: bool,
    pub(crate) tags: Vec<ResourceTag>,
    pub(crate) routetables: Vec<String>,
    pub(crate) port_ip: Option<Ipv4Addr>,
    pub(crate) whitelist: Vec<String>,
    pub(crate) enable_whitelist: bool,
    pub(crate) specification_name: String,
    pub(crate) policy_statement: Vec<PolicyStatement>,
    pub(crate) description: String,
}

impl NewEndpoint {
    /// The simplest endpoint that connects to `service_id`: in a VPC and subnet the emulator
    /// makes up, with every default (what the test helpers create).
    pub(crate) fn to(service_id: Uuid) -> Self {
        Self {
            service_id,
            vpc_id: Uuid::from_u128(0x0000_0000_0000_4000_a000_0000_0000_0001),
            subnet_id: Some(Uuid::from_u128(0x0000_0000_0000_4000_a000_0000_0000_0002)),
            enable_dns: false,
            tags: Vec::new(),
            routetables: Vec::new(),
            port_ip: None,
            whitelist: Vec::new(),
            enable_whitelist: false,
            specification_name: "default".to_owned(),
            policy_statement: Vec::new(),
            description: String::new(),
        }
    }
}

/// Checks a create request's body against every documented rule that does not depend on the
/// state.
pub(crate) fn body(bytes: &[u8]) -> Result<NewEndpoint, Failure> {
    let fields = object(bytes)?;
    if let Some(name) = fields.keys().find(|name| !FIELDS.contains(&name.as_str())) {
        return Err(Failure::new(
            Code::ParameterError,
            format!("{name:?} is not a field of a VPC endpoint's create request"),
        ));
    }
    let subnet_id = match fields.get("subnet_id") {
        None => None,
        Some(_) => Some(uuid_field(
            &fields,
            "subnet_id",
            Code::SubnetIdEmpty,
            Code::InvalidSubnetId,
        )?),
    };
    let service_id = uuid_field(
        &fields,
        "endpoint_service_id",
        Code::ServiceIdEmpty,
        Code::InvalidServiceId,
    )?;
    let vpc_id = uuid_field(&fields, "vpc_id", Code::VpcIdEmpty, Code::InvalidVpcId)?;
    let enable_dns = match fields.get("enable_dns") {
        None => false,
        Some(Value::Bool(enabled)) => *enabled,
        Some(other) => {
            return Err(Failure::new(
                Code::InvalidEnableDns,
                format!("enable_dns must be true or false, not {other}"),
            ));
        }
    };
    let tags = fields
        .get("tags")
        .map(tags)
        .transpose()?
        .unwrap_or_default();
    let routetables = fields
        .get("routetables")
        .map(routetables)
        .transpose()?
        .unwrap_or_default();
    let port_ip = fields.get("port_ip").map(port_ip).transpose()?;
    let whitelist = fields
        .get("whitelist")
        .map(whitelist)
        .transpose()?
        .unwrap_or_default();
    let enable_whitelist = match fields.get("enable_whitelist") {
        None => false,
        Some(Value::Bool(enabled)) => *enabled,
        Some(other) => return Err(not_a("enable_whitelist", "boolean", other)),
    };
    let specification_name = match fields.get("specification_name") {
        None => "default".to_owned(),
        Some(Value::String(name)) => name.clone(),
        Some(other) => return Err(not_a("specification_name", "string", other)),
    };
    let policy_statement = fields
        .get("policy_statement")
        .map(policy)
        .transpose()?
        .unwrap_or_default();
    let description = fields
        .get("description")
        .map(description)
        .transpose()?
        .unwrap_or_default();
    Ok(NewEndpoint {
        service_id,
        vpc_id,
        subnet_id,
        enable_dns,
        tags,
        routetables,
        port_ip,
        whitelist,
        enable_whitelist,
        specification_name,
        policy_statement,
        description,
    })
}

fn routetables(value: &Value) -> Result<Vec<String>, Failure> {
    let invalid = |detail: String| Failure::new(Code::InvalidRouteTable, detail);
    let Value::Array(items) = value else {
        return Err(invalid(format!(
            "routetables must be a list of IDs, not {value}"
        )));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .and_then(strict_uuid)
                .map(|id| id.to_string())
                .ok_or_else(|| invalid(format!("routetables[{i}] {item} is not a UUID")))
        })
        .collect()
}

/// An IPv4 address in dotted decimal form, without leading zeros (the spec's pattern).
fn ipv4(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    let canonical = parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        });
    canonical.then(|| text.parse().ok()).flatten()
}

fn port_ip(value: &Value) -> Result<Ipv4Addr, Failure> {
    value.as_str().and_then(ipv4).ok_or_else(|| {
        Failure::new(
            Code::InvalidPortIp,
            format!("port_ip {value} is not an IPv4 address"),
        )
    })
}

/// An IPv4 address or a CIDR block `a.b.c.d/n`.
fn address_or_block(text: &str) -> bool {
    match text.split_once('/') {
        None => ipv4(text).is_some(),
        Some((address, bits)) => {
            ipv4(address).is_some()
                && !bits.is_empty()
                && bits.len() <= 2
                && bits.bytes().all(|b| b.is_ascii_digit())
                && bits.parse::<u8>().is_ok_and(|n| n <= 32)
        }
    }
}

fn whitelist(value: &Value) -> Result<Vec<String>, Failure> {
    let invalid = |detail: String| Failure::new(Code::InvalidEndpointWhitelist, detail);
    let Value::Array(items) = value else {
        return Err(invalid(format!("whitelist must be a list, not {value}")));
    };
    if items.len() > MAX_ENDPOINT_WHITELIST {
        return Err(Failure::new(
            Code::EndpointWhitelistFull,
            format!(
                "whitelist has {} entries; at most {MAX_ENDPOINT_WHITELIST} are allowed",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_str() {
            Some(text) if address_or_block(text) => Ok(text.to_owned()),
            _ => Err(invalid(format!(
                "whitelist[{i}] {item} is not an IPv4 address or CIDR block"
            ))),
        })
        .collect()
}

fn policy(value: &Value) -> Result<Vec<PolicyStatement>, Failure> {
    let invalid = |detail: String| Failure::new(Code::InvalidPolicy, detail);
    let Value::Array(items) = value else {
        return Err(invalid(format!(
            "policy_statement must be a list, not {value}"
        )));
    };
    if items.len() > MAX_POLICY_STATEMENTS {
        return Err(invalid(format!(
            "policy_statement has {} statements; at most {MAX_POLICY_STATEMENTS} are allowed",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            statement(item).map_err(|e| invalid(format!("policy_statement[{i}]: {e}")))
        })
        .collect()
}

fn statement(value: &Value) -> Result<PolicyStatement, String> {
    let Value::Object(fields) = value else {
        return Err("a statement must be an object".to_owned());
    };
    let effect = match fields.get("Effect").and_then(Value::as_str) {
        Some("Allow") => PolicyEffect::Allow,
        Some("Deny") => PolicyEffect::Deny,
        _ => return Err("Effect must be Allow or Deny".to_owned()),
    };
    let strings = |name: &str| -> Result<Vec<String>, String> {
        match fields.get(name) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("{name} must be a list of strings")),
            _ => Err(format!("{name} must be a list of strings")),
        }
    };
    Ok(PolicyStatement {
        effect,
        action: strings("Action")?,
        resource: strings("Resource")?,
    })
}

/// A checked list query of VPC endpoints.
#[derive(Debug, PartialEq)]
pub(crate) struct ListQuery {
    /// The service name filter, in lower case.
    name: Option<String>,
    vpc_id: Option<Uuid>,
    id: Option<Uuid>,
    pub(crate) paging: Paging,
}

/// Checks the query string of the list of VPC endpoints.
pub(crate) fn parse(raw: Option<&str>) -> Result<ListQuery, Failure> {
    let parameters = Parameters::parse(raw)?;
    let name = parameters.once("endpoint_service_name", Code::ParameterError)?;
    if let Some(name) = name
        && name.chars().count() > MAX_NAME_FILTER_CHARS
    {
        return Err(Failure::new(
            Code::ParameterError,
            format!("endpoint_service_name is longer than {MAX_NAME_FILTER_CHARS} characters"),
        ));
    }
    let uuid = |name: &str, code: Code| -> Result<Option<Uuid>, Failure> {
        parameters
            .once(name, code)?
            .map(|text| {
                strict_uuid(text)
                    .ok_or_else(|| Failure::new(code, format!("{name} {text:?} is not a UUID")))
            })
            .transpose()
    };
    let vpc_id = uuid("vpc_id", Code::InvalidVpcId)?;
    let id = uuid("id", Code::InvalidEndpointId)?;
    let max = spec_limits::query_maximum(crate::spec::LIST_ENDPOINTS.path, "limit");
    let paging = paging::parse(&parameters, &SORT_KEYS, max)?;
    Ok(ListQuery {
        name: name.map(str::to_lowercase),
        vpc_id,
        id,
        paging,
    })
}

impl ListQuery {
    /// Whether `endpoint` matches the query's filters.
    pub(crate) fn matches(&self, endpoint: &VpcEndpoint) -> bool {
        let same = |wanted: Option<Uuid>, field: Option<&str>| {
            wanted.is_none_or(|w| field.is_some_and(|f| f.eq_ignore_ascii_case(&w.to_string())))
        };
        same(self.id, Some(&endpoint.id))
            && same(self.vpc_id, endpoint.vpc_id.as_deref())
            && self.name.as_ref().is_none_or(|name| {
                endpoint
                    .endpoint_service_name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(name.as_str()))
            })
    }

    /// What `endpoint` sorts by under this query: its time (`created_at`, or `updated_at`
    /// falling back to it), then its ID.
    pub(crate) fn sort_by(&self, endpoint: &VpcEndpoint) -> (Option<(u64, u32)>, String) {
        let time = match self.paging.sort_key {
            0 => endpoint.created_at.as_deref(),
            _ => endpoint
                .updated_at
                .as_deref()
                .or(endpoint.created_at.as_deref()),
        };
        (paging::sort_time(time), endpoint.id.clone())
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

    const SERVICE: &str = "2da0fe8f-5cb7-4d93-bb35-dc05334da1be";
    const VPC: &str = "d7b2bf07-1b4c-43fa-bd88-d80c6ebea140";

    #[test]
    fn each_rule_answers_its_code() {
        let base = format!(r#""endpoint_service_id":"{SERVICE}","vpc_id":"{VPC}""#);
        let with = |more: &str| format!("{{{base}{more}}}");
        let too_many: Vec<String> = (0..=MAX_ENDPOINT_WHITELIST)
            .map(|i| format!("\"10.0.0.{i}\""))
            .collect();
        let cases = [
            (with(""), "ok"),
            (
                with(r#","port_ip":"192.168.14.23","whitelist":["10.0.0.0/8","1.2.3.4"]"#),
                "ok",
            ),
            (format!(r#"{{"vpc_id":"{VPC}"}}"#), "EndPoint.2029"),
            (
                format!(r#"{{"endpoint_service_id":"x","vpc_id":"{VPC}"}}"#),
                "EndPoint.3062",
            ),
            (
                format!(r#"{{"endpoint_service_id":"{SERVICE}"}}"#),
                "EndPoint.2011",
            ),
            (
                format!(r#"{{"endpoint_service_id":"{SERVICE}","vpc_id":"v"}}"#),
                "EndPoint.0020",
            ),
            (with(r#","subnet_id":"s""#), "EndPoint.0023"),
            (with(r#","enable_dns":"yes""#), "EndPoint.2033"),
            (with(r#","routetables":["r"]"#), "EndPoint.1019"),
            (with(r#","port_ip":"256.1.1.1""#), "EndPoint.2041"),
            (with(r#","port_ip":"01.1.1.1""#), "EndPoint.2041"),
            (with(r#","whitelist":["10.0.0.0/33"]"#), "EndPoint.2044"),
            (
                with(&format!(r#","whitelist":[{}]"#, too_many.join(","))),
                "EndPoint.2045",
            ),
            (
                with(r#","policy_statement":[{"Effect":"Maybe","Action":[],"Resource":[]}]"#),
                "EndPoint.2048",
            ),
            (
                with(r#","policy_statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]"#),
                "ok",
            ),
            (with(r#","tags":[{"key":""}]"#), "EndPoint.3066"),
            (with(r#","description":"<b>""#), "EndPoint.0002"),
            (with(r#","enable_whitelist":1"#), "EndPoint.0002"),
            (with(r#","other":1"#), "EndPoint.0002"),
            (with(r#","description":null"#), "EndPoint.0002"),
        ];
        for (body, expected) in &cases {
            assert_eq!(code_of(body), *expected, "{body}");
        }
    }

    #[test]
    fn the_list_query_answers_its_codes() {
        for (query, expected) in [
            ("", "ok"),
            ("limit=1000&sort_key=updated_at&sort_dir=asc", "ok"),
            ("limit=1001", "EndPoint.0006"),
            ("vpc_id=x", "EndPoint.0020"),
            ("id=x", "EndPoint.2017"),
            ("sort_key=name", "EndPoint.0017"),
        ] {
            let code = parse(Some(query)).map_or_else(|f| f.code, |_| "ok".to_owned());
            assert_eq!(code, expected, "{query}");
        }
        let long = format!("endpoint_service_name={}", "a".repeat(129));
        assert!(parse(Some(&long)).is_err());
    }
}
