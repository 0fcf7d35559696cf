//! [`WhitelistEntry`]: one record of a service's whitelist in one normal form, so that a bare
//! domain ID and `iam:domain::{domain_id}` are the same record, and `*` (every account) is
//! the same whether it is written with the prefix or, as the service answers it, without.

use std::{fmt, str::FromStr};

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::{spec::schema, spec::validation::Violations, types::PermissionEntry};

/// The fixed prefix of a whitelist record: `iam:domain::{domain_id}`.
const PREFIX: &str = "iam:domain::";
/// The domain ID that stands for every account.
const EVERYONE: &str = "*";
/// The spec's schema of a record as a request sends it (its pattern is the rule).
const SCHEMA: &str = "PermissionEntry";

/// One record of a VPC endpoint service's whitelist: an account (domain) whose VPC endpoints
/// may connect, or every account (`*`).
///
/// It is read from a bare domain ID (`6e9dfd51d1124e8d8498dce894923a0d`), the documented
/// form (`iam:domain::6e9dfd51d1124e8d8498dce894923a0d`) or `*` (also `iam:domain::*`), and
/// two spellings of one record are equal. A domain ID is checked against the spec's rule
/// (`PermissionEntry`: 1 to 64 letters, digits or `*`) before anything is sent. It is shown
/// as the service answers it: `iam:domain::{domain_id}`, or `*`; a request carries
/// `iam:domain::{domain_id}` (the documented form, also for `*`).
///
/// ```
/// use otc_vpcep::WhitelistEntry;
///
/// let bare: WhitelistEntry = "6e9dfd51d1124e8d8498dce894923a0d".parse()?;
/// let prefixed: WhitelistEntry = "iam:domain::6e9dfd51d1124e8d8498dce894923a0d".parse()?;
/// assert_eq!(bare, prefixed);
/// assert_eq!(bare.to_string(), "iam:domain::6e9dfd51d1124e8d8498dce894923a0d");
/// assert!("*".parse::<WhitelistEntry>()?.is_everyone());
/// assert!("not/an/id".parse::<WhitelistEntry>().is_err());
/// # Ok::<(), otc_vpcep::Violations>(())
/// ```
#[derive(Clone, Debug)]
pub struct WhitelistEntry {
    /// The record as a request carries it, always with the prefix: its normal form.
    request: PermissionEntry,
}

impl WhitelistEntry {
    /// The domain (account) ID, or `*` for every account.
    pub fn domain_id(&self) -> &str {
        self.request.strip_prefix(PREFIX).unwrap_or(&self.request)
    }

    /// Whether this record lets every account connect.
    pub fn is_everyone(&self) -> bool {
        self.domain_id() == EVERYONE
    }

    /// The record as a request carries it: `iam:domain::{domain_id}`.
    pub fn to_request(&self) -> PermissionEntry {
        self.request.clone()
    }

    /// `text` as a record, or the rule it breaks, named `field`.
    pub(crate) fn parse_named(text: &str, field: &str) -> Result<Self, Violations> {
        let request = format!("{PREFIX}{}", text.strip_prefix(PREFIX).unwrap_or(text));
        let mut v = Violations::default();
        schema::check(SCHEMA, field, &Value::String(request.clone()), &mut v);
        match PermissionEntry::from_str(&request) {
            Ok(request) if v.is_empty() => Ok(Self { request }),
            _ => {
                if v.is_empty() {
                    v.push(field, format!("{text:?} is not a whitelist record"));
                }
                Err(v)
            }
        }
    }
}

impl PartialEq for WhitelistEntry {
    fn eq(&self, other: &Self) -> bool {
        self.request.as_str() == other.request.as_str()
    }
}

impl Eq for WhitelistEntry {}

impl std::hash::Hash for WhitelistEntry {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.request.as_str().hash(state);
    }
}

impl PartialOrd for WhitelistEntry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WhitelistEntry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.request.as_str().cmp(other.request.as_str())
    }
}

impl FromStr for WhitelistEntry {
    type Err = Violations;

    /// A bare domain ID, `iam:domain::{domain_id}`, or `*`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse_named(text, "permission")
    }
}

impl fmt::Display for WhitelistEntry {
    /// As the service answers it: `iam:domain::{domain_id}`, or `*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_everyone() {
            f.write_str(EVERYONE)
        } else {
            f.write_str(&self.request)
        }
    }
}

impl Serialize for WhitelistEntry {
    /// As its [`Display`](fmt::Display).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_record_are_equal_and_shown_as_answered() {
        let id = "6e9dfd51d1124e8d8498dce894923a0d";
        let bare: WhitelistEntry = id.parse().unwrap();
        let prefixed: WhitelistEntry = format!("iam:domain::{id}").parse().unwrap();
        assert_eq!(bare, prefixed);
        assert_eq!(bare.domain_id(), id);
        assert_eq!(bare.to_string(), format!("iam:domain::{id}"));
        assert_eq!(&*bare.to_request(), &format!("iam:domain::{id}"));
        let all: WhitelistEntry = "*".parse().unwrap();
        assert_eq!(all, "iam:domain::*".parse().unwrap());
        assert!(all.is_everyone());
        assert_eq!(all.to_string(), "*");
        assert_eq!(&*all.to_request(), "iam:domain::*");
        assert_eq!(serde_json::to_value(&all).unwrap(), serde_json::json!("*"));
    }

    #[test]
    fn a_malformed_record_is_refused_with_the_spec_rule() {
        for bad in [
            "",
            "iam:domain::",
            "a-b",
            "iam:domain:x",
            &"a".repeat(65),
            "ab cd",
        ] {
            let error = bad.parse::<WhitelistEntry>().unwrap_err();
            let text = error.to_string();
            assert!(text.starts_with("permission: "), "{bad:?}: {text}");
        }
        assert!("a".repeat(64).parse::<WhitelistEntry>().is_ok());
    }
}
