//! A service's whitelist (`GET` and `POST .../vpc-endpoint-services/{id}/permissions[/action]`):
//! the records, the checks of an add or a remove and of the list's query, as the pages
//! "Querying Whitelist Records of a VPC Endpoint Service" and "Batch Adding or Deleting
//! Whitelist Records" and the error code table say, and who a whitelist lets connect.
//!
//! Where the reference is silent, the emulator chooses (and a test pins the choice):
//!
//! - **the owner's own domain is whitelisted implicitly**: "Your account ID is in the
//!   whitelist of your own VPC endpoint service by default" is read as a right, not a record.
//!   The owner's domain may always connect, and it is not listed; added explicitly, it is an
//!   ordinary record (listed, removable), and removing it takes nothing away;
//! - a record is `iam:domain::{domain_id}` (the domain ID 1 to 64 letters, digits and `*`) or
//!   `*`; `iam:domain::*` and `*` are one record, kept and answered as `*` (the list's
//!   example); anything else is `EndPoint.3002`, naming the record;
//! - a domain ID in a record is compared as written (IDs are lower-case hexadecimal), and a
//!   `*` inside a domain ID is a literal character, not a wildcard: only the record `*` lets
//!   every account connect;
//! - an add of a record already in the whitelist, or twice in one request, keeps one record
//!   (its first `created_at`); a remove of a record that is not there is no error;
//! - a batch is at most 50 records (the spec's `maxItems`, the limit Huawei Cloud documents
//!   for its whitelist batches), else `EndPoint.0016`; an empty or missing list is
//!   `EndPoint.3036`; an `action` other than `add` or `remove` (or none) `EndPoint.3035`; a
//!   field the page does not list, or `permissions` that is not a list, `EndPoint.0002`;
//! - a whitelist holds at most [`DEFAULT_MAX_WHITELIST_RECORDS`] records unless configured
//!   ([`EmulatorBuilder::max_whitelist_records`](super::EmulatorBuilder::max_whitelist_records)):
//!   an add past it is refused whole with `EndPoint.3049` (the code of the services' range;
//!   `EndPoint.2045`, its twin, is a VPC endpoint's own whitelist's);
//! - the answer of an add or a remove lists the request's records, in their normal form;
//! - the list's `permission` filter matches, case-insensitively, any part of a record as
//!   answered (so `*` finds the record `*`, and a part of a domain ID finds its record); its
//!   only `sort_key` is `created_at`; records of the same time are ordered by their ID.

use std::sync::LazyLock;

use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    errors::{Code, Failure},
    paging::{self, Paging, sort_time},
    query::Parameters,
    spec_limits,
    validate::object,
};
use crate::{
    OpenEnum,
    types::{Permission, PermissionType},
};

/// The most records a whitelist holds unless configured otherwise (the provider documents a
/// most, `EndPoint.3049`, not its number).
pub const DEFAULT_MAX_WHITELIST_RECORDS: usize = 2000;
/// The fixed prefix of a domain's record.
const PREFIX: &str = "iam:domain::";
/// The record that lets every account connect, as kept and answered.
pub(crate) const EVERYONE: &str = "*";
/// The longest domain ID in a record.
const MAX_DOMAIN_CHARS: usize = 64;
/// The fields the page lists.
const FIELDS: [&str; 2] = ["permissions", "action"];
/// The sort keys of the list.
const SORT_KEYS: [&str; 1] = ["created_at"];

/// The most records one add or remove may carry: the spec's `maxItems`.
static MAX_BATCH: LazyLock<usize> = LazyLock::new(|| {
    spec_limits::number(
        "/components/schemas/PermissionActionRequest/properties/permissions/maxItems",
    )
});
/// The most records on a page of the list: the spec's `maximum` of its `limit`.
static MAX_LIMIT: LazyLock<usize> =
    LazyLock::new(|| spec_limits::query_maximum(crate::spec::LIST_PERMISSIONS.path, "limit"));

