//! [`EditEndpointService`]: a change of a VPC endpoint service relative to what it is now. It
//! reads the service (`GET`), applies the edits to what it read, and writes only what differs
//! (`PUT`), through the layer's two operations; its [`EditOutcome`] tells what changed (its
//! [`Diff`]) and what someone else changed meanwhile ([`Conflict`]).

use std::{sync::LazyLock, time::Duration};

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    Client, Error,
    operations::diff::{self, Conflict, Diff, FieldChange},
    operations::input::Input,
    operations::modify,
    operations::wait,
    spec::ports,
    spec::schema,
    spec::validation::Violations,
    types::{EndpointService, EndpointServicePort, ModifyEndpointServiceRequest, Protocol},
};

impl Client {
    /// Starts an edit of the VPC endpoint service `service_id` (a UUID): set the fields it
    /// should have and the port mappings to add or remove, then [`send`](EditEndpointService::send)
    /// it, or [`preview`](EditEndpointService::preview) what it would change.
    ///
    /// ```no_run
    /// use otc_vpcep::types::Protocol;
    ///
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// let outcome = client
    ///     .edit_endpoint_service("4189d3c2-8882-4871-a3c2-d380272eed88")
    ///     .add_port(8443, 443, Protocol::Tcp)
    ///     .remove_port(8081, 22, Protocol::Tcp)
    ///     .approval_enabled(false)
    ///     .send()
    ///     .await?;
    /// print!("{}", outcome.diff); // approval_enabled  true -> false, ports + 8443:443/TCP, ...
    /// for conflict in &outcome.conflicts {
    ///     eprintln!("changed meanwhile by someone else: {conflict}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_endpoint_service(&self, service_id: impl Into<String>) -> EditEndpointService<'_> {
        EditEndpointService {
            client: self,
            service_id: service_id.into(),
            input: Input::default(),
            add: Vec::new(),
            remove: Vec::new(),
            wait: None,
        }
    }
}

/// A change of one VPC endpoint service relative to what it is, made by
/// [`Client::edit_endpoint_service`].
///
/// The fields set (with the same setters as
/// [`ModifyEndpointService`](crate::ModifyEndpointService), or [`json_body`](Self::json_body))
/// are what the service should have; a `ports` list set with `json_body` replaces the list
/// read. Then [`remove_port`](Self::remove_port) and [`add_port`](Self::add_port) apply to the
/// list. [`send`](Self::send):
///
/// 1. checks what was set against every documented rule, before anything is sent;
/// 2. waits for any other change of the same service through this client (and its clones) to
///    end, so that two edits cannot lose each other's change;
/// 3. reads the service, applies the edits, and checks the result (the whole list of port
///    mappings, too);
/// 4. sends one `PUT` with only the fields that differ (`ports` only when the list changes),
///    or nothing at all when nothing would change;
/// 5. compares the service's answer with what it read: a field it did not send that differs
///    was changed by someone else in between, and is reported as a [`Conflict`] (never
///    overwritten or retried blindly).
///
/// Adding a mapping that the service already has, or removing one it does not have, changes
/// nothing and is no error (so an edit can be repeated, for example after a timeout): the
/// outcome lists them in [`already_present`](EditOutcome::already_present) and
/// [`not_present`](EditOutcome::not_present). Adding a mapping whose client port and protocol
/// the service maps to another server port is refused (remove that one in the same edit to
/// replace it), and so are removing every mapping (a service needs at least one) and adding
/// and removing the same mapping.
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct EditEndpointService<'a> {
    client: &'a Client,
    service_id: String,
    /// The fields set so far (the generated setters write here).
    pub(crate) input: Input<ModifyEndpointServiceRequest>,
    add: Vec<EndpointServicePort>,
    remove: Vec<EndpointServicePort>,
    wait: Option<Duration>,
}

/// What an edit did or would do: read from [`EditEndpointService::send`] or
/// [`preview`](EditEndpointService::preview).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
#[must_use = "an edit's outcome may carry conflicts"]
pub struct EditOutcome {
    /// What changes: the fields that differ, before and after, and the mappings added and
    /// removed. Empty when nothing changes (and then nothing is sent).
    pub diff: Diff,
    /// The service as read before the change.
    pub before: EndpointService,
    /// The body sent, or that [`send`](EditEndpointService::send) would send; `None` when
    /// nothing changes.
    pub request: Option<ModifyEndpointServiceRequest>,
    /// The service as the `PUT` answered it (or, with
    /// [`wait_until_available`](EditEndpointService::wait_until_available), as the wait read
    /// it last); `None` when nothing was sent.
    pub after: Option<EndpointService>,
    /// The fields that someone else changed between the read and the write (empty for a
    /// preview). Verified after the write: a field the edit sent cannot be checked, since the
    /// answer shows the edit's own value.
    pub conflicts: Vec<Conflict>,
    /// The mappings to add that the service already had.
    pub already_present: Vec<EndpointServicePort>,
    /// The mappings to remove that the service did not have.
    pub not_present: Vec<EndpointServicePort>,
}

