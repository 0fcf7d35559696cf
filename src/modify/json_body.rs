//! [`ModifyEndpointService::json_body`]: a change given as a JSON request body, checked
//! like the builder's setters, with every violation reported by field path.

use serde_json::{Map, Value};

use super::ModifyEndpointService;
use crate::types::{Protocol, TcpProxy};

impl ModifyEndpointService<'_> {
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
    ///     "invalid request: ports[0].server_port: is required; \
    ///      ports[0].client_port: 0 is not in 1..=65535"
    /// );
    /// # Ok::<(), otc_vpcep::Error>(())
    /// ```
    pub fn json_body(mut self, body: &Value) -> Self {
        let Some(fields) = body.as_object() else {
            self.malformed.push("body", "is not a JSON object");
            return self;
        };
        for (name, value) in fields {
            match name.as_str() {
                "approval_enabled" => match value.as_bool() {
                    Some(enabled) => self.approval_enabled = Some(enabled),
                    None => self.malformed.push(name.as_str(), "is not true or false"),
                },
                "service_name" => self.service_name = self.string(name, value),
                "port_id" => self.port_id = self.string(name, value),
                "vip_port_id" => self.vip_port_id = self.string(name, value),
                "description" => self.description = self.string(name, value),
                "tcp_proxy" => {
                    self.tcp_proxy = self.string(name, value).and_then(|raw| {
                        let known = raw.parse::<TcpProxy>().ok();
                        if known.is_none() {
                            self.malformed.push(
                                "tcp_proxy",
                                format!(
                                    "{raw:?} is not one of close, toa_open, proxy_open, open, proxy_vni"
                                ),
                            );
                        }
                        known
                    });
                }
                "ports" => match value.as_array() {
                    Some(entries) => {
                        let ports = entries
                            .iter()
                            .enumerate()
                            .map(|(i, entry)| self.port_entry(i, entry))
                            .collect();
                        self.ports = Some(ports);
                    }
                    None => self
                        .malformed
                        .push("ports", "is not a list of port mappings"),
                },
                _ => self
                    .malformed
                    .push(name.as_str(), "is not a field of the request"),
            }
        }
        self
    }

    fn string(&mut self, field: &str, value: &Value) -> Option<String> {
        let text = value.as_str().map(str::to_owned);
        if text.is_none() {
            self.malformed.push(field, "is not a string");
        }
        text
    }

    /// One entry of `ports`, or `None` (with its violations recorded) when it is malformed.
    fn port_entry(&mut self, i: usize, entry: &Value) -> Option<(i64, i64, Protocol)> {
        let Some(fields) = entry.as_object() else {
            self.malformed
                .push(format!("ports[{i}]"), "is not a port mapping object");
            return None;
        };
        let client = self.port_number(i, fields, "client_port");
        let server = self.port_number(i, fields, "server_port");
        let protocol = match fields.get("protocol") {
            None => Some(Protocol::Tcp),
            Some(value) => {
                let parsed = value.as_str().and_then(|raw| raw.parse().ok());
                if parsed.is_none() {
                    self.malformed.push(
                        format!("ports[{i}].protocol"),
                        format!("{value} is not TCP or UDP"),
                    );
                }
                parsed
            }
        };
        for name in fields.keys() {
            if !matches!(name.as_str(), "client_port" | "server_port" | "protocol") {
                self.malformed.push(
                    format!("ports[{i}].{name}"),
                    "is not a field of a port mapping",
                );
            }
        }
        match (client, server, protocol) {
            (Some(client), Some(server), Some(protocol)) => Some((client, server, protocol)),
            _ => {
                // The entry is dropped: check the ports it has here, where it still is.
                for (name, port) in [("client_port", client), ("server_port", server)] {
                    if let Some(port) = port {
                        self.malformed.port(|| format!("ports[{i}].{name}"), port);
                    }
                }
                None
            }
        }
    }

    fn port_number(&mut self, i: usize, fields: &Map<String, Value>, name: &str) -> Option<i64> {
        let field = format!("ports[{i}].{name}");
        match fields.get(name) {
            None => {
                self.malformed.push(field, "is required");
                None
            }
            Some(value) => {
                let number = value.as_i64();
                if number.is_none() {
                    self.malformed
                        .push(field, format!("{value} is not an integer in 1..=65535"));
                }
                number
            }
        }
    }
}
