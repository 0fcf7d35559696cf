//! [`Diff`]: what a change of a service changes, field by field and mapping by mapping, and
//! [`Conflict`]: a field that someone else changed meanwhile. Also the comparison they rest
//! on: fields by name, as JSON, so that a field the spec adds needs no code here.

use std::{collections::BTreeMap, fmt};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    WhitelistEntry,
    spec::ports,
    types::{EndpointService, EndpointServicePort},
};

/// What an edit changes (or would change) in a service: each field that differs, with its
/// value before and after, and the port mappings added and removed.
///
/// Its [`Display`](fmt::Display) is the diff as a person reads it, one change per line, and
/// its JSON ([`Serialize`]) the same for a program:
///
/// ```text
/// approval_enabled  false -> true
/// service_name      "test123" -> "test"
/// ports             + 8443:443/TCP
///                   - 8081:80/TCP
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Diff {
    /// The service.
    pub service_id: String,
    /// Each field that differs, by name, with its old and new value (`null` when absent).
    /// `service_name` is compared and shown as it is set, without the `{region}.` and
    /// `.{id}` that the service decorates it with.
    pub fields: BTreeMap<String, FieldChange>,
    /// The port mappings that are new, in the order of the list sent.
    pub ports_added: Vec<EndpointServicePort>,
    /// The port mappings that go, in the order the service listed them.
    pub ports_removed: Vec<EndpointServicePort>,
    /// The whitelist records that are new (a set of the whitelist:
    /// [`SetWhitelist`](crate::SetWhitelist)), in their normal form's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub whitelist_added: Vec<WhitelistEntry>,
    /// The whitelist records that go.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub whitelist_removed: Vec<WhitelistEntry>,
}

/// One field's change: its value before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FieldChange {
    /// The value before (`null` when the service had none).
    pub old: Value,
    /// The value after.
    pub new: Value,
}

/// A field that someone else changed between an edit's read and its write: the edit did not
/// send it, yet the service's answer to the write differs from what the edit read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Conflict {
    /// The field (a field of the modify call's body).
    pub field: String,
    /// Its value when the edit read the service.
    pub read: Value,
    /// Its value in the service's answer to the edit's write.
    pub answered: Value,
}

impl Diff {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self.ports_added.is_empty()
            && self.ports_removed.is_empty()
            && self.whitelist_added.is_empty()
            && self.whitelist_removed.is_empty()
    }
}

impl fmt::Display for Diff {
    /// One line per change (`field  old -> new`, values as JSON, `(none)` when absent), then
    /// `ports  + mapping` and `- mapping`, then `whitelist  + record` and `- record`;
    /// `no change` when nothing changes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no change");
        }
        let mut rows: Vec<(&str, String)> = self
            .fields
            .iter()
            .map(|(name, change)| {
                let text = format!("{} -> {}", shown(&change.old), shown(&change.new));
                (name.as_str(), text)
            })
            .collect();
        let ports = self
            .ports_added
            .iter()
            .map(|port| format!("+ {port}"))
            .chain(self.ports_removed.iter().map(|port| format!("- {port}")));
        for (i, line) in ports.enumerate() {
            rows.push((if i == 0 { "ports" } else { "" }, line));
        }
        let records = self
            .whitelist_added
            .iter()
            .map(|record| format!("+ {record}"))
            .chain(
                self.whitelist_removed
                    .iter()
                    .map(|record| format!("- {record}")),
            );
        for (i, line) in records.enumerate() {
            rows.push((if i == 0 { "whitelist" } else { "" }, line));
        }
        let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        for (name, text) in rows {
            writeln!(f, "{name:<width$}  {text}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: was {} when read, is {} after the write",
            self.field,
            shown(&self.read),
            shown(&self.answered)
        )
    }
}

/// A value as the diff shows it: JSON (strings quoted, control characters escaped), `(none)`
/// when absent; a list of port mappings as `8081:22/TCP, ...`.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_owned(),
        Value::Array(items) if items.iter().all(|item| item.get("client_port").is_some()) => {
            let ports: Vec<String> = items
                .iter()
                .filter_map(|item| serde_json::from_value(item.clone()).ok())
                .map(|port: EndpointServicePort| port.to_string())
                .collect();
            format!("[{}]", ports.join(", "))
        }
        other => other.to_string(),
    }
}

