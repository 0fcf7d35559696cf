//! What the create call adds by hand to its generated builder
//! ([`CreateEndpointService`]): the port-mapping conveniences, the wait for `available`, and
//! the guard that never makes two services out of one call.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{
    Client, CreateEndpointService, Error, operations::wait, types::EndpointService, types::Protocol,
};

/// What the create builder keeps beside its body.
#[derive(Clone, Debug, Default)]
pub(crate) struct CreateOptions {
    /// How long to wait for `available` after the create, if at all.
    wait: Option<Duration>,
}

impl<'a> CreateEndpointService<'a> {
    /// Adds a port mapping: `client_port` on the VPC endpoint to `server_port` on the backend
    /// (both 1 to 65535; checked with the rest of the request).
    pub fn port(mut self, client_port: u16, server_port: u16, protocol: Protocol) -> Self {
        let entry = self.body.entry("ports").or_insert_with(|| json!([]));
        if !entry.is_array() {
            *entry = json!([]);
        }
        if let Value::Array(ports) = entry {
            ports.push(mapping(client_port, server_port, protocol));
        }
        self
    }

    /// Sets the whole list of port mappings as `(client_port, server_port, protocol)`: 1 to
    /// [`MAX_PORT_MAPPINGS`](crate::MAX_PORT_MAPPINGS), no two with the same client port and
    /// protocol.
    pub fn ports(mut self, ports: impl IntoIterator<Item = (u16, u16, Protocol)>) -> Self {
        let list: Vec<Value> = ports
            .into_iter()
            .map(|(client, server, protocol)| mapping(client, server, protocol))
            .collect();
        self.body.set_encoded("ports", &list);
        self
    }

    /// After the create, waits until the service is `available`, for at most `timeout` (see
    /// [`Client::wait_until_available`]); [`send`](Self::send) then answers the service as
    /// last read. A `failed` service ends the wait with its reasons
    /// ([`WaitError::Failed`](crate::WaitError::Failed)). When the wait fails, the service was
    /// created: the error is the wait's, and names it.
    pub fn wait_until_available(mut self, timeout: Duration) -> Self {
        self.custom.wait = Some(timeout);
        self
    }

    /// Checks the request, creates the service, and returns it as the API answers it (usually
    /// `creating`), or as the wait last read it.
    ///
    /// A create is not idempotent, and the API takes no client token: it is never sent twice.
    /// When its answer is lost after it was sent (the connection broke, the time was up, or the
    /// service answered 5xx), the service may exist. Then, if the request has a
    /// `service_name`, the client lists the services of that name, and if exactly one was
    /// created since the call began (it was not there when the call began), that is the answer.
    /// Otherwise the error is [`Error::CreateOutcomeUnknown`], which says what to look for.
    /// With a name, the call therefore begins by listing the services of that name (if that
    /// list is refused, the create is sent anyway, and a lost answer is an unknown outcome).
    pub fn send(self) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let client = self.client;
        let wait = self.custom.wait;
        let name = self
            .body
            .get("service_name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let checked = self.build_body().map(|_| self);
        async move {
            let builder = checked?;
            // Those of its name now; a list refused (a user who may create but not list)
            // leaves the create unguarded: a lost answer is then an unknown outcome.
            let before = match &name {
                Some(name) => ids_named(client, name).await.ok(),
                None => None,
            };
            let created = match builder.send_once().await {
                Ok(service) => service,
                Err(error) if outcome_unknown(&error) => match before {
                    Some(before) => recovered(client, name, before, error).await?,
                    None => {
                        return Err(Error::CreateOutcomeUnknown {
                            name,
                            candidates: Vec::new(),
                            source: Box::new(error),
                        });
                    }
                },
                Err(error) => return Err(error),
            };
            match (wait, created.id.parse()) {
                (Some(timeout), Ok(id)) => {
                    wait::after_change(client, id, created, Some(timeout)).await
                }
                _ => Ok(created),
            }
        }
    }
}

/// A port mapping as the body carries it.
fn mapping(client_port: u16, server_port: u16, protocol: Protocol) -> Value {
    json!({"client_port": client_port, "server_port": server_port, "protocol": protocol.to_string()})
}

/// Whether `error` leaves unknown whether the call (a create, or any other that is not
/// idempotent) happened: the request may have arrived
/// (a broken connection other than a refused one, a timeout, an answer 5xx).
pub(crate) fn outcome_unknown(error: &Error) -> bool {
    match error {
        Error::Timeout(_) => true,
        Error::Transport(e) => !e.is_connect(),
        Error::Api(api) => api.status >= 500,
        Error::InvalidResponse { status, .. } => status.is_none_or(|s| (200..300).contains(&s)),
        Error::RetryBudgetSpent(last) => outcome_unknown(last),
        _ => false,
    }
}

/// The IDs of the services named exactly `name` now.
async fn ids_named(client: &Client, name: &str) -> Result<Vec<String>, Error> {
    Ok(client
        .services_named(name)
        .await?
        .into_iter()
        .map(|service| service.id)
        .collect())
}

/// The service a create whose answer was lost made: the one service named `name` that is
/// not among `before`, or [`Error::CreateOutcomeUnknown`].
async fn recovered(
    client: &Client,
    name: Option<String>,
    before: Vec<String>,
    error: Error,
) -> Result<EndpointService, Error> {
    let unknown = |candidates, source| Error::CreateOutcomeUnknown {
        name: name.clone(),
        candidates,
        source: Box::new(source),
    };
    let Some(wanted) = name.as_deref() else {
        return Err(unknown(Vec::new(), error));
    };
    let Ok(now) = client.services_named(wanted).await else {
        return Err(unknown(Vec::new(), error));
    };
    let mut created: Vec<EndpointService> = now
        .into_iter()
        .filter(|service| !before.contains(&service.id))
        .collect();
    match created.len() {
        1 => Ok(created.remove(0)),
        _ => Err(unknown(
            created.into_iter().map(|service| service.id).collect(),
            error,
        )),
    }
}