impl EditOutcome {
    /// Whether a `PUT` was sent.
    pub fn was_sent(&self) -> bool {
        self.after.is_some()
    }
}

/// The fields of the modify call's body, the ones that another writer can change: from the
/// spec, through the generated type's schema.
static WRITABLE: LazyLock<Vec<String>> = LazyLock::new(|| {
    schemars::schema_for!(ModifyEndpointServiceRequest)
        .schema
        .object
        .map(|object| object.properties.keys().cloned().collect())
        .unwrap_or_default()
});

impl<'a> EditEndpointService<'a> {
    /// Sets every field that the JSON request body `body` holds, as
    /// [`ModifyEndpointService::json_body`](crate::ModifyEndpointService::json_body) does; a
    /// `ports` list there replaces the list read.
    pub fn json_body(mut self, body: &Value) -> Self {
        modify::merge_json_body(&mut self.input, body);
        self
    }

    /// Adds the mapping of `client_port` on the VPC endpoint to `server_port` on the backend
    /// (both 1 to 65535), unless the service has it already.
    pub fn add_port(mut self, client_port: u16, server_port: u16, protocol: Protocol) -> Self {
        push_once(
            &mut self.add,
            ports::answered(client_port, server_port, protocol),
        );
        self
    }

    /// Removes the mapping of `client_port` to `server_port` with `protocol`, if the service
    /// has it.
    pub fn remove_port(mut self, client_port: u16, server_port: u16, protocol: Protocol) -> Self {
        push_once(
            &mut self.remove,
            ports::answered(client_port, server_port, protocol),
        );
        self
    }

    /// After a change was sent, waits until the service is `available` again, for at most
    /// `timeout` (see [`Client::wait_until_available`]); the wait is part of the edit, so the
    /// next change of the service through this client starts after it. When the wait fails,
    /// the change was made: the error is the wait's.
    pub fn wait_until_available(mut self, timeout: Duration) -> Self {
        self.wait = Some(timeout);
        self
    }

    /// Reads the service and tells what the edit would change, and the request it would send,
    /// without sending it. Refused like [`send`](Self::send) when the edit breaks a rule.
    pub fn preview(self) -> impl Future<Output = Result<EditOutcome, Error>> + Send + 'a {
        let client = self.client;
        let plan = self.planned();
        async move { Ok(plan?.read(client).await?.0) }
    }

    /// Checks the edit, then reads the service, applies the edits and writes what differs
    /// (see the type's documentation).
    ///
    /// The checks of what was set run here, at once; nothing is sent until the future is
    /// awaited.
    pub fn send(self) -> impl Future<Output = Result<EditOutcome, Error>> + Send + 'a {
        let client = self.client;
        let wait = self.wait;
        let plan = self.planned();
        async move {
            let plan = plan?;
            let _serialised = client.locks().lock(plan.service_id).await;
            let (mut outcome, change) = plan.read(client).await?;
            let Some((change, sent)) = change else {
                return Ok(outcome);
            };
            let after = change.send_unlocked().await?;
            outcome.conflicts = conflicts(&outcome.before, &after, &sent);
            outcome.after = Some(wait::after_change(client, plan.service_id, after, wait).await?);
            Ok(outcome)
        }
    }

    /// What was set, checked: every rule it breaks, before any I/O.
    fn planned(self) -> Result<Plan, Error> {
        let mut v = Violations::default();
        let service_id = v.uuid("vpc_endpoint_service_id", &self.service_id);
        let request = modify::checked_body(self.input, &mut v);
        for (list, ports) in [("add_port", &self.add), ("remove_port", &self.remove)] {
            for (i, port) in ports.iter().enumerate() {
                let value = serde_json::to_value(port).unwrap_or(Value::Null);
                schema::check("PortMapping", &format!("{list}[{i}]"), &value, &mut v);
            }
        }
        for (i, added) in self.add.iter().enumerate() {
            let key = diff::port_key(added);
            if let Some(j) = self.remove.iter().position(|r| diff::port_key(r) == key) {
                v.push(
                    format!("remove_port[{j}]"),
                    format!("{added} is also added by add_port[{i}]"),
                );
            }
        }
        let (Some(service_id), true) = (service_id, v.is_empty()) else {
            return Err(Error::InvalidRequest(v));
        };
        let mut fields = match serde_json::to_value(&request) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        let ports = fields
            .remove("ports")
            .map(|_| request.ports.iter().map(ports::as_given).collect());
        Ok(Plan {
            service_id,
            fields,
            ports,
            add: self.add,
            remove: self.remove,
        })
    }
}

/// An edit's checked settings.
#[derive(Debug)]
struct Plan {
    service_id: Uuid,
    /// The fields the service should have (not `ports`), as the request sends them.
    fields: Map<String, Value>,
    /// The list of mappings that replaces the one read, if one was set.
    ports: Option<Vec<EndpointServicePort>>,
    add: Vec<EndpointServicePort>,
    remove: Vec<EndpointServicePort>,
}

