//! The emulator's in-memory state: the services of every project with the change each still
//! has to come (see [`lifecycle`](super::lifecycle)), the consumers' VPC endpoints and the
//! services' whitelists (see [`connect`](super::connect)), and the faults queued by tests. A change
//! is checked against the whole state first and applied only if every check passes, under one
//! lock, so a refused request changes nothing.
//!
//! Services are kept in one ordered map by project and ID, so that a project's services are
//! one range of it (a list, a quota count) and a project's list is built without looking at
//! any other project's services.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;
use tokio::time::Instant;
use uuid::Uuid;

use super::{
    consumers::Consumers,
    errors::{Code, Failure},
    lifecycle::{Next, Pending, Timing},
    validate::Change,
};
use crate::{
    OpenEnum,
    spec::ports,
    types::{EndpointService, EndpointServicePort, ModifyEndpointServiceRequest, ServiceStatus},
};

/// The services of every project, keyed by project and ID, and the faults queued by tests.
#[derive(Debug, Default)]
pub(crate) struct Store {
    services: BTreeMap<(String, Uuid), Entry>,
    faults: VecDeque<QueuedFault>,
    /// How many requests have arrived, faulty ones included.
    pub(crate) requests: u64,
    /// How long the asynchronous changes take.
    pub(crate) timing: Timing,
    /// The consumers' VPC endpoints and the services' whitelists.
    pub(crate) consumers: Consumers,
}

/// A stored service: its attributes with the name as it was set (not decorated), and the
/// change still to come, if any.
#[derive(Debug)]
struct Entry {
    service: EndpointService,
    pending: Option<Pending>,
}

/// What an injected fault does to a request.
#[derive(Clone, Debug)]
pub(crate) enum FaultKind {
    /// Answer this error instead of serving the request.
    Fail(Failure),
    /// Wait this long, then serve the request.
    Delay(std::time::Duration),
}

#[derive(Debug)]
struct QueuedFault {
    kind: FaultKind,
    remaining: usize,
}

/// The keys of a project's services: its range of the map.
fn project_range(project_id: &str) -> std::ops::RangeInclusive<(String, Uuid)> {
    (project_id.to_owned(), Uuid::nil())..=(project_id.to_owned(), Uuid::max())
}

impl Store {
    /// Adds or replaces a service (checked by the caller), with no change to come.
    pub(crate) fn insert(&mut self, project_id: String, id: Uuid, service: EndpointService) {
        self.services.insert(
            (project_id, id),
            Entry {
                service,
                pending: None,
            },
        );
    }

    /// Makes a stored service `available` once `delay` has passed (and not before).
    pub(crate) fn available_after(
        &mut self,
        project_id: &str,
        id: Uuid,
        delay: std::time::Duration,
    ) {
        self.schedule(project_id, id, Pending::after(delay, Next::Available));
    }

    /// Gives a stored service the change to come `pending` (in place of any other).
    fn schedule(&mut self, project_id: &str, id: Uuid, pending: Pending) {
        if let Some(entry) = self.services.get_mut(&(project_id.to_owned(), id)) {
            entry.pending = Some(pending);
        }
    }

    /// A service's stored attributes, after any change that is due.
    pub(crate) fn get(&mut self, project_id: &str, id: Uuid) -> Option<&EndpointService> {
        let key = (project_id.to_owned(), id);
        self.settle(&key);
        self.services.get(&key).map(|entry| &entry.service)
    }

    /// A service's stored attributes to change in place (after any change that is due).
    pub(crate) fn get_mut(&mut self, project_id: &str, id: Uuid) -> Option<&mut EndpointService> {
        let key = (project_id.to_owned(), id);
        self.settle(&key);
        self.services.get_mut(&key).map(|entry| &mut entry.service)
    }

    /// The project of the service `id`, in whichever project it is (after any change that is
    /// due): a consumer names a service by its ID alone.
    pub(crate) fn owner_of(&mut self, id: Uuid) -> Option<String> {
        let key = self.services.keys().find(|(_, i)| *i == id).cloned()?;
        self.settle(&key);
        self.services.contains_key(&key).then_some(key.0)
    }

    /// A project's services in the order of their IDs, after every change that is due.
    pub(crate) fn project(&mut self, project_id: &str) -> impl Iterator<Item = &EndpointService> {
        self.settle_project(project_id);
        self.services
            .range(project_range(project_id))
            .map(|(_, entry)| &entry.service)
    }

    /// How many services the project has (every status counts, `deleting` too, until gone).
    pub(crate) fn count(&mut self, project_id: &str) -> usize {
        self.settle_project(project_id);
        self.services.range(project_range(project_id)).count()
    }

