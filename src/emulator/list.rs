//! The list of a project's services (`GET /v1/{project_id}/vpc-endpoint-services`): its query
//! parameters, checked as the API reference page "Querying VPC Endpoint Services" and the
//! error code table say, and one page of the matching services.
//!
//! A page is built from references into the state: the matching services are filtered and
//! sorted by reference, and only the page's services are copied (so a list of 10 of 10,000
//! services copies 10). Sorting is `O(n log n)` in the project's services.
//!
//! Where the reference is silent, the emulator chooses (and a test pins the choice):
//!
//! - services with the same time are ordered by ID, in the same direction as the time, so the
//!   order is total and the pages of an unchanged list never repeat or skip a service;
//! - a time is read as `YYYY-MM-DDTHH:MM:SS` with optional fractions of a second, in UTC
//!   (the zone designator is not looked at); a service without a time, or with one in any
//!   other form, sorts as the oldest; a service never updated (no `updated_at`) sorts by
//!   its `created_at` under `sort_key=updated_at`;
//! - `endpoint_service_name` matches, case-insensitively, any part of the name as the API
//!   answers it (`{region}.{name}.{id}`, or `{region}.{id}` without a name), so `web` finds
//!   `web2` and `eu-de.web`; it is at most 128 characters (the spec's limit), else
//!   `EndPoint.0002`; an empty one matches every service;
//! - `id` must be a UUID (else `EndPoint.3062`, invalid endpoint service ID);
//! - `status`, `sort_key` and `sort_dir` take exactly the documented values (lower case);
//! - `limit` 0 answers no service (only `total_count`); an `offset` at or past the number of
//!   matching services answers an empty page (not an error, though the page says the offset
//!   is "less than the number of VPC endpoint services");
//! - `offset` is at most 2147483647 (the spec's `int32`), else `EndPoint.0010`;
//! - a parameter given twice, or not UTF-8 once decoded, is refused (`EndPoint.0002`, or the
//!   parameter's own code); parameters the page does not list are ignored.

use std::{cmp::Ordering, fmt::Write};

use uuid::Uuid;

use super::{
    errors::{Code, Failure},
    query::{self, Parameters},
    shared::decorated_name,
    state::Store,
    validate::strict_uuid,
};
use crate::{
    OpenEnum,
    types::{EndpointService, ServiceStatus},
};

/// The default number of services on a page.
pub(crate) const DEFAULT_LIMIT: usize = 10;
/// The most services on a page.
pub(crate) const MAX_LIMIT: usize = 1000;
/// The largest `offset`: the spec's `int32`.
const MAX_OFFSET: usize = i32::MAX as usize;
/// The longest `endpoint_service_name` filter, in characters (the spec's limit).
const MAX_NAME_FILTER_CHARS: usize = 128;

/// What to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortKey {
    CreatedAt,
    UpdatedAt,
}

/// A checked list query.
#[derive(Debug, PartialEq)]
pub(crate) struct ListQuery {
    /// The name filter, in lower case.
    name: Option<String>,
    id: Option<Uuid>,
    status: Option<ServiceStatus>,
    sort_key: SortKey,
    descending: bool,
    limit: usize,
    offset: usize,
}

