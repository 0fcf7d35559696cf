//! The connections of a service and their approval (`GET .../connections` and
//! `POST .../connections/action`): the checks of the list's query and of an accept or a
//! reject, as the pages "Querying Connections of a VPC Endpoint Service" and "Accepting or
//! Rejecting a VPC Endpoint" and the error code table say, and what an action does to a
//! connection's status. A connection is the owner's view of a consumer's VPC endpoint: one
//! record in the state serves both sides, so an accept or a reject shows on both at once.
//!
//! Where the reference is silent, the emulator chooses (and a test pins the choice):
//!
//! - `receive` accepts a `pendingAcceptance` or `rejected` endpoint; an endpoint already
//!   `accepted` is refused with `EndPoint.2014` ("The endpoint has been connected to the
//!   endpoint service. Connected. You do not need to connect again.");
//! - `reject` rejects a `pendingAcceptance` or `accepted` endpoint; rejecting one already
//!   `rejected` changes nothing and answers it;
//! - an endpoint `creating` is `EndPoint.2019`, one `deleting` `EndPoint.2018`;
//! - an `action` other than `receive` or `reject` (or none) is `EndPoint.2027` (the invalid
//!   action of the endpoints' range of codes); `endpoints` missing or not a list is
//!   `EndPoint.0002`, with other than exactly one ID `EndPoint.2031`, an ID that is not a
//!   UUID `EndPoint.2017`; an endpoint that does not connect to this service (or does not
//!   exist) `EndPoint.2013`; a field the page does not list `EndPoint.0002`;
//! - the list's `id` must be a UUID (`EndPoint.2017`), `marker_id` a decimal integer
//!   (`EndPoint.0021`), `status` one of `pendingAcceptance`, `accepted`, `rejected` and
//!   `failed` (`EndPoint.0019`); paging as every list ([`paging`](super::paging));
//! - a connection's `description` is its endpoint's; its `domain_id` the endpoint's account's.

use serde_json::Value;
use uuid::Uuid;

use super::{
    errors::{Code, Failure},
    paging::{self, Paging},
    query::Parameters,
    spec_limits,
    validate::{object, strict_uuid},
};
use crate::{
    OpenEnum,
    types::{ConnectionStatusFilter, EndpointStatus},
};

/// The fields the page lists.
const FIELDS: [&str; 2] = ["action", "endpoints"];
/// The sort keys of the list, the default first.
const SORT_KEYS: [&str; 2] = ["created_at", "updated_at"];

/// What the owner does with a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Accept,
    Reject,
}

/// A checked accept or reject: what, and of which endpoint.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Action {
    pub(crate) decision: Decision,
    pub(crate) endpoint: Uuid,
}

/// Checks the body of an accept or a reject.
pub(crate) fn body(bytes: &[u8]) -> Result<Action, Failure> {
    let fields = object(bytes)?;
    if let Some(name) = fields.keys().find(|name| !FIELDS.contains(&name.as_str())) {
        return Err(Failure::new(
            Code::ParameterError,
            format!("{name:?} is not a field of a connection action"),
        ));
    }
    let decision = match fields.get("action").and_then(Value::as_str) {
        Some("receive") => Decision::Accept,
        Some("reject") => Decision::Reject,
        _ => {
            let given = fields
                .get("action")
                .map_or("none".to_owned(), Value::to_string);
            return Err(Failure::new(
                Code::InvalidConnectionAction,
                format!("action {given} is not receive or reject"),
            ));
        }
    };
    let Some(Value::Array(endpoints)) = fields.get("endpoints") else {
        return Err(Failure::new(
            Code::ParameterError,
            "endpoints must be a list of one VPC endpoint ID",
        ));
    };
    let [endpoint] = endpoints.as_slice() else {
        return Err(Failure::new(
            Code::OnlyOneEndpoint,
            format!(
                "endpoints lists {} IDs; a request takes exactly one",
                endpoints.len()
            ),
        ));
    };
    let endpoint = endpoint.as_str().and_then(strict_uuid).ok_or_else(|| {
        Failure::new(
            Code::InvalidEndpointId,
            format!("endpoints[0] {endpoint} is not a UUID"),
        )
    })?;
    Ok(Action { decision, endpoint })
}

/// The status a connection in `status` has after `decision`, or the documented refusal.
pub(crate) fn decided(
    status: &OpenEnum<EndpointStatus>,
    decision: Decision,
) -> Result<EndpointStatus, Failure> {
    use EndpointStatus::{Accepted, Creating, Deleting, PendingAcceptance, Rejected};
    let OpenEnum::Known(status) = status else {
        return Err(Failure::new(
            Code::SystemError,
            format!("the endpoint's status {status} is not a documented one"),
        ));
    };
    match (status, decision) {
        (Creating, _) => Err(Failure::new(Code::EndpointCreating, "")),
        (Deleting, _) => Err(Failure::new(Code::EndpointDeleting, "")),
        (Accepted, Decision::Accept) => Err(Failure::new(
            Code::AlreadyConnected,
            "the endpoint is accepted already",
        )),
        (PendingAcceptance | Rejected, Decision::Accept) => Ok(Accepted),
        (PendingAcceptance | Accepted | Rejected, Decision::Reject) => Ok(Rejected),
        (EndpointStatus::Failed, _) => Err(Failure::new(
            Code::EndpointCreating,
            "the endpoint failed to be created",
        )),
    }
}

/// A checked list query of a service's connections.
#[derive(Debug, PartialEq)]
pub(crate) struct ListQuery {
    id: Option<Uuid>,
    marker_id: Option<i64>,
    status: Option<ConnectionStatusFilter>,
    pub(crate) paging: Paging,
}

