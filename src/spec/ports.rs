//! Port mappings, in one place: the protocol's default (the spec's `default: TCP`, which the
//! generated `Protocol::default()` returns), the rule that no two mappings share a client port
//! and protocol, and the conversions between the request's [`PortMapping`] and the answer's
//! [`EndpointServicePort`].

use std::{collections::HashMap, fmt, hash::Hash};

use serde_json::Value;

use crate::{
    OpenEnum,
    spec::validation::Violations,
    types::{EndpointServicePort, PortMapping, Protocol},
};

/// The protocol of a request's mapping; the default when it is not given.
#[cfg(feature = "emulator")]
pub(crate) fn protocol_of(mapping: &PortMapping) -> Protocol {
    mapping.protocol.unwrap_or_default()
}

/// The protocol of an answered mapping; the default when it is not given.
#[cfg(feature = "emulator")]
pub(crate) fn answered_protocol(port: &EndpointServicePort) -> OpenEnum<Protocol> {
    port.protocol
        .clone()
        .unwrap_or(OpenEnum::Known(Protocol::default()))
}

/// An answered mapping's protocol as the service spells it; the default when it has none.
pub(crate) fn answered_protocol_text(port: &EndpointServicePort) -> String {
    port.protocol
        .as_ref()
        .map_or_else(|| Protocol::default().to_string(), ToString::to_string)
}

/// A mapping as the service answers it, from its ports and protocol.
pub(crate) fn answered(
    client_port: u16,
    server_port: u16,
    protocol: Protocol,
) -> EndpointServicePort {
    EndpointServicePort {
        client_port: Some(i32::from(client_port)),
        server_port: Some(i32::from(server_port)),
        protocol: Some(OpenEnum::Known(protocol)),
    }
}

/// A request's mapping as the service answers it, with its protocol spelled out.
#[cfg(feature = "emulator")]
pub(crate) fn answered_mapping(mapping: &PortMapping) -> EndpointServicePort {
    answered(
        mapping.client_port.get(),
        mapping.server_port.get(),
        protocol_of(mapping),
    )
}

/// A request's mapping in the answer's type, its protocol as given (none when left out).
pub(crate) fn as_given(mapping: &PortMapping) -> EndpointServicePort {
    EndpointServicePort {
        client_port: Some(i32::from(mapping.client_port.get())),
        server_port: Some(i32::from(mapping.server_port.get())),
        protocol: mapping.protocol.map(OpenEnum::Known),
    }
}

/// The rule of [`unique_json_port_mappings`] for a whole request body (its field `ports`).
pub(crate) fn unique_json_port_mappings_of_body(body: &Value, violations: &mut Violations) {
    unique_json_port_mappings(violations, body.get("ports"));
}

/// Checks that no two port mappings of a JSON body's `ports` (if it is a list) share a
/// client port and protocol (TCP when left out); see [`unique_port_mappings`].
/// Entries that are not mappings are left to the schema's check.
pub(crate) fn unique_json_port_mappings(violations: &mut Violations, ports: Option<&Value>) {
    let Some(Value::Array(entries)) = ports else {
        return;
    };
    let default = Protocol::default().to_string();
    unique_port_mappings(
        violations,
        entries.iter().map(|entry| {
            let client = entry.get("client_port").and_then(Value::as_i64)?;
            let server = entry.get("server_port").and_then(Value::as_i64);
            let protocol = match entry.get("protocol") {
                None => default.as_str(),
                Some(Value::String(protocol)) => protocol.as_str(),
                Some(_) => return None,
            };
            Some((client, server, protocol))
        }),
    );
}

/// Checks that no two port mappings, given as `(client_port, server_port, protocol)` in
/// their order (`None` for an entry to skip), share a client port and protocol, which also
/// rules out duplicate mappings. Linear in the number of mappings.
pub(crate) fn unique_port_mappings<P: Copy + Eq + Hash + fmt::Display>(
    violations: &mut Violations,
    entries: impl IntoIterator<Item = Option<(i64, Option<i64>, P)>>,
) {
    let entries = entries.into_iter();
    let mut first_use: HashMap<(i64, P), (usize, Option<i64>)> =
        HashMap::with_capacity(entries.size_hint().0);
    for (i, entry) in entries.enumerate() {
        let Some((client, server, protocol)) = entry else {
            continue;
        };
        match first_use.get(&(client, protocol)) {
            Some(&(j, first_server)) => {
                let rule = match (first_server, server) {
                    (Some(a), Some(b)) if a == b => {
                        format!("duplicates ports[{j}] ({client}:{b}/{protocol})")
                    }
                    _ => format!("client port {client}/{protocol} is already mapped by ports[{j}]"),
                };
                violations.push(format!("ports[{i}]"), rule);
            }
            None => {
                first_use.insert((client, protocol), (i, server));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_default_protocol_is_the_specs() {
        assert_eq!(Protocol::default(), Protocol::Tcp);
    }

    #[test]
    fn port_mappings_are_unique_by_client_port_and_protocol() {
        let mut v = Violations::default();
        unique_json_port_mappings(
            &mut v,
            Some(&json!([
                {"client_port": 80, "server_port": 8080},
                {"client_port": 80, "server_port": 8080, "protocol": "TCP"},
                {"client_port": 80, "server_port": 9090, "protocol": "TCP"},
                {"client_port": 80, "server_port": 9090, "protocol": "UDP"},
                {"client_port": "x"},
            ])),
        );
        assert_eq!(
            v.to_string(),
            "ports[1]: duplicates ports[0] (80:8080/TCP); \
             ports[2]: client port 80/TCP is already mapped by ports[0]"
        );
    }
}
