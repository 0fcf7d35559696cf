//! The operations on who connects, each made under the state's one lock and checked in whole
//! before anything changes: a consumer's create, query, list and delete of its VPC endpoints,
//! the owner's connections, accept and reject, and whitelist (the data is
//! [`consumers`](super::consumers)'s).
//!
//! Where the reference is silent, the emulator chooses (and a test pins the choice):
//!
//! - a new endpoint is `pendingAcceptance` when its service requires approval (the default of
//!   a service without `approval_enabled`), else `accepted`; the create answers it `creating`
//!   (as the page's example does), and every later request sees its connection status;
//! - an endpoint may connect when its project's domain is the service's owner's (implicitly
//!   whitelisted, see [`whitelist`](super::whitelist)), or the whitelist has `*` or its domain;
//!   else `EndPoint.2012`. A service that does not exist (in any project) is `EndPoint.2003`,
//!   one that is not `available` `EndPoint.2004`; an interface service needs a `subnet_id`
//!   (`EndPoint.2010`). A project has at most its quota of endpoints
//!   ([`EmulatorBuilder::endpoint_quota`](super::EmulatorBuilder::endpoint_quota)), else
//!   `Endpoint.1018`. Whitelisting is checked when an endpoint connects: removing a record
//!   later does not disconnect endpoints already made;
//! - a service's `connection_count` is the number of its endpoints that are
//!   `pendingAcceptance` or `accepted` (a rejected endpoint is not connected); it is recounted
//!   whenever one of them changes, and a service with any is not deleted (`EndPoint.3006`);
//! - a deleted endpoint is gone at once (a query answers 404 `EndPoint.0005`), and so is its
//!   connection; an endpoint is read and deleted only by its own project (another project
//!   gets 404 `EndPoint.0005`), and a service's connections and whitelist only by the
//!   service's project;
//! - a service's whitelist is forgotten with the service; a `rejected` endpoint of a deleted
//!   service stays as it is;
//! - `marker_id`s count up from 16777216, one per endpoint, never reused.

use uuid::Uuid;

use super::{
    approval::{self, Action},
    consumers::{ServiceKey, Stored},
    endpoints::{self, NewEndpoint},
    errors::{Code, Failure},
    paging,
    projects::Projects,
    shared::{Shared, decorated_name},
    state::Store,
    whitelist::{self, Change, Record},
};
use crate::{
    OpenEnum,
    types::{Connection, EndpointStatus, Permission, ServiceStatus, ServiceType, VpcEndpoint},
};

/// Sets the stored `connection_count` of a service to the endpoints connected to it.
fn recount(store: &mut Store, key: &ServiceKey) {
    let count = store.consumers.connections_of(key);
    if let Some(service) = store.get_mut(&key.0, key.1) {
        service.connection_count = Some(i32::try_from(count).unwrap_or(i32::MAX));
    }
}

/// What an endpoint's create needs to know of the emulator besides the state.
pub(crate) struct Context<'a> {
    pub(crate) projects: &'a Projects,
    pub(crate) region: &'a str,
    pub(crate) quota: u64,
    pub(crate) now: String,
}

/// Creates a VPC endpoint of `project_id` (its request checked) on the emulator `shared`, as
/// of `now`, as [`create`] says; by a request and by a test's helper alike.
pub(crate) fn create_endpoint(
    shared: &Shared,
    project_id: &str,
    new: NewEndpoint,
    now: String,
) -> Result<VpcEndpoint, Failure> {
    let context = Context {
        projects: &shared.projects,
        region: &shared.region,
        quota: shared.quotas.endpoints,
        now,
    };
    create(&mut shared.store(), project_id, new, &context)
}