/// Checks the query string of the list of connections.
pub(crate) fn parse(raw: Option<&str>) -> Result<ListQuery, Failure> {
    let parameters = Parameters::parse(raw)?;
    let id = parameters
        .once("id", Code::InvalidEndpointId)?
        .map(|text| {
            strict_uuid(text).ok_or_else(|| {
                Failure::new(
                    Code::InvalidEndpointId,
                    format!("id {text:?} is not a UUID"),
                )
            })
        })
        .transpose()?;
    let marker_id = parameters
        .once("marker_id", Code::InvalidMarkerId)?
        .map(|text| {
            super::query::number(text)
                .and_then(|n| i64::try_from(n).ok())
                .ok_or_else(|| {
                    Failure::new(
                        Code::InvalidMarkerId,
                        format!("marker_id {text:?} is not an integer of 0 or more"),
                    )
                })
        })
        .transpose()?;
    let status = parameters
        .once("status", Code::InvalidStatus)?
        .map(|text| {
            ConnectionStatusFilter::try_from(text).map_err(|_| {
                Failure::new(
                    Code::InvalidStatus,
                    format!(
                        "status {text:?} is not one of {}",
                        ConnectionStatusFilter::VALUES.join(", ")
                    ),
                )
            })
        })
        .transpose()?;
    let max = spec_limits::query_maximum(crate::spec::LIST_CONNECTIONS.path, "limit");
    let paging = paging::parse(&parameters, &SORT_KEYS, max)?;
    Ok(ListQuery {
        id,
        marker_id,
        status,
        paging,
    })
}

impl ListQuery {
    /// Whether a connection (its endpoint's ID, marker and status) matches the filters.
    pub(crate) fn matches(
        &self,
        id: &str,
        marker_id: Option<i64>,
        status: Option<&OpenEnum<EndpointStatus>>,
    ) -> bool {
        self.id
            .is_none_or(|wanted| id.eq_ignore_ascii_case(&wanted.to_string()))
            && self
                .marker_id
                .is_none_or(|wanted| marker_id == Some(wanted))
            && self
                .status
                .is_none_or(|wanted| status.is_some_and(|s| s.to_string() == wanted.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENDPOINT: &str = "705290f3-0d00-41f2-aedc-71f09844e879";

    fn code_of(body: &str) -> String {
        match super::body(body.as_bytes()) {
            Ok(_) => "ok".to_owned(),
            Err(failure) => failure.code,
        }
    }

    #[test]
    fn each_rule_answers_its_code() {
        let cases = [
            (
                format!(r#"{{"action":"receive","endpoints":["{ENDPOINT}"]}}"#),
                "ok",
            ),
            (
                format!(r#"{{"action":"reject","endpoints":["{ENDPOINT}"]}}"#),
                "ok",
            ),
            (
                format!(r#"{{"action":"accept","endpoints":["{ENDPOINT}"]}}"#),
                "EndPoint.2027",
            ),
            (
                format!(r#"{{"endpoints":["{ENDPOINT}"]}}"#),
                "EndPoint.2027",
            ),
            (
                r#"{"action":"receive","endpoints":[]}"#.to_owned(),
                "EndPoint.2031",
            ),
            (
                format!(r#"{{"action":"receive","endpoints":["{ENDPOINT}","{ENDPOINT}"]}}"#),
                "EndPoint.2031",
            ),
            (
                r#"{"action":"receive","endpoints":["x"]}"#.to_owned(),
                "EndPoint.2017",
            ),
            (r#"{"action":"receive"}"#.to_owned(), "EndPoint.0002"),
            (
                format!(r#"{{"action":"receive","endpoints":["{ENDPOINT}"],"x":1}}"#),
                "EndPoint.0002",
            ),
        ];
        for (body, expected) in &cases {
            assert_eq!(code_of(body), *expected, "{body}");
        }
    }

    #[test]
    fn an_action_moves_the_status_or_answers_its_code() {
        use EndpointStatus::*;
        let after =
            |status, decision| decided(&OpenEnum::Known(status), decision).map_err(|f| f.code);
        assert_eq!(after(PendingAcceptance, Decision::Accept), Ok(Accepted));
        assert_eq!(after(Rejected, Decision::Accept), Ok(Accepted));
        assert_eq!(
            after(Accepted, Decision::Accept),
            Err("EndPoint.2014".to_owned())
        );
        assert_eq!(after(PendingAcceptance, Decision::Reject), Ok(Rejected));
        assert_eq!(after(Accepted, Decision::Reject), Ok(Rejected));
        assert_eq!(after(Rejected, Decision::Reject), Ok(Rejected));
        assert_eq!(
            after(Creating, Decision::Accept),
            Err("EndPoint.2019".to_owned())
        );
        assert_eq!(
            after(Deleting, Decision::Reject),
            Err("EndPoint.2018".to_owned())
        );
    }

    #[test]
    fn the_list_query_answers_its_codes() {
        for (query, expected) in [
            ("", "ok"),
            (
                "status=pendingAcceptance&marker_id=16777510&limit=1000",
                "ok",
            ),
            ("status=creating", "EndPoint.0019"),
            ("status=PendingAcceptance", "EndPoint.0019"),
            ("marker_id=x", "EndPoint.0021"),
            ("marker_id=-1", "EndPoint.0021"),
            ("id=x", "EndPoint.2017"),
            ("limit=1001", "EndPoint.0006"),
            ("offset=x", "EndPoint.0010"),
            ("sort_key=x", "EndPoint.0017"),
            ("sort_dir=x", "EndPoint.0018"),
        ] {
            let code = parse(Some(query)).map_or_else(|f| f.code, |_| "ok".to_owned());
            assert_eq!(code, expected, "{query}");
        }
    }
}
