//! [`ModifyEndpointService`]: the change of one VPC endpoint service,
//! `PUT /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
//!
//! Its setters of the body's single fields are generated from the spec (`build/codegen.rs`);
//! this file adds the client's method, the conveniences for the list of port mappings, the
//! rule that spans the list, the wait option, and the call.

use std::{num::NonZeroU16, time::Duration};

use futures_util::future::Either;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    Client, Error,
    operations::call,
    operations::input::Input,
    operations::wait,
    spec,
    spec::ports,
    spec::schema,
    spec::validation::Violations,
    types::{EndpointService, ModifyEndpointServiceRequest, PortMapping, Protocol},
};

/// The spec's schema of the body.
const BODY: &str = "ModifyEndpointServiceRequest";
/// The spec's schemas of the list of mappings and of a mapping's ports, for the words of a
/// refusal.
const PORTS: &str = "/components/schemas/ModifyEndpointServiceRequest/properties/ports";
const CLIENT_PORT: &str = "/components/schemas/PortMapping/properties/client_port";
const SERVER_PORT: &str = "/components/schemas/PortMapping/properties/server_port";

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
            input: Input::default(),
            ports: None,
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
/// see the change first), use [`Client::edit_endpoint_service`]. Through one client (and its
/// clones), a change of a service never runs inside an edit of it: it waits for the edit, and
/// an edit waits for the changes under way.
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
    /// The body's fields set so far (the generated setters write here).
    pub(crate) input: Input<ModifyEndpointServiceRequest>,
    /// The port mappings given by [`port`](Self::port) and [`ports`](Self::ports), as given:
    /// checked when the request is, so that each keeps its place in the list.
    ports: Option<Vec<(u16, u16, Protocol)>>,
    /// How long to wait for `available` after the change, if at all.
    wait: Option<Duration>,
}

impl<'a> ModifyEndpointService<'a> {
    /// Adds a port mapping: `client_port` on the VPC endpoint to `server_port` on the backend
    /// (both 1 to 65535). The mappings sent **replace all** of the service's mappings.
    pub fn port(mut self, client_port: u16, server_port: u16, protocol: Protocol) -> Self {
        self.ports
            .get_or_insert_with(Vec::new)
            .push((client_port, server_port, protocol));
        self
    }

    /// Sets the whole list of port mappings as `(client_port, server_port, protocol)`, at most
    /// [`MAX_PORT_MAPPINGS`](crate::MAX_PORT_MAPPINGS); it **replaces all** of the service's
    /// mappings. An empty list is refused.
    pub fn ports(mut self, ports: impl IntoIterator<Item = (u16, u16, Protocol)>) -> Self {
        self.ports = Some(ports.into_iter().collect());
        self
    }

    /// Sets every field that the JSON request body `body` holds, as a file or a pipe gives it
    /// (the shape of the spec's `ModifyEndpointServiceRequest`). Nothing is refused here: what
    /// does not fit (an unknown field, a wrong type, a port out of range) is reported with every
    /// other violation by [`send`](Self::send) and [`build_body`](Self::build_body).
    ///
    /// ```
    /// # let client = otc_vpcep::Client::builder().region("eu-de").project_id("p").build()?;
    /// let body = serde_json::json!({"service_name": "test", "ports": [{"client_port": 0}]});
    /// let refused = client
    ///     .modify_endpoint_service("4189d3c2-8882-4871-a3c2-d380272eed88")
    ///     .json_body(&body)
    ///     .build_body()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     refused.to_string(),
    ///     "invalid request: ports[0].client_port: 0 is not in 1..=65535; \
    ///      ports[0].server_port: is required"
    /// );
    /// # Ok::<(), otc_vpcep::Error>(())
    /// ```
    pub fn json_body(mut self, body: &Value) -> Self {
        if body.get("ports").is_some() {
            self.ports = None;
        }
        merge_json_body(&mut self.input, body);
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
    /// waits for any edit of the same service through this client to end first.
    pub fn send(self) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let client = self.client;
        let wait = self.wait;
        let checked = self.checked();
        match (wait, checked.as_ref().ok().map(|(id, _)| *id)) {
            // The wait is part of the change: the lock is held through it. Boxed: most
            // changes do not wait, and their future stays as small as the call's.
            (Some(timeout), Some(id)) => Either::Right(Box::pin(async move {
                let _serialised = client.locks().lock(id).await;
                let answered = send_checked(client, None, checked).await?;
                wait::after_change(client, id, answered, Some(timeout)).await
            })),
            (_, service) => Either::Left(send_checked(client, service, checked)),
        }
    }