/// Creates a VPC endpoint of `project_id` (checked by the caller), connected to its service
/// as its status says; or refuses it, changing nothing. Answers the endpoint as stored.
pub(crate) fn create(
    store: &mut Store,
    project_id: &str,
    new: NewEndpoint,
    context: &Context<'_>,
) -> Result<VpcEndpoint, Failure> {
    let id = new.service_id;
    let owner = store.owner_of(id).ok_or_else(|| {
        Failure::new(
            Code::ServiceMissing,
            format!("no VPC endpoint service {id}"),
        )
    })?;
    let service = store.get(&owner, id).cloned().ok_or_else(|| {
        Failure::new(
            Code::ServiceMissing,
            format!("no VPC endpoint service {id}"),
        )
    })?;
    let available = service
        .status
        .as_ref()
        .is_none_or(|s| *s == ServiceStatus::Available);
    if !available {
        let status = service
            .status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(Failure::new(
            Code::ServiceUnavailable,
            format!("the service is {status}"),
        ));
    }
    let interface = service
        .service_type
        .as_ref()
        .is_none_or(|t| *t == ServiceType::Interface);
    if interface && new.subnet_id.is_none() {
        return Err(Failure::new(
            Code::SubnetIdEmpty,
            "subnet_id is required to connect to an interface service",
        ));
    }
    let key = (owner.clone(), id);
    let domain_id = context.projects.domain_of(project_id);
    let own = domain_id == context.projects.domain_of(&owner);
    let listed = store
        .consumers
        .whitelists
        .get(&key)
        .is_some_and(|records| whitelist::lets_in(records, &domain_id));
    if !own && !listed {
        return Err(Failure::new(
            Code::NoPermission,
            format!("domain {domain_id} is not in the whitelist of service {id}"),
        ));
    }
    let used = store.consumers.count(project_id);
    if u64::try_from(used).unwrap_or(u64::MAX) >= context.quota {
        return Err(Failure::new(
            Code::QuotaExceeded,
            format!(
                "the project has {used} VPC endpoints, its quota is {}",
                context.quota
            ),
        ));
    }
    let consumers = &mut store.consumers;
    let marker = consumers.next_marker;
    consumers.next_marker += 1;
    let approval = service.approval_enabled.unwrap_or(true);
    let status = if approval {
        EndpointStatus::PendingAcceptance
    } else {
        EndpointStatus::Accepted
    };
    let endpoint_id = Uuid::new_v4();
    let ip = interface.then(|| {
        new.port_ip.map_or_else(
            || {
                let bytes = marker.to_be_bytes();
                format!("10.{}.{}.{}", bytes[5], bytes[6], bytes[7])
            },
            |ip| ip.to_string(),
        )
    });
    let endpoint = VpcEndpoint {
        id: endpoint_id.to_string(),
        service_type: service.service_type.clone(),
        status: Some(OpenEnum::Known(status)),
        active_status: vec!["active".to_owned()],
        endpoint_service_name: Some(decorated_name(
            context.region,
            service.service_name.as_deref(),
            &service.id,
        )),
        marker_id: Some(marker),
        endpoint_service_id: Some(service.id.clone()),
        enable_dns: Some(new.enable_dns),
        dns_names: Vec::new(),
        ip: None,
        vpc_id: Some(new.vpc_id.to_string()),
        subnet_id: new.subnet_id.map(|s| s.to_string()),
        created_at: Some(context.now.clone()),
        updated_at: Some(context.now.clone()),
        project_id: Some(project_id.to_owned()),
        tags: new.tags,
        error: Vec::new(),
        whitelist: new.whitelist,
        enable_whitelist: Some(new.enable_whitelist),
        routetables: new.routetables,
        policy_statement: new.policy_statement,
        description: Some(new.description),
        specification_name: Some(new.specification_name),
        endpoint_pool_id: None,
        enable_status: Some("enable".to_owned()),
    };
    let mut stored = Stored {
        endpoint,
        service: key.clone(),
        domain_id,
        ip,
    };
    reveal_ip(&mut stored);
    consumers
        .endpoints
        .insert((project_id.to_owned(), endpoint_id), stored.clone());
    recount(store, &key);
    Ok(stored.endpoint)
}

