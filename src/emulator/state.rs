//! The emulator's in-memory state: the services of every project, and the faults queued by
//! tests. A change is checked against the whole state first and applied only if every check
//! passes, under one lock, so a refused request changes nothing.

use std::{
    collections::{HashMap, VecDeque},
    time::Duration,
};

use serde_json::Value;
use uuid::Uuid;

use super::{
    errors::{Code, Failure},
    validate::{Change, protocol_of},
};
use crate::{
    OpenEnum,
    types::{
        EndpointService, EndpointServicePort, ModifyEndpointServiceRequest, PortMapping, Protocol,
        ServiceStatus,
    },
};

/// A service as the emulator keeps it: its attributes with the name as it was set (not
/// decorated), keyed by project and ID.
#[derive(Debug, Default)]
pub(crate) struct Store {
    services: HashMap<(String, Uuid), EndpointService>,
    faults: VecDeque<QueuedFault>,
    /// How many requests have arrived, faulty ones included.
    pub(crate) requests: u64,
}

/// What an injected fault does to a request.
#[derive(Clone, Debug)]
pub(crate) enum FaultKind {
    /// Answer this error instead of serving the request.
    Fail(Failure),
    /// Wait this long, then serve the request.
    Delay(Duration),
}

#[derive(Debug)]
struct QueuedFault {
    kind: FaultKind,
    remaining: usize,
}

impl Store {
    /// Adds or replaces a service (checked by the caller).
    pub(crate) fn insert(&mut self, project_id: String, id: Uuid, service: EndpointService) {
        self.services.insert((project_id, id), service);
    }

    /// A service's stored attributes.
    pub(crate) fn get(&self, project_id: &str, id: Uuid) -> Option<&EndpointService> {
        self.services.get(&(project_id.to_owned(), id))
    }

    /// Queues a fault for the next `times` requests (after those already queued).
    pub(crate) fn queue_fault(&mut self, kind: FaultKind, times: usize) {
        if times > 0 {
            self.faults.push_back(QueuedFault {
                kind,
                remaining: times,
            });
        }
    }

    /// Counts an arrived request and takes the fault it meets, if any.
    pub(crate) fn arrive(&mut self) -> Option<FaultKind> {
        self.requests += 1;
        let front = self.faults.front_mut()?;
        front.remaining -= 1;
        let kind = front.kind.clone();
        if front.remaining == 0 {
            self.faults.pop_front();
        }
        Some(kind)
    }

    /// Applies a checked change to a service, as of `now`, and returns the stored result;
    /// or the documented error, changing nothing.
    pub(crate) fn modify(
        &mut self,
        project_id: &str,
        id: Uuid,
        change: Change,
        now: String,
    ) -> Result<EndpointService, Failure> {
        let current = self
            .get(project_id, id)
            .ok_or_else(|| Failure::not_found(project_id, id))?;
        let available = current
            .status
            .as_ref()
            .is_none_or(|s| *s == ServiceStatus::Available);
        if !available {
            let status = current.status.as_ref().map(ToString::to_string);
            return Err(Failure::new(
                Code::WrongState,
                format!("the service is {}", status.unwrap_or_default()),
            ));
        }
        let port_id = change
            .request
            .port_id
            .map(|p| p.to_string())
            .or_else(|| current.port_id.clone());
        let ports = match &change.ports {
            Some(ports) => ports.iter().map(answered_port).collect(),
            None => current.ports.clone(),
        };
        if let Some(port_id) = &port_id {
            self.check_conflicts(project_id, id, port_id, &ports)?;
        }
        let service = applied(current, &change.request, ports, now)?;
        self.insert(project_id.to_owned(), id, service.clone());
        Ok(service)
    }

    /// Refuses `ports` when another service with the same `port_id` uses one of its client
    /// ports or server ports with the same protocol.
    fn check_conflicts(
        &self,
        project_id: &str,
        id: Uuid,
        port_id: &str,
        ports: &[EndpointServicePort],
    ) -> Result<(), Failure> {
        let others = self.services.iter().filter(|((p, i), other)| {
            !(p == project_id && *i == id)
                && other
                    .port_id
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case(port_id))
        });
        for ((_, other_id), other) in others {
            for (i, mine) in ports.iter().enumerate() {
                let clash = other.ports.iter().find(|theirs| {
                    protocol(theirs) == protocol(mine)
                        && (theirs.client_port == mine.client_port
                            || theirs.server_port == mine.server_port)
                });
                if let Some(theirs) = clash {
                    return Err(Failure::new(
                        Code::PortsConflict,
                        format!(
                            "ports[{i}] {} clashes with {} of service {other_id}, which shares port_id {port_id}",
                            shown(mine),
                            shown(theirs)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `service` with every field of `request` set (as the generated request type writes it: UUIDs
/// in lower case), its `ports` replaced by `ports`, and `updated_at` set to `now`. Fields are
/// applied by name, so a field the spec adds to both the request and the service needs no
/// code here.
fn applied(
    service: &EndpointService,
    request: &ModifyEndpointServiceRequest,
    ports: Vec<EndpointServicePort>,
    now: String,
) -> Result<EndpointService, Failure> {
    let broken = |e: serde_json::Error| Failure::new(Code::SystemError, e.to_string());
    let (Value::Object(mut fields), Value::Object(changes)) = (
        serde_json::to_value(service).map_err(broken)?,
        serde_json::to_value(request).map_err(broken)?,
    ) else {
        return Err(Failure::new(
            Code::SystemError,
            "a service is not an object",
        ));
    };
    fields.extend(changes);
    fields.insert(
        "ports".to_owned(),
        serde_json::to_value(ports).map_err(broken)?,
    );
    fields.insert("updated_at".to_owned(), Value::String(now));
    serde_json::from_value(Value::Object(fields)).map_err(broken)
}

/// A mapping as the service answers it, with its protocol spelled out.
fn answered_port(mapping: &PortMapping) -> EndpointServicePort {
    EndpointServicePort {
        client_port: Some(i32::from(mapping.client_port.get())),
        server_port: Some(i32::from(mapping.server_port.get())),
        protocol: Some(OpenEnum::Known(protocol_of(mapping))),
    }
}

/// The protocol of an answered mapping; TCP when it is not given.
fn protocol(port: &EndpointServicePort) -> OpenEnum<Protocol> {
    port.protocol
        .clone()
        .unwrap_or(OpenEnum::Known(Protocol::Tcp))
}

fn shown(port: &EndpointServicePort) -> String {
    let number = |p: Option<i32>| p.map(|p| p.to_string()).unwrap_or_default();
    format!(
        "{}:{}/{}",
        number(port.client_port),
        number(port.server_port),
        protocol(port)
    )
}
