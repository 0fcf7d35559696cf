//! What the accept-or-reject call adds by hand to its generated builder
//! ([`AcceptOrRejectConnections`]): any number of VPC endpoints, one request each (the API
//! takes one a request), endpoints already where asked left alone, and the outcome of each
//! endpoint ([`EndpointOutcome`]).

use std::collections::HashMap;

use futures_util::StreamExt;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    AcceptOrRejectConnections, Client, Error, OpenEnum,
    operations::create::outcome_unknown,
    spec::validation::Violations,
    types::{Connection, ConnectionAction, ConnectionStatusFilter, EndpointStatus},
};

/// What became of one VPC endpoint of an accept or a reject
/// ([`AcceptOrRejectConnections::send`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct EndpointOutcome {
    /// The endpoint, as given.
    pub endpoint_id: String,
    /// What was done, or why it failed (this endpoint's failure alone).
    pub result: Result<ConnectionChange, Error>,
    /// The connection as the action answered it, or as read when nothing was sent (or when a
    /// read after a lost answer found the change made).
    pub connection: Option<Connection>,
}

/// What an accept or a reject did with one endpoint. It shows as `accepted`, `rejected`,
/// `already accepted`, `already rejected`, and serializes as `accepted`, `rejected`,
/// `already_accepted`, `already_rejected`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConnectionChange {
    /// Accepted by this call.
    Accepted,
    /// Rejected by this call.
    Rejected,
    /// Accepted already: nothing was sent.
    AlreadyAccepted,
    /// Rejected already: nothing was sent.
    AlreadyRejected,
}

impl std::fmt::Display for ConnectionChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::AlreadyAccepted => "already accepted",
            Self::AlreadyRejected => "already rejected",
        })
    }
}

impl EndpointOutcome {
    /// Whether the endpoint is where it was asked to be (changed now, or already).
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
}

impl Client {
    /// Starts the acceptance of the VPC endpoints `endpoints` (UUIDs, any number) by the VPC
    /// endpoint service `service_id`: see [`AcceptOrRejectConnections::send`].
    ///
    /// ```no_run
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// let outcomes = client
    ///     .accept_endpoints(
    ///         "4189d3c2-8882-4871-a3c2-d380272eed88",
    ///         ["705290f3-0d00-41f2-aedc-71f09844e879"],
    ///     )
    ///     .send()
    ///     .await?;
    /// for outcome in &outcomes {
    ///     match &outcome.result {
    ///         Ok(change) => println!("{}: {change:?}", outcome.endpoint_id),
    ///         Err(error) => eprintln!("{}: {error}", outcome.endpoint_id),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn accept_endpoints(
        &self,
        service_id: impl Into<String>,
        endpoints: impl IntoIterator<Item = impl Into<String>>,
    ) -> AcceptOrRejectConnections<'_> {
        self.accept_or_reject_connections(service_id)
            .action(ConnectionAction::Receive)
            .endpoints(endpoints)
    }

    /// Starts the rejection of the VPC endpoints `endpoints` (UUIDs, any number) by the VPC
    /// endpoint service `service_id`: see [`AcceptOrRejectConnections::send`].
    pub fn reject_endpoints(
        &self,
        service_id: impl Into<String>,
        endpoints: impl IntoIterator<Item = impl Into<String>>,
    ) -> AcceptOrRejectConnections<'_> {
        self.accept_or_reject_connections(service_id)
            .action(ConnectionAction::Reject)
            .endpoints(endpoints)
    }
}