    /// Makes the change to come of the service `key` if its time has come.
    fn settle(&mut self, key: &(String, Uuid)) {
        let due = self
            .services
            .get(key)
            .and_then(|entry| entry.pending)
            .filter(|pending| pending.is_due(Instant::now()));
        if let Some(pending) = due {
            self.apply(key, pending.next);
        }
    }

    /// Makes every change of the project's services whose time has come.
    fn settle_project(&mut self, project_id: &str) {
        let now = Instant::now();
        let due: Vec<(Uuid, Next)> = self
            .services
            .range(project_range(project_id))
            .filter_map(|((_, id), entry)| {
                entry
                    .pending
                    .filter(|pending| pending.is_due(now))
                    .map(|pending| (*id, pending.next))
            })
            .collect();
        for (id, next) in due {
            self.apply(&(project_id.to_owned(), id), next);
        }
    }

    /// Makes the change `next` of the service `key`.
    fn apply(&mut self, key: &(String, Uuid), next: Next) {
        match next {
            Next::Available => {
                if let Some(entry) = self.services.get_mut(key) {
                    entry.pending = None;
                    entry.service.status = Some(OpenEnum::Known(ServiceStatus::Available));
                }
            }
            Next::Gone => {
                self.services.remove(key);
                self.consumers.forget_service(key);
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
            .map(|entry| &entry.service)
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
        let settle = self.timing.settle_after_modify;
        if !settle.is_zero() {
            service.status = Some(OpenEnum::Known(ServiceStatus::Creating));
        }
        self.insert(project_id.to_owned(), id, service.clone());
        if !settle.is_zero() {
            self.available_after(project_id, id, settle);
        }
        Ok(service)
    }

    /// Stores a new service of the project (checked by the caller, its `status` `creating`),
    /// `available` once the create time has passed; or refuses it, changing nothing: when the
    /// project has `quota` services already (`Endpoint.1018`), or when its ports clash with
    /// another service's on the same `port_id` (`EndPoint.3044`, as for a modify).
    pub(crate) fn create(
        &mut self,
        project_id: &str,
        id: Uuid,
        service: EndpointService,
        quota: u64,
    ) -> Result<EndpointService, Failure> {
        let used = self.count(project_id);
        if u64::try_from(used).unwrap_or(u64::MAX) >= quota {
            return Err(Failure::new(
                Code::QuotaExceeded,
                format!("the project has {used} VPC endpoint services, its quota is {quota}"),
            ));
        }
        if let Some(port_id) = &service.port_id {
            self.check_conflicts(project_id, id, port_id, &service.ports)?;
        }
        self.insert(project_id.to_owned(), id, service.clone());
        self.schedule(
            project_id,
            id,
            Pending::after(self.timing.create_time, Next::Available),
        );
        Ok(service)
    }

    /// Deletes a service, as of `now`: it is `deleting` (with `updated_at` set) until the
    /// delete time has passed, then gone. A service already `deleting` is left as it is (its
    /// time is not started again): the deletion was accepted once, and a repeated DELETE has
    /// the effect of one. A service with VPC endpoints connected (`connection_count` above
    /// zero) is refused with `EndPoint.3006`, changing nothing. A service that does not exist
    /// is 404 `EndPoint.0005`.
    pub(crate) fn delete(
        &mut self,
        project_id: &str,
        id: Uuid,
        now: String,
    ) -> Result<(), Failure> {
        let key = (project_id.to_owned(), id);
        self.settle(&key);
        let entry = self
            .services
            .get_mut(&key)
            .ok_or_else(|| Failure::not_found(project_id, id))?;
        if entry
            .pending
            .is_some_and(|pending| pending.next == Next::Gone)
        {
            return Ok(());
        }
        // The count of connected VPC endpoints: recounted whenever one of them changes (see
        // `consumers`); a seed or `Emulator::update_service` may set it too.
        if let Some(count) = entry.service.connection_count.filter(|c| *c > 0) {
            return Err(Failure::new(
                Code::InUse,
                format!("{count} VPC endpoints are connected to service {id}"),
            ));
        }
        entry.service.status = Some(OpenEnum::Known(ServiceStatus::Deleting));
        entry.service.updated_at = Some(now);
        entry.pending = Some(Pending::after(self.timing.delete_time, Next::Gone));
        self.settle(&key);
        Ok(())
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
        let now = Instant::now();
        // A service whose deletion is due is gone, though not yet removed.
        let others = self.services.iter().filter(|((p, i), entry)| {
            let itself = p == project_id && *i == id;
            let gone = entry
                .pending
                .is_some_and(|pending| pending.next == Next::Gone && pending.is_due(now));
            !itself
                && !gone
                && entry
                    .service
                    .port_id
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case(port_id))
        });
        for ((_, other_id), Entry { service: other, .. }) in others {
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
