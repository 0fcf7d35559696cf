//! The emulator's in-memory state: the services of every project, the changes of status
//! still to come, and the faults queued by tests. A change is checked against the whole state
//! first and applied only if every check passes, under one lock, so a refused request changes
//! nothing.

use std::{
    collections::{HashMap, VecDeque},
    time::{Duration, Instant},
};

use serde_json::Value;
use uuid::Uuid;

use super::{
    errors::{Code, Failure},
    validate::Change,
};
use crate::{
    OpenEnum,
    spec::ports,
    types::{EndpointService, EndpointServicePort, ModifyEndpointServiceRequest, ServiceStatus},
};

/// A service as the emulator keeps it: its attributes with the name as it was set (not
/// decorated), keyed by project and ID.
#[derive(Debug, Default)]
pub(crate) struct Store {
    services: HashMap<(String, Uuid), EndpointService>,
    faults: VecDeque<QueuedFault>,
    /// How many requests have arrived, faulty ones included.
    pub(crate) requests: u64,
    /// When a service that is not `available` becomes `available`.
    available_at: HashMap<(String, Uuid), Instant>,
    /// How long a service stays `creating` after a modify (zero: it stays `available`).
    pub(crate) settle_after_modify: Duration,
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
    /// Adds or replaces a service (checked by the caller), with no change of status to come.
    pub(crate) fn insert(&mut self, project_id: String, id: Uuid, service: EndpointService) {
        let key = (project_id, id);
        self.available_at.remove(&key);
        self.services.insert(key, service);
    }

    /// Makes a stored service `available` at `at` (and not before).
    pub(crate) fn available_at(&mut self, project_id: String, id: Uuid, at: Instant) {
        self.available_at.insert((project_id, id), at);
    }

    /// A service's stored attributes, after any change of status that is due.
    pub(crate) fn get(&mut self, project_id: &str, id: Uuid) -> Option<&EndpointService> {
        let key = (project_id.to_owned(), id);
        self.settle(&key);
        self.services.get(&key)
    }

    /// A service's stored attributes to change in place (after any change of status that is
    /// due).
    pub(crate) fn get_mut(&mut self, project_id: &str, id: Uuid) -> Option<&mut EndpointService> {
        let key = (project_id.to_owned(), id);
        self.settle(&key);
        self.services.get_mut(&key)
    }

    /// Makes the service `key` `available` if its time has come.
    fn settle(&mut self, key: &(String, Uuid)) {
        let due = self
            .available_at
            .get(key)
            .is_some_and(|at| *at <= Instant::now());
        if due {
            self.available_at.remove(key);
            if let Some(service) = self.services.get_mut(key) {
                service.status = Some(OpenEnum::Known(ServiceStatus::Available));
            }
        }
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
        let key = (project_id.to_owned(), id);
        self.settle(&key);
        let current = self
            .services
            .get(&key)
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
            Some(ports) => ports.iter().map(ports::answered_mapping).collect(),
            None => current.ports.clone(),
        };
        if let Some(port_id) = &port_id {
            self.check_conflicts(project_id, id, port_id, &ports)?;
        }
        let mut service = applied(current, &change.request, ports, now)?;
        let settled = Instant::now().checked_add(self.settle_after_modify);
        let settling = !self.settle_after_modify.is_zero();
        if settling {
            service.status = Some(OpenEnum::Known(ServiceStatus::Creating));
        }
        self.insert(project_id.to_owned(), id, service.clone());
        if let (true, Some(at)) = (settling, settled) {
            self.available_at(project_id.to_owned(), id, at);
        }
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
                    ports::answered_protocol(theirs) == ports::answered_protocol(mine)
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

fn shown(port: &EndpointServicePort) -> String {
    let number = |p: Option<i32>| p.map(|p| p.to_string()).unwrap_or_default();
    format!(
        "{}:{}/{}",
        number(port.client_port),
        number(port.server_port),
        ports::answered_protocol(port)
    )
}