/// Answers the address of an accepted endpoint (and keeps it once it was accepted).
fn reveal_ip(stored: &mut Stored) {
    if stored.status() == EndpointStatus::Accepted {
        stored.endpoint.ip.clone_from(&stored.ip);
    }
}

/// Changes the endpoint `id` of `project_id` behind the clients' backs (any field but its
/// `id` and `project_id`, without any check), sets `updated_at` to `now`, and recounts its
/// service's connections; answers it as `GET` does then, or `None` if there is none.
pub(crate) fn update(
    store: &mut Store,
    project_id: &str,
    id: Uuid,
    now: String,
    change: impl FnOnce(&mut VpcEndpoint),
) -> Option<VpcEndpoint> {
    let stored = store
        .consumers
        .endpoints
        .get_mut(&(project_id.to_owned(), id))?;
    let (kept_id, kept_project) = (
        stored.endpoint.id.clone(),
        stored.endpoint.project_id.clone(),
    );
    change(&mut stored.endpoint);
    stored.endpoint.id = kept_id;
    stored.endpoint.project_id = kept_project;
    stored.endpoint.updated_at = Some(now);
    let (endpoint, key) = (stored.endpoint.clone(), stored.service.clone());
    recount(store, &key);
    Some(endpoint)
}

/// The endpoint `id` of `project_id`, or 404 `EndPoint.0005`.
pub(crate) fn get(store: &Store, project_id: &str, id: Uuid) -> Result<VpcEndpoint, Failure> {
    store
        .consumers
        .endpoints
        .get(&(project_id.to_owned(), id))
        .map(|stored| stored.endpoint.clone())
        .ok_or_else(|| endpoint_not_found(project_id, id))
}

fn endpoint_not_found(project_id: &str, id: Uuid) -> Failure {
    Failure::new(
        Code::NotFound,
        format!("no VPC endpoint {id} in project {project_id}"),
    )
}

/// Deletes the endpoint `id` of `project_id` (gone at once), or 404 `EndPoint.0005`.
pub(crate) fn delete(store: &mut Store, project_id: &str, id: Uuid) -> Result<(), Failure> {
    let stored = store
        .consumers
        .endpoints
        .remove(&(project_id.to_owned(), id))
        .ok_or_else(|| endpoint_not_found(project_id, id))?;
    recount(store, &stored.service);
    Ok(())
}

/// One page of the project's endpoints, and how many match in all.
pub(crate) fn list(
    store: &Store,
    project_id: &str,
    query: &endpoints::ListQuery,
) -> (Vec<VpcEndpoint>, usize) {
    let matching = store
        .consumers
        .endpoints
        .range((project_id.to_owned(), Uuid::nil())..=(project_id.to_owned(), Uuid::max()))
        .map(|(_, stored)| &stored.endpoint)
        .filter(|endpoint| query.matches(endpoint))
        .map(|endpoint| (query.sort_by(endpoint), endpoint))
        .collect();
    paging::page(matching, query.paging)
}

/// The service `id` of `project_id`, or 404 `EndPoint.0005`.
fn service_key(store: &mut Store, project_id: &str, id: Uuid) -> Result<ServiceKey, Failure> {
    store
        .get(project_id, id)
        .map(|_| (project_id.to_owned(), id))
        .ok_or_else(|| Failure::not_found(project_id, id))
}

/// One page of the connections of the service `id` of `project_id`, and how many match.
pub(crate) fn connections(
    store: &mut Store,
    project_id: &str,
    id: Uuid,
    query: &approval::ListQuery,
) -> Result<(Vec<Connection>, usize), Failure> {
    let key = service_key(store, project_id, id)?;
    let connections: Vec<Connection> = store
        .consumers
        .endpoints
        .values()
        .filter(|stored| stored.service == key)
        .map(Stored::connection)
        .collect();
    let sort_by = |c: &Connection| {
        let time = match query.paging.sort_key {
            0 => c.created_at.as_deref(),
            _ => c.updated_at.as_deref().or(c.created_at.as_deref()),
        };
        (paging::sort_time(time), c.id.clone())
    };
    let matching = connections
        .iter()
        .filter(|c| query.matches(&c.id, c.marker_id, c.status.as_ref()))
        .map(|c| (sort_by(c), c))
        .collect();
    Ok(paging::page(matching, query.paging))
}