impl fmt::Display for EndpointServicePort {
    /// The mapping as `client:server/protocol` (`8081:22/TCP`); a missing number as `?`, no
    /// protocol as `TCP` (the default), and a protocol that is not plain letters and digits as
    /// JSON (so that it cannot carry control characters to a terminal).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = |n: Option<i32>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let protocol = ports::answered_protocol_text(self);
        let protocol = if protocol.bytes().all(|b| b.is_ascii_alphanumeric()) {
            protocol
        } else {
            Value::String(protocol).to_string()
        };
        write!(
            f,
            "{}:{}/{protocol}",
            number(self.client_port),
            number(self.server_port)
        )
    }
}

/// What identifies a port mapping: both ports, and the protocol in upper case.
pub(crate) fn port_key(port: &EndpointServicePort) -> (Option<i32>, Option<i32>, String) {
    (
        port.client_port,
        port.server_port,
        ports::answered_protocol_text(port).to_ascii_uppercase(),
    )
}

/// What a client port is mapped under: the client port and the protocol in upper case.
pub(crate) fn client_key(port: &EndpointServicePort) -> (Option<i32>, String) {
    (
        port.client_port,
        ports::answered_protocol_text(port).to_ascii_uppercase(),
    )
}

/// The mappings of `these` that `those` does not have (as many times as `these` has them more
/// often), in the order of `these`.
pub(crate) fn ports_missing_from<'p>(
    these: &'p [EndpointServicePort],
    those: &[EndpointServicePort],
) -> Vec<&'p EndpointServicePort> {
    let mut left: Vec<_> = those.iter().map(port_key).collect();
    these
        .iter()
        .filter(|port| {
            let key = port_key(port);
            match left.iter().position(|other| *other == key) {
                Some(i) => {
                    left.swap_remove(i);
                    false
                }
                None => true,
            }
        })
        .collect()
}

/// Whether two lists hold the same mappings, in any order.
pub(crate) fn same_ports(a: &[EndpointServicePort], b: &[EndpointServicePort]) -> bool {
    a.len() == b.len() && ports_missing_from(a, b).is_empty()
}

/// A service's fields as JSON, by name.
pub(crate) fn fields_of(service: &EndpointService) -> Map<String, Value> {
    match serde_json::to_value(service) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}

/// The value of the field `name` of a service whose fields are `fields`, as an edit compares
/// it with a request's value: `service_name` without its decoration `{region}.{name}.{id}`.
pub(crate) fn comparable(name: &str, fields: &Map<String, Value>) -> Value {
    let value = fields.get(name).cloned().unwrap_or(Value::Null);
    match (name, &value, fields.get("id").and_then(Value::as_str)) {
        ("service_name", Value::String(decorated), Some(id)) => {
            Value::String(undecorated(decorated, id).to_owned())
        }
        _ => value,
    }
}

/// A service name as set: the service answers it as `{region}.{name}.{id}` (or as set).
fn undecorated<'n>(name: &'n str, id: &str) -> &'n str {
    name.strip_suffix(id)
        .and_then(|rest| rest.strip_suffix('.'))
        .and_then(|rest| rest.split_once('.'))
        .map_or(name, |(_region, name)| name)
}