/// One whitelist record, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) id: Uuid,
    /// The record in its normal form: `*` or `iam:domain::{domain_id}`.
    pub(crate) permission: String,
    pub(crate) created_at: String,
}

impl Record {
    /// The record as the list answers it.
    pub(crate) fn answered(&self) -> Permission {
        Permission {
            id: self.id.to_string(),
            permission: Some(self.permission.clone()),
            description: Some(String::new()),
            permission_type: Some(OpenEnum::Known(PermissionType::DomainId)),
            created_at: Some(self.created_at.clone()),
        }
    }
}

/// What an add or a remove does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Add,
    Remove,
}

/// A checked add or remove: the action and its records, in their normal form, in the
/// request's order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) action: Action,
    pub(crate) records: Vec<String>,
}

/// The normal form of a record, or `None` when it is not one.
pub(crate) fn normal_form(record: &str) -> Option<String> {
    if record == EVERYONE {
        return Some(EVERYONE.to_owned());
    }
    let domain = record.strip_prefix(PREFIX)?;
    let valid = (1..=MAX_DOMAIN_CHARS).contains(&domain.len())
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'*');
    match domain {
        _ if !valid => None,
        EVERYONE => Some(EVERYONE.to_owned()),
        _ => Some(record.to_owned()),
    }
}

/// The record of a domain.
pub(crate) fn record_of(domain_id: &str) -> String {
    format!("{PREFIX}{domain_id}")
}

/// Whether `records` let `domain_id` connect (the owner's own domain aside, which always may).
pub(crate) fn lets_in(records: &[Record], domain_id: &str) -> bool {
    let own = record_of(domain_id);
    records
        .iter()
        .any(|r| r.permission == EVERYONE || r.permission == own)
}

/// Checks the body of an add or a remove.
pub(crate) fn body(bytes: &[u8]) -> Result<Change, Failure> {
    let fields = object(bytes)?;
    if let Some(name) = fields.keys().find(|name| !FIELDS.contains(&name.as_str())) {
        return Err(Failure::new(
            Code::ParameterError,
            format!("{name:?} is not a field of a whitelist action"),
        ));
    }
    let action = match fields.get("action") {
        Some(Value::String(a)) if a == "add" => Action::Add,
        Some(Value::String(a)) if a == "remove" => Action::Remove,
        Some(other) => {
            return Err(Failure::new(
                Code::InvalidAction,
                format!("action {other} is not add or remove"),
            ));
        }
        None => return Err(Failure::new(Code::InvalidAction, "action is missing")),
    };
    let records = records(&fields)?;
    Ok(Change { action, records })
}

/// The checked records of a body.
fn records(fields: &Map<String, Value>) -> Result<Vec<String>, Failure> {
    let items = match fields.get("permissions") {
        None => {
            return Err(Failure::new(
                Code::PermissionsEmpty,
                "permissions is missing",
            ));
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Failure::new(
                Code::ParameterError,
                format!("permissions must be a list of records, not {other}"),
            ));
        }
    };
    if items.is_empty() {
        return Err(Failure::new(Code::PermissionsEmpty, "permissions is empty"));
    }
    let max = *MAX_BATCH;
    if items.len() > max {
        return Err(Failure::new(
            Code::BatchTooLarge,
            format!(
                "{} records; at most {max} are allowed a request",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str().and_then(normal_form).ok_or_else(|| {
                Failure::new(
                    Code::InvalidPermission,
                    format!(
                        "permissions[{i}] {item} is not iam:domain::{{domain_id}} (1 to {MAX_DOMAIN_CHARS} letters, digits and *) or *"
                    ),
                )
            })
        })
        .collect()
}

/// Records given by a test's helper, each in its normal form, or `EndPoint.3002` naming the
/// first that is not a record.
pub(crate) fn records_of(
    records: impl IntoIterator<Item = impl AsRef<str>>,
) -> Result<Vec<String>, Failure> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            let record = record.as_ref();
            normal_form(record).ok_or_else(|| {
                Failure::new(
                    Code::InvalidPermission,
                    format!("records[{i}] {record:?} is not iam:domain::{{domain_id}} or *"),
                )
            })
        })
        .collect()
}