/// The modify call to send, and the fields it sends.
type Change<'a> = (modify::ModifyEndpointService<'a>, Map<String, Value>);

impl Plan {
    /// Reads the service and works out the edit's outcome, and the modify call to send (and
    /// its fields) when something changes; the call is checked, not sent.
    async fn read<'a>(
        &self,
        client: &'a Client,
    ) -> Result<(EditOutcome, Option<Change<'a>>), Error> {
        let before = client
            .get_endpoint_service(self.service_id.to_string())
            .send()
            .await?;
        let applied = self.applied(&before).map_err(Error::InvalidRequest)?;
        let mut outcome = EditOutcome {
            diff: applied.diff,
            before,
            request: None,
            after: None,
            conflicts: Vec::new(),
            already_present: applied.already_present,
            not_present: applied.not_present,
        };
        if applied.body.is_empty() {
            return Ok((outcome, None));
        }
        let change = client
            .modify_endpoint_service(self.service_id.to_string())
            .json_body(&Value::Object(applied.body.clone()));
        outcome.request = Some(change.build_body()?);
        Ok((outcome, Some((change, applied.body))))
    }

    /// The edits applied to the service `before`: what to send, what changes, and the
    /// mappings that needed no change; or every rule the result breaks.
    fn applied(&self, before: &EndpointService) -> Result<Applied, Violations> {
        let current = diff::fields_of(before);
        let mut v = Violations::default();
        let mut applied = Applied {
            body: Map::new(),
            diff: Diff {
                service_id: self.service_id.to_string(),
                ..Diff::default()
            },
            already_present: Vec::new(),
            not_present: Vec::new(),
        };
        for (name, new) in &self.fields {
            let old = diff::comparable(name, &current);
            if !diff::same(&old, new) {
                applied.body.insert(name.clone(), new.clone());
                let change = FieldChange {
                    old,
                    new: new.clone(),
                };
                applied.diff.fields.insert(name.clone(), change);
            }
        }

        let mut ports = self.ports.clone().unwrap_or_else(|| before.ports.clone());
        for gone in &self.remove {
            let key = diff::port_key(gone);
            match ports.iter().position(|port| diff::port_key(port) == key) {
                Some(i) => {
                    ports.remove(i);
                }
                None => applied.not_present.push(gone.clone()),
            }
        }
        for (i, new) in self.add.iter().enumerate() {
            let key = diff::port_key(new);
            if ports.iter().any(|port| diff::port_key(port) == key) {
                applied.already_present.push(new.clone());
                continue;
            }
            let client_key = diff::client_key(new);
            if let Some(taken) = ports.iter().find(|p| diff::client_key(p) == client_key) {
                v.push(
                    format!("add_port[{i}]"),
                    format!(
                        "{new}: the service maps this client port and protocol already, as \
                         {taken}; remove that mapping in the same edit to replace it"
                    ),
                );
                continue;
            }
            ports.push(new.clone());
        }
        if !diff::same_ports(&ports, &before.ports) {
            if ports.is_empty() {
                v.push(
                    "remove_port",
                    "the edit would remove every port mapping; a service needs at least one",
                );
            }
            applied.diff.ports_added = diff::ports_missing_from(&ports, &before.ports)
                .into_iter()
                .cloned()
                .collect();
            applied.diff.ports_removed = diff::ports_missing_from(&before.ports, &ports)
                .into_iter()
                .cloned()
                .collect();
            let list = serde_json::to_value(&ports).unwrap_or(Value::Null);
            applied.body.insert("ports".to_owned(), list);
        }
        if v.is_empty() { Ok(applied) } else { Err(v) }
    }
}

/// The edits applied to what was read.
struct Applied {
    /// The fields to send: those that differ.
    body: Map<String, Value>,
    diff: Diff,
    already_present: Vec<EndpointServicePort>,
    not_present: Vec<EndpointServicePort>,
}

/// The fields of the modify call's body that the edit did not send (`sent`) but that differ
/// between the service as read (`before`) and as the write answered it (`after`).
fn conflicts(
    before: &EndpointService,
    after: &EndpointService,
    sent: &Map<String, Value>,
) -> Vec<Conflict> {
    let (read, answered) = (diff::fields_of(before), diff::fields_of(after));
    WRITABLE
        .iter()
        .filter(|field| !sent.contains_key(field.as_str()))
        .filter_map(|field| {
            let (was, is) = (
                diff::comparable(field, &read),
                diff::comparable(field, &answered),
            );
            let same = match field.as_str() {
                "ports" => diff::same_ports(&before.ports, &after.ports),
                _ => diff::same(&was, &is),
            };
            (!same).then(|| Conflict {
                field: field.clone(),
                read: was,
                answered: is,
            })
        })
        .collect()
}

/// Appends `port` to `ports` unless it is there already.
fn push_once(ports: &mut Vec<EndpointServicePort>, port: EndpointServicePort) {
    if !ports.contains(&port) {
        ports.push(port);
    }
}