/// Whether two values of a field are the same: equal as JSON, or both the same UUID in
/// different spellings (the client sends UUIDs in lower case).
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    a == b
        || match (a, b) {
            (Value::String(a), Value::String(b)) => {
                matches!((uuid::Uuid::try_parse(a), uuid::Uuid::try_parse(b)), (Ok(a), Ok(b)) if a == b)
            }
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{OpenEnum, types::Protocol};

    fn port(client: i32, server: i32, protocol: Option<&str>) -> EndpointServicePort {
        EndpointServicePort {
            client_port: Some(client),
            server_port: Some(server),
            protocol: protocol.map(|p| p.parse().unwrap_or(OpenEnum::Unknown(p.to_owned()))),
        }
    }

    #[test]
    fn decorated_names_compare_as_set() {
        let id = "4189d3c2-8882-4871-a3c2-d380272eed88";
        let fields = |name: &str| {
            json!({"id": id, "service_name": name})
                .as_object()
                .unwrap()
                .clone()
        };
        for answered in [format!("eu-de.test.{id}"), "test".to_owned()] {
            assert_eq!(
                comparable("service_name", &fields(&answered)),
                json!("test")
            );
        }
        // A name that only looks decorated for another service stays as it is.
        let other = "eu-de.test.0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11";
        assert_eq!(comparable("service_name", &fields(other)), json!(other));
        assert_eq!(comparable("description", &fields("x")), Value::Null);
    }

    #[test]
    fn uuids_compare_in_any_spelling() {
        assert!(same(
            &json!("4189D3C2-8882-4871-A3C2-D380272EED88"),
            &json!("4189d3c2-8882-4871-a3c2-d380272eed88")
        ));
        assert!(!same(&json!("ABC"), &json!("abc")));
        assert!(same(&json!(false), &json!(false)));
        assert!(!same(&json!(false), &Value::Null));
    }

    #[test]
    fn mappings_compare_as_a_set_with_tcp_by_default() {
        let a = [port(80, 8080, None), port(81, 22, Some("UDP"))];
        let b = [port(81, 22, Some("UDP")), port(80, 8080, Some("TCP"))];
        assert!(same_ports(&a, &b));
        let c = [port(81, 22, Some("UDP")), port(80, 8080, Some("UDP"))];
        assert!(!same_ports(&a, &c));
        assert_eq!(ports_missing_from(&a, &c), [&a[0]]);
        // Duplicates count.
        let twice = [port(80, 8080, None), port(80, 8080, None)];
        assert!(!same_ports(
            &twice,
            &[port(80, 8080, None), port(81, 1, None)]
        ));
        assert_eq!(ports_missing_from(&twice, &a[..1]), [&twice[1]]);
    }

    #[test]
    fn the_diff_reads_as_old_and_new_values_and_plus_minus_mappings() {
        let mut diff = Diff {
            service_id: "id".into(),
            ..Diff::default()
        };
        assert!(diff.is_empty());
        assert_eq!(diff.to_string(), "no change\n");
        diff.fields.insert(
            "description".into(),
            FieldChange {
                old: Value::Null,
                new: json!("line\u{1b}[31m"),
            },
        );
        diff.ports_added.push(port(8443, 443, Some("TCP")));
        diff.ports_removed.push(port(8081, 22, Some("\u{1b}x")));
        diff.ports_removed.push(EndpointServicePort {
            client_port: None,
            server_port: Some(1),
            protocol: Some(OpenEnum::Known(Protocol::Udp)),
        });
        assert_eq!(
            diff.to_string(),
            "description  (none) -> \"line\\u001b[31m\"\n\
             ports        + 8443:443/TCP\n\
             \x20            - 8081:22/\"\\u001bx\"\n\
             \x20            - ?:1/UDP\n"
        );
        let record = |text: &str| text.parse::<WhitelistEntry>().unwrap();
        let mut records = Diff::default();
        records.whitelist_added.push(record("*"));
        records.whitelist_removed.push(record("abc"));
        records.whitelist_removed.push(record("iam:domain::def"));
        assert!(!records.is_empty());
        assert_eq!(
            records.to_string(),
            "whitelist  + *\n\
             \x20          - iam:domain::abc\n\
             \x20          - iam:domain::def\n"
        );
        let json = serde_json::to_value(&records).unwrap();
        assert_eq!(
            json["whitelist_removed"],
            json!(["iam:domain::abc", "iam:domain::def"])
        );
        // Without records, the JSON of a service's diff is as it was.
        assert!(
            serde_json::to_value(&diff)
                .unwrap()
                .get("whitelist_added")
                .is_none()
        );
    }
}
