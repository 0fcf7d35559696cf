//! [`ModifyEndpointService`]: the change of one VPC endpoint service,
//! `PUT /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
//!
//! Its setters of the body's single fields are generated from the spec (`build/codegen.rs`);
//! this file adds the client's method, the conveniences for the list of port mappings, the
//! rule that spans the list, the wait option, and the call.

use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    Client, Error, call,
    request::Body,
    types::{EndpointService, ModifyEndpointServiceRequest, Protocol},
    validation::Violations,
};

impl Client {
    /// Starts a change of the VPC endpoint service `service_id` (a UUID): set what should
    /// change, then [`send`](ModifyEndpointService::send) it.
    pub fn modify_endpoint_service(
        &self,
        service_id: impl Into<String>,
    ) -> ModifyEndpointService<'_> {
        ModifyEndpointService {
            client: self,
            service_id: service_id.into(),
            body: Body::default(),
            wait: None,
        }
    }
}

/// A change of one VPC endpoint service, made by [`Client::modify_endpoint_service`].
///
/// Only the fields you set are sent; a field set to `false` is sent. Every documented rule is
/// checked before anything is sent, and every violation is reported together in
/// [`Error::InvalidRequest`]. It is a write of what you set, whatever the service is now: to
/// change it relative to what it is (add or remove one port mapping, send only what differs,
/// see the change first), use [`Client::edit_endpoint_service`]. Changes of one service through
/// one client (and its clones) run one at a time.
///
/// ```no_run
/// use otc_vpcep::{Client, types::Protocol};
///
/// # async fn run() -> Result<(), otc_vpcep::Error> {
/// let client = Client::builder()
///     .region("eu-de")
///     .project_id("6e9dfd51d1124e8d8498dce894923a0d")
///     .build()?;
/// let service = client
///     .modify_endpoint_service("4189d3c2-8882-4871-a3c2-d380272eed88")
///     .approval_enabled(true)
///     .service_name("test")
///     .port(8081, 22, Protocol::Tcp)
///     .port(8082, 23, Protocol::Udp)
///     .send()
///     .await?;
/// println!("{:?} is {:?}", service.service_name, service.status);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct ModifyEndpointService<'a> {
    client: &'a Client,
    service_id: String,
    /// The fields set so far (the generated setters write here).
    pub(crate) body: Body,
    /// How long to wait for `available` after the change, if at all.
    wait: Option<Duration>,
}

impl<'a> ModifyEndpointService<'a> {
    /// Adds a port mapping: `client_port` on the VPC endpoint to `server_port` on the backend
    /// (both 1 to 65535). The mappings sent **replace all** of the service's mappings.
    pub fn port(mut self, client_port: u16, server_port: u16, protocol: Protocol) -> Self {
        self.body
            .push("ports", mapping(client_port, server_port, protocol));
        self
    }

    /// Sets the whole list of port mappings as `(client_port, server_port, protocol)`, at most
    /// [`MAX_PORT_MAPPINGS`](crate::MAX_PORT_MAPPINGS); it **replaces all** of the service's
    /// mappings. An empty list is refused.
    pub fn ports(mut self, ports: impl IntoIterator<Item = (u16, u16, Protocol)>) -> Self {
        let ports = ports
            .into_iter()
            .map(|(client, server, protocol)| mapping(client, server, protocol))
            .collect();
        self.body.set("ports", Value::Array(ports));
        self
    }

    /// The body that [`send`](Self::send) would send, after every check, without sending it.
    pub fn build_body(&self) -> Result<ModifyEndpointServiceRequest, Error> {
        self.clone().checked().map(|(_, body)| body)
    }

    /// After the change, waits until the service is `available` again, for at most `timeout`
    /// (see [`Client::wait_until_available`]); [`send`](Self::send) then answers the service as
    /// last read. When the wait fails, the change was made: the error is the wait's.
    pub fn wait_until_available(mut self, timeout: Duration) -> Self {
        self.wait = Some(timeout);
        self
    }

    /// Checks the request, sends it, and returns the service as the API answers it (or, with
    /// [`wait_until_available`](Self::wait_until_available), as last read by the wait).
    ///
    /// The checks run here, at once; nothing is sent until the future is awaited. The change
    /// waits for any other change of the same service through this client to end first.
    pub fn send(self) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let client = self.client;
        let wait = self.wait;
        let checked = self.checked();
        async move {
            let service = checked.as_ref().ok().map(|(id, _)| *id);
            let _serialised = match service {
                Some(id) => Some(client.locks().lock(id).await),
                None => None,
            };
            // The call's future is made here, where it is awaited, so that this future holds
            // it once.
            let answered = sent(client, checked).await?;
            match (wait, service) {
                (Some(timeout), Some(id)) => {
                    Box::pin(client.wait_until_available(id.to_string(), timeout).send()).await
                }
                _ => Ok(answered),
            }
        }
    }

    /// [`send`](Self::send) without the lock of the service (for a caller that holds it) and
    /// without the wait.
    pub(crate) fn send_unlocked(
        self,
    ) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let client = self.client;
        sent(client, self.checked())
    }

    /// The service ID and the body, or every rule they break.
    fn checked(self) -> Result<(Uuid, ModifyEndpointServiceRequest), Error> {
        let mut v = Violations::default();
        let service_id = v.uuid("vpc_endpoint_service_id", &self.service_id);
        let body = checked_body(self.body, &mut v);
        match (service_id, body) {
            (Some(id), Some(body)) if v.is_empty() => Ok((id, body)),
            _ => Err(Error::InvalidRequest(v)),
        }
    }
}

/// `body` as the modify call's request, or `None` with every rule it breaks recorded in `v`:
/// the spec's, and the one that spans the list of port mappings.
pub(crate) fn checked_body(body: Body, v: &mut Violations) -> Option<ModifyEndpointServiceRequest> {
    body.checked("ModifyEndpointServiceRequest", v, |body, v| {
        v.unique_port_mappings(body.get("ports"));
    })
}

/// The modify call with this checked service ID and body (or its refusal, at once).
fn sent<'a>(
    client: &'a Client,
    checked: Result<(Uuid, ModifyEndpointServiceRequest), Error>,
) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
    call::run(checked.map(|(service_id, body)| {
        move || {
            client
                .raw()
                .modify_endpoint_service()
                .project_id(client.project_id().clone())
                .vpc_endpoint_service_id(service_id)
                .body(body)
                .send()
        }
    }))
}

/// A port mapping as the body carries it.
fn mapping(client_port: u16, server_port: u16, protocol: Protocol) -> Value {
    json!({
        "client_port": client_port,
        "server_port": server_port,
        "protocol": protocol.to_string(),
    })
}