/// Checks the query string of a list request.
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
    let id = parameters
        .once("id", Code::InvalidServiceId)?
        .map(|id| {
            strict_uuid(id).ok_or_else(|| {
                Failure::new(Code::InvalidServiceId, format!("id {id:?} is not a UUID"))
            })
        })
        .transpose()?;
    let status = parameters
        .once("status", Code::InvalidStatus)?
        .map(|status| {
            ServiceStatus::try_from(status).map_err(|_| {
                Failure::new(
                    Code::InvalidStatus,
                    format!(
                        "status {status:?} is not one of {}",
                        ServiceStatus::VALUES.join(", ")
                    ),
                )
            })
        })
        .transpose()?;
    let sort_key = match parameters.once("sort_key", Code::InvalidSortKey)? {
        None | Some("created_at") => SortKey::CreatedAt,
        Some("updated_at") => SortKey::UpdatedAt,
        Some(other) => {
            return Err(Failure::new(
                Code::InvalidSortKey,
                format!("sort_key {other:?} is not created_at or updated_at"),
            ));
        }
    };
    let descending = match parameters.once("sort_dir", Code::InvalidSortDir)? {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => {
            return Err(Failure::new(
                Code::InvalidSortDir,
                format!("sort_dir {other:?} is not desc or asc"),
            ));
        }
    };
    let limit = match parameters.once("limit", Code::InvalidLimit)? {
        None => DEFAULT_LIMIT,
        Some(text) => query::number(text)
            .filter(|limit| *limit <= MAX_LIMIT)
            .ok_or_else(|| {
                Failure::new(
                    Code::InvalidLimit,
                    format!("limit {text:?} is not an integer from 0 to {MAX_LIMIT}"),
                )
            })?,
    };
    let offset = match parameters.once("offset", Code::InvalidOffset)? {
        None => 0,
        Some(text) => query::number(text)
            .filter(|offset| *offset <= MAX_OFFSET)
            .ok_or_else(|| {
                Failure::new(
                    Code::InvalidOffset,
                    format!("offset {text:?} is not an integer from 0 to {MAX_OFFSET}"),
                )
            })?,
    };
    Ok(ListQuery {
        name: name.map(str::to_lowercase),
        id,
        status,
        sort_key,
        descending,
        limit,
        offset,
    })
}

/// A sortable time: the fields of `YYYY-MM-DDTHH:MM:SS[.fraction]` as one number of seconds
/// (not since any epoch, but in the order of time) and nanoseconds; `None` for anything else.
fn sort_time(text: Option<&str>) -> Option<(u64, u32)> {
    let bytes = text?.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u64> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0u64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, c)| bytes.get(*at) != Some(c)) {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let seconds = ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 61 + second;
    let mut nanos = 0u32;
    if bytes.get(19) == Some(&b'.') {
        let fraction = bytes[20..].iter().take_while(|b| b.is_ascii_digit());
        let mut scale = 100_000_000u32;
        for digit in fraction {
            nanos += u32::from(digit - b'0') * scale;
            scale /= 10;
        }
    }
    Some((seconds, nanos))
}

/// What a service is sorted by: its time, then its ID.
type SortBy = (Option<(u64, u32)>, Uuid);

/// The sort key of a service under `key`.
fn key_of(service: &EndpointService, key: SortKey) -> Option<(u64, u32)> {
    let created = || sort_time(service.created_at.as_deref());
    match key {
        SortKey::CreatedAt => created(),
        SortKey::UpdatedAt => service
            .updated_at
            .as_deref()
            .map_or_else(created, |updated| sort_time(Some(updated))),
    }
}

/// Whether `service` matches the query's filters, its name decorated for `region` (`buffer`
/// holds the decorated name, reused from one service to the next).
fn matches(
    query: &ListQuery,
    region: &str,
    service: &EndpointService,
    buffer: &mut String,
) -> bool {
    if let Some(id) = query.id
        && !service.id.eq_ignore_ascii_case(&id.to_string())
    {
        return false;
    }
    if let Some(status) = query.status {
        let answered = service
            .status
            .clone()
            .unwrap_or(OpenEnum::Known(ServiceStatus::Available));
        if answered != status {
            return false;
        }
    }
    if let Some(name) = &query.name {
        buffer.clear();
        let decorated = decorated_name(region, service.service_name.as_deref(), &service.id);
        for c in decorated.chars().flat_map(char::to_lowercase) {
            let _ = buffer.write_char(c);
        }
        if !buffer.contains(name.as_str()) {
            return false;
        }
    }
    true
}