impl<'a> AcceptOrRejectConnections<'a> {
    /// Checks every endpoint ID of `endpoints` (any number here: its spec's one a request is
    /// what each request carries) and the action (every violation at once, by name, before
    /// any I/O), reads the service's connections that are where asked already (every page;
    /// for one endpoint, its own), then accepts or rejects each endpoint with a
    /// request of its own, one after the other, and answers each endpoint's outcome, in the
    /// order given (an endpoint given twice counts once).
    ///
    /// - An endpoint already where asked (accepted, for an accept) is not sent:
    ///   [`ConnectionChange::AlreadyAccepted`] or
    ///   [`AlreadyRejected`](ConnectionChange::AlreadyRejected).
    /// - Each request goes through the client's hooks: retried on the rate limit (a POST is
    ///   retried only where it cannot have taken effect), paced after it with the client's
    ///   other calls, and within the client's retry budget.
    /// - One endpoint's failure is its own outcome's error; the others are still sent. When an
    ///   answer was lost (a timeout, a broken connection, HTTP 5xx), the connection is read
    ///   again: if it is where asked, the action was made and is reported so.
    ///
    /// The call's own error is only what stops it before any action: a violation, or the
    /// read of the connections.
    pub fn send(self) -> impl Future<Output = Result<Vec<EndpointOutcome>, Error>> + Send + 'a {
        self.run(true)
    }

    /// Checks the endpoints and the action as [`send`](Self::send) does, reads the
    /// connections that are where asked already, and tells what `send` would do with each
    /// endpoint, without sending anything: `AlreadyAccepted` (or `AlreadyRejected`) for those
    /// it would leave alone, `Accepted` (or `Rejected`) for those it would send, each with its
    /// connection when it was read.
    pub fn preview(self) -> impl Future<Output = Result<Vec<EndpointOutcome>, Error>> + Send + 'a {
        self.run(false)
    }

    /// [`send`](Self::send), or with `!act` its [`preview`](Self::preview).
    fn run(
        self,
        act: bool,
    ) -> impl Future<Output = Result<Vec<EndpointOutcome>, Error>> + Send + 'a {
        let planned = self.planned();
        async move {
            let (builder, service, endpoints) = planned?;
            let action = builder.body.get("action").cloned();
            let target = match action.and_then(|a| serde_json::from_value(a).ok()) {
                Some(ConnectionAction::Reject) => EndpointStatus::Rejected,
                _ => EndpointStatus::Accepted,
            };
            let mut known = connections(builder.client, service, &endpoints, target).await?;
            let mut outcomes = Vec::with_capacity(endpoints.len());
            for (endpoint, given) in endpoints {
                let current = known.remove(&endpoint);
                let outcome = match current.as_ref().and_then(status) {
                    Some(status) if status == target => EndpointOutcome {
                        endpoint_id: given,
                        result: Ok(already(target)),
                        connection: current,
                    },
                    _ if act => decide(&builder, service, endpoint, given, target).await,
                    _ => EndpointOutcome {
                        endpoint_id: given,
                        result: Ok(made(target)),
                        connection: current,
                    },
                };
                outcomes.push(outcome);
            }
            Ok(outcomes)
        }
    }

    /// The builder, the service and the endpoints (each once, as given), checked.
    #[allow(clippy::type_complexity)]
    fn planned(self) -> Result<(Self, Uuid, Vec<(Uuid, String)>), Error> {
        let mut v = Violations::default();
        let service = v.uuid("vpc_endpoint_service_id", &self.vpc_endpoint_service_id);
        let given: Vec<String> = match self.body.get("endpoints") {
            Some(Value::Array(listed)) => listed
                .iter()
                .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        if given.is_empty() {
            v.push("endpoints", "lists no VPC endpoint");
        }
        let mut endpoints: Vec<(Uuid, String)> = Vec::with_capacity(given.len());
        for (i, endpoint) in given.into_iter().enumerate() {
            let Some(id) = v.uuid(&format!("endpoints[{i}]"), &endpoint) else {
                continue;
            };
            if !endpoints.iter().any(|(known, _)| *known == id) {
                endpoints.push((id, endpoint));
            }
        }
        // The rest of the body (the action), as one endpoint's request carries it.
        let mut one = self.clone();
        let sample = endpoints.first().map_or(Uuid::nil(), |(id, _)| *id);
        one.body.set_encoded("endpoints", &[sample.to_string()]);
        if let Err(Error::InvalidRequest(body)) = one.build_body() {
            v.extend(body);
        }
        match service {
            Some(service) if v.is_empty() => Ok((self, service, endpoints)),
            _ => Err(Error::InvalidRequest(v)),
        }
    }
}

/// The status of a connection, when it is a known one.
fn status(connection: &Connection) -> Option<EndpointStatus> {
    connection
        .status
        .as_ref()
        .and_then(OpenEnum::known)
        .copied()
}

/// The change an endpoint already at `target` needs: none.
fn already(target: EndpointStatus) -> ConnectionChange {
    match target {
        EndpointStatus::Rejected => ConnectionChange::AlreadyRejected,
        _ => ConnectionChange::AlreadyAccepted,
    }
}

/// The change an action to `target` made.
fn made(target: EndpointStatus) -> ConnectionChange {
    match target {
        EndpointStatus::Rejected => ConnectionChange::Rejected,
        _ => ConnectionChange::Accepted,
    }
}

/// The connections of `service` to `endpoints` that are at `target` already, by endpoint:
/// the one endpoint's, filtered by its ID, or every page of the service's connections at
/// `target` (the others are all sent).
async fn connections(
    client: &Client,
    service: Uuid,
    endpoints: &[(Uuid, String)],
    target: EndpointStatus,
) -> Result<HashMap<Uuid, Connection>, Error> {
    let list = client.list_connections(service.to_string());
    let list = match endpoints {
        [(one, _)] => list.id(one.to_string()),
        _ if target == EndpointStatus::Rejected => list.status(ConnectionStatusFilter::Rejected),
        _ => list.status(ConnectionStatusFilter::Accepted),
    };
    let mut known = HashMap::new();
    let mut all = std::pin::pin!(list.all());
    while let Some(connection) = all.next().await {
        let connection = connection?;
        if let Ok(id) = Uuid::try_parse(&connection.id) {
            known.insert(id, connection);
        }
    }
    Ok(known)
}

/// Sends the action for `endpoint` alone, and what became of it.
async fn decide(
    builder: &AcceptOrRejectConnections<'_>,
    service: Uuid,
    endpoint: Uuid,
    given: String,
    target: EndpointStatus,
) -> EndpointOutcome {
    let mut one = builder.clone();
    one.body.set_encoded("endpoints", &[endpoint.to_string()]);
    let (result, connection) = match one.send_once().await {
        Ok(answer) => (Ok(made(target)), answer.connections.into_iter().next()),
        Err(error) if outcome_unknown(&error) => {
            // The answer was lost: the connection as it is now tells.
            let endpoints = [(endpoint, given.clone())];
            match connections(builder.client, service, &endpoints, target).await {
                Ok(mut now) => match now.remove(&endpoint) {
                    Some(c) if status(&c) == Some(target) => (Ok(made(target)), Some(c)),
                    _ => (Err(error), None),
                },
                Err(_) => (Err(error), None),
            }
        }
        Err(error) => (Err(error), None),
    };
    EndpointOutcome {
        endpoint_id: given,
        result,
        connection,
    }
}