    /// [`send`](Self::send) without the lock of the service (for a caller that holds it) and
    /// without the wait.
    pub(crate) fn send_unlocked(
        self,
    ) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let client = self.client;
        send_checked(client, None, self.checked())
    }

    /// The service ID and the body, or every rule they break.
    fn checked(self) -> Result<(Uuid, ModifyEndpointServiceRequest), Error> {
        let mut v = Violations::default();
        let service_id = v.uuid("vpc_endpoint_service_id", &self.service_id);
        let mut body = checked_body(self.input, &mut v);
        if let Some(ports) = &self.ports {
            body.ports = port_mappings(ports, &mut v);
        }
        match service_id {
            Some(id) if v.is_empty() => Ok((id, body)),
            _ => Err(Error::InvalidRequest(v)),
        }
    }
}

/// Sets every field of the JSON request body `body` on `input`, checked against the spec and
/// the rule that spans the list of port mappings (see
/// [`ModifyEndpointService::json_body`]).
pub(crate) fn merge_json_body(input: &mut Input<ModifyEndpointServiceRequest>, body: &Value) {
    input.merge_json(BODY, body, |body, v| {
        ports::unique_json_port_mappings(v, body.get("ports"));
    });
}

/// The modify call's request as `input` holds it, with every rule broken while it was built
/// recorded in `v`.
pub(crate) fn checked_body(
    input: Input<ModifyEndpointServiceRequest>,
    v: &mut Violations,
) -> ModifyEndpointServiceRequest {
    let (body, refused) = input.into_parts();
    v.extend(refused);
    body
}

/// The modify call with this checked service ID and body (or its refusal, at once), as a
/// plain change of `service_lock` if given.
fn send_checked<'a>(
    client: &'a Client,
    service_lock: Option<Uuid>,
    checked: Result<(Uuid, ModifyEndpointServiceRequest), Error>,
) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
    call::run(
        client,
        service_lock,
        true,
        checked.map(|(service_id, body)| {
            move |project_id| {
                client
                    .raw()
                    .modify_endpoint_service()
                    .project_id(project_id)
                    .vpc_endpoint_service_id(service_id)
                    .body(body)
                    .send()
            }
        }),
    )
}

/// The port mappings as the body carries them, or the rules they break: each port, the
/// number of mappings, and no two with the same client port and protocol. Linear in the
/// number of mappings.
fn port_mappings(ports: &[(u16, u16, Protocol)], v: &mut Violations) -> Vec<PortMapping> {
    // The spec's words for a wrong length are looked up only for a refusal.
    if !(spec::MIN_PORT_MAPPINGS..=spec::MAX_PORT_MAPPINGS).contains(&ports.len()) {
        schema::check_length_at(PORTS, "ports", ports.len(), v);
    }
    let mappings = ports
        .iter()
        .enumerate()
        .filter_map(|(i, &(client, server, protocol))| {
            let mut port = |name: &str, schema: &str, port: u16| {
                let converted = NonZeroU16::new(port);
                if converted.is_none() {
                    let field = format!("ports[{i}].{name}");
                    schema::check_at(schema, &field, &Value::from(port), v);
                }
                converted
            };
            let client_port = port("client_port", CLIENT_PORT, client);
            let server_port = port("server_port", SERVER_PORT, server);
            Some(PortMapping {
                client_port: client_port?,
                server_port: server_port?,
                protocol: Some(protocol),
            })
        })
        .collect();
    ports::unique_port_mappings(
        v,
        ports.iter().map(|&(client, server, protocol)| {
            Some((client.into(), Some(server.into()), protocol))
        }),
    );
    mappings
}
