//! Checks of the documented constraints, made before any I/O, that report every violation.
//!
//! The rules on single values live in the spec: the generated types ([`ServiceName`],
//! [`ServiceDescription`], [`ProjectId`], `NonZeroU16` ports, `Uuid`s) cannot hold a bad value,
//! so a check here is a conversion into them. Only the rules that span values (the number of
//! mappings, duplicates) are written out here.

use std::{collections::HashMap, fmt, num::NonZeroU16};

use uuid::Uuid;

use crate::types::{PortMapping, ProjectId, Protocol, ServiceDescription, ServiceName};

/// The most port mappings one request may carry.
pub const MAX_PORT_MAPPINGS: usize = 200;

/// One broken rule: the field, by its path in the request, and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The field's path, for example `ports[3].client_port`.
    pub field: String,
    /// What is wrong, for example `0 is not in 1..=65535`.
    pub rule: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.rule)
    }
}

/// Every rule a request or a client configuration broke, in the order of the fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// The violations, one per broken rule.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// The number of violations.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no rule is broken.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn push(&mut self, field: impl Into<String>, rule: impl Into<String>) {
        self.0.push(Violation {
            field: field.into(),
            rule: rule.into(),
        });
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, violation) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            violation.fmt(f)?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A value as a violation shows it: quoted, escaped, and cut after 40 characters.
fn shown(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}...", &value[..end]),
        None => format!("{value:?}"),
    }
}

impl Violations {
    /// Converts `value` into a generated, constrained type, or records `rule` for `field`.
    fn convert<'v, T: TryFrom<&'v str>>(
        &mut self,
        field: &str,
        value: &'v str,
        rule: &str,
    ) -> Option<T> {
        T::try_from(value)
            .map_err(|_| self.push(field, format!("{} {rule}", shown(value))))
            .ok()
    }

    pub(crate) fn project_id(&mut self, value: &str) -> Option<ProjectId> {
        self.convert(
            "project_id",
            value,
            "is not 1 to 64 of letters, digits, '_' and '-'",
        )
    }

    pub(crate) fn uuid(&mut self, field: &str, value: &str) -> Option<Uuid> {
        self.convert(field, value, "is not a UUID")
    }

    pub(crate) fn service_name(&mut self, value: &str) -> Option<ServiceName> {
        self.convert(
            "service_name",
            value,
            "is not 1 to 16 of letters, digits, '_' and '-'",
        )
    }

    pub(crate) fn description(&mut self, value: &str) -> Option<ServiceDescription> {
        self.convert(
            "description",
            value,
            "is not at most 128 characters without '<' and '>'",
        )
    }

    /// Checks a list of port mappings: the number of mappings, each port, and that no two
    /// mappings share a client port and protocol (which also rules out duplicate mappings).
    /// Linear in the number of mappings. An entry that is `None` was malformed in a JSON body;
    /// its violation is already recorded, and it keeps its place so that indices stay right.
    pub(crate) fn ports(&mut self, ports: &[Option<PortEntry>]) -> Vec<PortMapping> {
        if ports.is_empty() {
            self.push(
                "ports",
                "is empty; at least 1 mapping is required (leave ports out to keep the current ones)",
            );
        }
        if ports.len() > MAX_PORT_MAPPINGS {
            self.push(
                "ports",
                format!(
                    "has {} mappings; at most {MAX_PORT_MAPPINGS} are allowed",
                    ports.len()
                ),
            );
        }
        let mut first_use: HashMap<(i64, Protocol), usize> = HashMap::with_capacity(ports.len());
        let mut mappings = Vec::with_capacity(ports.len());
        for (i, entry) in ports.iter().enumerate() {
            let Some((client, server, protocol)) = *entry else {
                continue;
            };
            let client_port = self.port(|| format!("ports[{i}].client_port"), client);
            let server_port = self.port(|| format!("ports[{i}].server_port"), server);
            if let Some(&j) = first_use.get(&(client, protocol)) {
                let first_server = ports[j].map(|(_, server, _)| server);
                let rule = if first_server == Some(server) {
                    format!("duplicates ports[{j}] ({client}:{server}/{protocol})")
                } else {
                    format!("client port {client}/{protocol} is already mapped by ports[{j}]")
                };
                self.push(format!("ports[{i}]"), rule);
            } else {
                first_use.insert((client, protocol), i);
            }
            if let (Some(client_port), Some(server_port)) = (client_port, server_port) {
                mappings.push(PortMapping {
                    client_port,
                    server_port,
                    protocol: Some(protocol),
                });
            }
        }
        mappings
    }

    /// Checks one port number; `field` names it, built only for a violation.
    pub(crate) fn port(&mut self, field: impl FnOnce() -> String, port: i64) -> Option<NonZeroU16> {
        let checked = u16::try_from(port).ok().and_then(NonZeroU16::new);
        if checked.is_none() {
            self.push(field(), format!("{port} is not in 1..=65535"));
        }
        checked
    }
}

/// A port mapping as given, before its checks: `(client_port, server_port, protocol)`.
pub(crate) type PortEntry = (i64, i64, Protocol);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_cuts_long_values_on_a_char_boundary() {
        let long = "é".repeat(50);
        assert_eq!(shown(&long), format!("{:?}...", "é".repeat(40)));
        assert_eq!(shown("a\"b"), r#""a\"b""#);
    }

    #[test]
    fn violations_display_joins_every_violation() {
        let mut v = Violations::default();
        v.push("a", "rule one");
        v.push("b[1].c", "rule two");
        assert_eq!(v.to_string(), "a: rule one; b[1].c: rule two");
        assert_eq!(v.len(), 2);
    }
}