/// The page `query` asks for of the project's services (undecorated, as stored), and how many
/// services match in all.
pub(crate) fn page(
    store: &mut Store,
    project_id: &str,
    region: &str,
    query: &ListQuery,
) -> (Vec<EndpointService>, usize) {
    let mut buffer = String::new();
    let mut matching: Vec<(SortBy, &EndpointService)> = store
        .project(project_id)
        .filter(|service| matches(query, region, service, &mut buffer))
        .map(|service| {
            let id = Uuid::try_parse(&service.id).unwrap_or_default();
            ((key_of(service, query.sort_key), id), service)
        })
        .collect();
    let total = matching.len();
    let order = |a: &(SortBy, &EndpointService), b: &(SortBy, &EndpointService)| -> Ordering {
        let ordering = a.0.cmp(&b.0);
        if query.descending {
            ordering.reverse()
        } else {
            ordering
        }
    };
    matching.sort_unstable_by(order);
    let page = matching
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|(_, service)| service.clone())
        .collect();
    (page, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(query: &str) -> String {
        match parse(Some(query)) {
            Ok(_) => "ok".to_owned(),
            Err(failure) => failure.code,
        }
    }

    #[test]
    fn each_parameter_answers_its_code() {
        let cases = [
            ("", "ok"),
            ("limit=0&offset=0", "ok"),
            ("limit=1000", "ok"),
            ("limit=1001", "EndPoint.0006"),
            ("limit=-1", "EndPoint.0006"),
            ("limit=ten", "EndPoint.0006"),
            ("limit=", "EndPoint.0006"),
            ("limit=1.5", "EndPoint.0006"),
            ("limit=1&limit=2", "EndPoint.0006"),
            ("offset=5000000", "ok"),
            ("offset=2147483647", "ok"),
            ("offset=2147483648", "EndPoint.0010"),
            ("offset=-1", "EndPoint.0010"),
            ("offset=x", "EndPoint.0010"),
            ("sort_key=created_at&sort_key=updated_at", "EndPoint.0017"),
            ("sort_key=updated_at", "ok"),
            ("sort_key=name", "EndPoint.0017"),
            ("sort_dir=asc", "ok"),
            ("sort_dir=ASC", "EndPoint.0018"),
            ("status=deleting", "ok"),
            ("status=Available", "EndPoint.0019"),
            ("status=gone", "EndPoint.0019"),
            ("id=4189d3c2-8882-4871-a3c2-d380272eed88", "ok"),
            ("id=4189d3c2", "EndPoint.3062"),
            ("endpoint_service_name=web", "ok"),
            ("endpoint_service_name=", "ok"),
            (
                "endpoint_service_name=a&endpoint_service_name=b",
                "EndPoint.0002",
            ),
            ("unknown=1", "ok"),
            ("endpoint_service_name=%FF", "EndPoint.0002"),
        ];
        for (query, expected) in cases {
            assert_eq!(code_of(query), expected, "{query}");
        }
        let long = format!("endpoint_service_name={}", "é".repeat(128));
        assert_eq!(code_of(&long), "ok");
        let longer = format!("endpoint_service_name={}", "a".repeat(129));
        assert_eq!(code_of(&longer), "EndPoint.0002");
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let query = parse(None).unwrap();
        assert_eq!(
            (query.sort_key, query.descending, query.limit, query.offset),
            (SortKey::CreatedAt, true, 10, 0)
        );
        let decoded = parse(Some("endpoint_service_name=Web%20A+B")).unwrap();
        assert_eq!(decoded.name.as_deref(), Some("web a b"));
    }

    #[test]
    fn times_sort_in_the_order_of_time_whatever_their_form() {
        let t = |s: &str| sort_time(Some(s));
        assert!(t("2018-01-30T07:42:01.174") > t("2018-01-30T07:42:01Z"));
        assert!(t("2018-01-30T07:42:01.174") < t("2018-01-30T07:42:02Z"));
        assert!(t("2018-12-31T23:59:59Z") < t("2019-01-01T00:00:00Z"));
        assert!(t("2018-01-31T00:00:00Z") < t("2018-02-01T00:00:00Z"));
        assert_eq!(t("2018-01-30T07:42:01.5"), t("2018-01-30T07:42:01.500Z"));
        assert_eq!(t("yesterday"), None);
        assert_eq!(t("2018-01-30 07:42:01"), None);
        assert_eq!(sort_time(None), None);
        assert!(t("yesterday") < t("1970-01-01T00:00:00Z"));
    }
}
