//! [`Violations`]: every rule a request or a client configuration broke, and the checks that
//! the spec's schemas cannot state.
//!
//! The rules on single values and lists live in the spec and are checked by `schema`; the
//! generated types (`ServiceName`, `ProjectId`, `NonZeroU16` ports, `Uuid`s) cannot hold a bad
//! value either. The rule that spans the entries of a list (no two port mappings with the
//! same client port and protocol) is in `ports`.

use std::fmt;

use uuid::Uuid;

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

    /// Adds every violation of `other`, after these.
    pub(crate) fn extend(&mut self, other: Violations) {
        self.0.extend(other.0);
    }

    /// Forgets the violations of `field` and of what it holds (`field[i]...`, `field.x`).
    pub(crate) fn forget(&mut self, field: &str) {
        if self.0.is_empty() {
            return;
        }
        self.0.retain(|v| {
            let under = v.field.strip_prefix(field);
            !matches!(under, Some(rest) if rest.is_empty() || rest.starts_with(['.', '[']))
        });
    }

    /// Converts `value` into a UUID, or records that `field` is not one.
    pub(crate) fn uuid(&mut self, field: &str, value: &str) -> Option<Uuid> {
        let converted = Uuid::try_parse(value).ok();
        if converted.is_none() {
            self.push(field, format!("{} is not a UUID", shown(value)));
        }
        converted
    }
}

/// A string as a violation shows it: quoted, escaped, and cut after 40 characters.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}...", &value[..end]),
        None => format!("{value:?}"),
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

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn violations_display_joins_every_violation() {
        let mut v = Violations::default();
        v.push("a", "rule one");
        v.push("b[1].c", "rule two");
        assert_eq!(v.to_string(), "a: rule one; b[1].c: rule two");
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn forgetting_a_field_forgets_what_it_holds() {
        let mut v = Violations::default();
        for field in [
            "ports",
            "ports[0].client_port",
            "ports_extra",
            "port",
            "service_name",
        ] {
            v.push(field, "rule");
        }
        v.forget("ports");
        let left: Vec<&str> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(left, ["ports_extra", "port", "service_name"]);
    }
}
