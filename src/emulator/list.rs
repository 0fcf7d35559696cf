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
//! - paging, sorting and times as every list does ([`paging`](super::paging)); a service
//!   never updated (no `updated_at`) sorts by its `created_at` under `sort_key=updated_at`;
//! - `endpoint_service_name` matches, case-insensitively, any part of the name as the API
//!   answers it (`{region}.{name}.{id}`, or `{region}.{id}` without a name), so `web` finds
//!   `web2` and `eu-de.web`; it is at most 128 characters (the spec's limit), else
//!   `EndPoint.0002`; an empty one matches every service;
//! - `id` must be a UUID (else `EndPoint.3062`, invalid endpoint service ID);
//! - `status` takes exactly the documented values (lower case);
//! - a parameter given twice, or not UTF-8 once decoded, is refused (`EndPoint.0002`, or the
//!   parameter's own code); parameters the page does not list are ignored.

use std::fmt::Write;

use uuid::Uuid;

use super::{
    errors::{Code, Failure},
    paging::{self, Paging, sort_time},
    query::Parameters,
    shared::decorated_name,
    state::Store,
    validate::strict_uuid,
};
use crate::{
    OpenEnum,
    types::{EndpointService, ServiceStatus},
};

/// The most services on a page.
const MAX_LIMIT: usize = 1000;
/// The sort keys of the list, the default first.
const SORT_KEYS: [&str; 2] = ["created_at", "updated_at"];
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
    paging: Paging,
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
    let paging = paging::parse(&parameters, &SORT_KEYS, MAX_LIMIT)?;
    let sort_key = if paging.sort_key == 0 {
        SortKey::CreatedAt
    } else {
        SortKey::UpdatedAt
    };
    Ok(ListQuery {
        name: name.map(str::to_lowercase),
        id,
        status,
        sort_key,
        paging,
    })
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
    let matching: Vec<(SortBy, &EndpointService)> = store
        .project(project_id)
        .filter(|service| matches(query, region, service, &mut buffer))
        .map(|service| {
            let id = Uuid::try_parse(&service.id).unwrap_or_default();
            ((key_of(service, query.sort_key), id), service)
        })
        .collect();
    paging::page(matching, query.paging)
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
            (
                query.sort_key,
                query.paging.descending,
                query.paging.limit,
                query.paging.offset
            ),
            (SortKey::CreatedAt, true, paging::DEFAULT_LIMIT, 0)
        );
        let decoded = parse(Some("endpoint_service_name=Web%20A+B")).unwrap();
        assert_eq!(decoded.name.as_deref(), Some("web a b"));
    }
}