/// Every connection of the service `id` of `project_id`, oldest first (by `created_at`, then
/// `marker_id`); none for a service that does not exist.
pub(crate) fn all_connections(store: &mut Store, project_id: &str, id: Uuid) -> Vec<Connection> {
    let Ok(key) = service_key(store, project_id, id) else {
        return Vec::new();
    };
    let mut connections: Vec<Connection> = store
        .consumers
        .endpoints
        .values()
        .filter(|stored| stored.service == key)
        .map(Stored::connection)
        .collect();
    connections.sort_by_key(|c| (paging::sort_time(c.created_at.as_deref()), c.marker_id));
    connections
}

/// Accepts or rejects an endpoint connected to the service `id` of `project_id`, as of `now`;
/// answers its connection after the action.
pub(crate) fn act(
    store: &mut Store,
    project_id: &str,
    id: Uuid,
    action: &Action,
    now: String,
) -> Result<Connection, Failure> {
    let key = service_key(store, project_id, id)?;
    let stored = store
        .consumers
        .endpoints
        .values_mut()
        .find(|stored| {
            stored.service == key
                && stored
                    .endpoint
                    .id
                    .eq_ignore_ascii_case(&action.endpoint.to_string())
        })
        .ok_or_else(|| {
            Failure::new(
                Code::NotOfService,
                format!(
                    "VPC endpoint {} does not connect to service {id}",
                    action.endpoint
                ),
            )
        })?;
    let status = approval::decided(&stored.status(), action.decision)?;
    if stored.status() != status {
        stored.endpoint.status = Some(OpenEnum::Known(status));
        stored.endpoint.updated_at = Some(now);
    }
    reveal_ip(stored);
    let connection = stored.connection();
    recount(store, &key);
    Ok(connection)
}

/// One page of the whitelist of the service `id` of `project_id`, and how many match.
pub(crate) fn permissions(
    store: &mut Store,
    project_id: &str,
    id: Uuid,
    query: &whitelist::ListQuery,
) -> Result<(Vec<Permission>, usize), Failure> {
    let key = service_key(store, project_id, id)?;
    let records = store
        .consumers
        .whitelists
        .get(&key)
        .map_or(&[][..], Vec::as_slice);
    Ok(whitelist::page(records, query))
}

/// Adds or removes whitelist records of the service `id` of `project_id`, as of `now`; an add
/// that would pass the most records is refused whole (`EndPoint.3049`). Answers the
/// request's records.
pub(crate) fn change_whitelist(
    store: &mut Store,
    project_id: &str,
    id: Uuid,
    change: Change,
    now: &str,
) -> Result<Vec<String>, Failure> {
    let key = service_key(store, project_id, id)?;
    let max = store.consumers.max_records;
    let records = store.consumers.whitelists.entry(key).or_default();
    match change.action {
        whitelist::Action::Add => {
            let mut added: Vec<&String> = Vec::new();
            for record in &change.records {
                if !added.contains(&record) && !records.iter().any(|r| r.permission == *record) {
                    added.push(record);
                }
            }
            if records.len() + added.len() > max {
                return Err(Failure::new(
                    Code::WhitelistFull,
                    format!(
                        "the whitelist has {} records; {} more would pass its most, {max}",
                        records.len(),
                        added.len()
                    ),
                ));
            }
            records.extend(added.into_iter().map(|permission| Record {
                id: Uuid::new_v4(),
                permission: permission.clone(),
                created_at: now.to_owned(),
            }));
        }
        whitelist::Action::Remove => {
            records.retain(|r| !change.records.contains(&r.permission));
        }
    }
    Ok(change.records)
}
