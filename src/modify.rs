//! [`ModifyEndpointService`]: the fluent builder of the modify call.

mod json_body;

use uuid::Uuid;

use crate::{
    Client, Error, hooks,
    types::{EndpointService, ModifyEndpointServiceRequest, Protocol, TcpProxy},
    validation::{PortEntry, Violations},
};

/// A change of one VPC endpoint service, made by [`Client::modify_endpoint_service`].
///
/// Only the fields you set are sent; a field set to `false` is sent. Every documented rule is
/// checked before anything is sent, and every violation is reported together in
/// [`Error::InvalidRequest`].
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
    pub(crate) client: &'a Client,
    service_id: String,
    approval_enabled: Option<bool>,
    service_name: Option<String>,
    ports: Option<Vec<Option<PortEntry>>>,
    port_id: Option<String>,
    vip_port_id: Option<String>,
    tcp_proxy: Option<TcpProxy>,
    description: Option<String>,
    /// What a JSON body set that does not fit the request's shape.
    malformed: Violations,
}

impl<'a> ModifyEndpointService<'a> {
    pub(crate) fn new(client: &'a Client, service_id: String) -> Self {
        Self {
            client,
            service_id,
            approval_enabled: None,
            service_name: None,
            ports: None,
            port_id: None,
            vip_port_id: None,
            tcp_proxy: None,
            description: None,
            malformed: Violations::default(),
        }
    }

    /// Whether a new VPC endpoint needs the owner's approval before it can connect.
    pub fn approval_enabled(mut self, enabled: bool) -> Self {
        self.approval_enabled = Some(enabled);
        self
    }

    /// The service's new name: 1 to 16 of letters, digits, `_` and `-`. (The service answers
    /// the name decorated as `{region}.{name}.{id}`.)
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// Adds a port mapping: `client_port` on the VPC endpoint to `server_port` on the backend
    /// (both 1 to 65535). The mappings sent **replace all** of the service's mappings.
    pub fn port(mut self, client_port: u16, server_port: u16, protocol: Protocol) -> Self {
        self.ports.get_or_insert_with(Vec::new).push(Some((
            client_port.into(),
            server_port.into(),
            protocol,
        )));
        self
    }

    /// Sets the whole list of port mappings as `(client_port, server_port, protocol)`, at most
    /// 200; it **replaces all** of the service's mappings. An empty list is refused.
    pub fn ports(mut self, ports: impl IntoIterator<Item = (u16, u16, Protocol)>) -> Self {
        self.ports = Some(
            ports
                .into_iter()
                .map(|(client, server, protocol)| Some((client.into(), server.into(), protocol)))
                .collect(),
        );
        self
    }

    /// The ID (a UUID) of the backend resource: the port of a load balancer's private IP
    /// address, the NIC of an ECS, or the NIC of the server of a virtual IP address.
    pub fn port_id(mut self, port_id: impl Into<String>) -> Self {
        self.port_id = Some(port_id.into());
        self
    }

    /// The ID (a UUID) of the virtual NIC to which the virtual IP address is bound.
    #[deprecated(note = "the current API no longer documents vip_port_id; it still accepts it")]
    pub fn vip_port_id(mut self, vip_port_id: impl Into<String>) -> Self {
        self.vip_port_id = Some(vip_port_id.into());
        self
    }

    /// Whether client addresses are passed to the backend (TOA, Proxy Protocol, ...).
    pub fn tcp_proxy(mut self, tcp_proxy: TcpProxy) -> Self {
        self.tcp_proxy = Some(tcp_proxy);
        self
    }

    /// The service's description: at most 128 characters, without `<` and `>`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The body that [`send`](Self::send) would send, after every check, without sending it.
    pub fn build_body(&self) -> Result<ModifyEndpointServiceRequest, Error> {
        self.checked().map(|(_, body)| body)
    }

    /// Checks the request, sends it, and returns the service as the API answers it.
    ///
    /// The checks run here, at once; nothing is sent until the future is awaited.
    pub fn send(self) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let client = self.client;
        hooks::recorded(self.checked().map(|(service_id, body)| {
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

    /// The service ID and the body, or every rule they break.
    fn checked(&self) -> Result<(Uuid, ModifyEndpointServiceRequest), Error> {
        let mut v = self.malformed.clone();
        let service_id = v.uuid("vpc_endpoint_service_id", &self.service_id);
        let body = ModifyEndpointServiceRequest {
            approval_enabled: self.approval_enabled,
            service_name: self.service_name.as_deref().and_then(|n| v.service_name(n)),
            ports: self
                .ports
                .as_deref()
                .map(|p| v.ports(p))
                .unwrap_or_default(),
            port_id: self.port_id.as_deref().and_then(|id| v.uuid("port_id", id)),
            vip_port_id: self
                .vip_port_id
                .as_deref()
                .and_then(|id| v.uuid("vip_port_id", id)),
            tcp_proxy: self.tcp_proxy,
            description: self.description.as_deref().and_then(|d| v.description(d)),
        };
        match service_id {
            Some(id) if v.is_empty() => Ok((id, body)),
            _ => Err(Error::InvalidRequest(v)),
        }
    }
}