/// A checked list query: the fuzzy filter (lower case) and the page.
#[derive(Debug, PartialEq)]
pub(crate) struct ListQuery {
    permission: Option<String>,
    paging: Paging,
}

/// Checks the query string of the list.
pub(crate) fn parse(raw: Option<&str>) -> Result<ListQuery, Failure> {
    let parameters = Parameters::parse(raw)?;
    let permission = parameters
        .once("permission", Code::ParameterError)?
        .map(str::to_lowercase);
    let paging = paging::parse(&parameters, &SORT_KEYS, *MAX_LIMIT)?;
    Ok(ListQuery { permission, paging })
}

/// The page `query` asks for of `records`, as answered, and how many match in all.
pub(crate) fn page(records: &[Record], query: &ListQuery) -> (Vec<Permission>, usize) {
    let matching = records
        .iter()
        .filter(|r| {
            query
                .permission
                .as_ref()
                .is_none_or(|p| r.permission.to_lowercase().contains(p.as_str()))
        })
        .map(|r| ((sort_time(Some(&r.created_at)), r.id), r))
        .collect();
    let (page, total) = paging::page(matching, query.paging);
    (page.iter().map(Record::answered).collect(), total)
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
    fn each_rule_answers_its_code() {
        let many: Vec<String> = (0..=*MAX_BATCH)
            .map(|i| format!("\"iam:domain::d{i}\""))
            .collect();
        let cases = [
            (
                r#"{"action":"add","permissions":["iam:domain::abc"]}"#,
                "ok",
            ),
            (r#"{"action":"remove","permissions":["*"]}"#, "ok"),
            (r#"{"action":"add","permissions":["iam:domain::*"]}"#, "ok"),
            (r#"{"action":"grant","permissions":["*"]}"#, "EndPoint.3035"),
            (r#"{"permissions":["*"]}"#, "EndPoint.3035"),
            (r#"{"action":"add","permissions":[]}"#, "EndPoint.3036"),
            (r#"{"action":"add"}"#, "EndPoint.3036"),
            (r#"{"action":"add","permissions":"*"}"#, "EndPoint.0002"),
            (r#"{"action":"add","permissions":["abc"]}"#, "EndPoint.3002"),
            (
                r#"{"action":"add","permissions":["iam:domain::"]}"#,
                "EndPoint.3002",
            ),
            (
                r#"{"action":"add","permissions":["iam:domain::a-b"]}"#,
                "EndPoint.3002",
            ),
            (r#"{"action":"add","permissions":[1]}"#, "EndPoint.3002"),
            (
                r#"{"action":"add","permissions":["*"],"x":1}"#,
                "EndPoint.0002",
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(code_of(body), expected, "{body}");
        }
        let batch = format!(r#"{{"action":"add","permissions":[{}]}}"#, many.join(","));
        assert_eq!(code_of(&batch), "EndPoint.0016");
        let full = format!(
            r#"{{"action":"add","permissions":[{}]}}"#,
            many[1..].join(",")
        );
        assert_eq!(code_of(&full), "ok");
        let long = format!("iam:domain::{}", "a".repeat(65));
        assert_eq!(normal_form(&long), None);
        assert_eq!(normal_form("iam:domain::*").as_deref(), Some("*"));
        assert_eq!(*MAX_BATCH, 50);
        assert_eq!(*MAX_LIMIT, 500);
    }

    #[test]
    fn everyone_or_the_domain_lets_in() {
        let record = |permission: &str| Record {
            id: Uuid::nil(),
            permission: permission.to_owned(),
            created_at: String::new(),
        };
        assert!(lets_in(&[record("iam:domain::abc")], "abc"));
        assert!(!lets_in(&[record("iam:domain::abc")], "abd"));
        assert!(!lets_in(&[record("iam:domain::ab*")], "abc"));
        assert!(lets_in(&[record("*")], "anyone"));
        assert!(!lets_in(&[], "abc"));
    }
}
