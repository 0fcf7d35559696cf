//! The consumers' side of the state, as data: VPC endpoints (each the consumer's endpoint and
//! the owner's connection at once, so both sides always agree), the whitelists of services,
//! and the next `marker_id`. The operations on them, with their rules, are
//! [`connect`](super::connect)'s.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

use super::whitelist::{self, Record};
use crate::{
    OpenEnum,
    types::{Connection, EndpointStatus, VpcEndpoint},
};

/// The first `marker_id`.
const FIRST_MARKER: i64 = 16_777_216;

/// A service, by its project and ID.
pub(crate) type ServiceKey = (String, Uuid);

/// The endpoints of every project and the whitelists of every service.
#[derive(Debug)]
pub(crate) struct Consumers {
    pub(crate) endpoints: BTreeMap<(String, Uuid), Stored>,
    pub(crate) whitelists: HashMap<ServiceKey, Vec<Record>>,
    pub(crate) next_marker: i64,
    /// The most records of a whitelist.
    pub(crate) max_records: usize,
}

impl Default for Consumers {
    fn default() -> Self {
        Self {
            endpoints: BTreeMap::new(),
            whitelists: HashMap::new(),
            next_marker: FIRST_MARKER,
            max_records: whitelist::DEFAULT_MAX_WHITELIST_RECORDS,
        }
    }
}

/// A stored endpoint: as the API answers it, the service it connects to, and its domain.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) endpoint: VpcEndpoint,
    pub(crate) service: ServiceKey,
    pub(crate) domain_id: String,
    /// The address it is answered with once accepted (an interface service's endpoint).
    pub(crate) ip: Option<String>,
}

impl Stored {
    /// Its connection status (`accepted` if it has none).
    pub(crate) fn status(&self) -> OpenEnum<EndpointStatus> {
        self.endpoint
            .status
            .clone()
            .unwrap_or(OpenEnum::Known(EndpointStatus::Accepted))
    }

    /// The owner's view of this endpoint.
    pub(crate) fn connection(&self) -> Connection {
        let e = &self.endpoint;
        Connection {
            id: e.id.clone(),
            marker_id: e.marker_id,
            created_at: e.created_at.clone(),
            updated_at: e.updated_at.clone(),
            domain_id: Some(self.domain_id.clone()),
            status: e.status.clone(),
            error: e.error.clone(),
            description: e.description.clone(),
        }
    }
}

/// Whether an endpoint in `status` counts as connected to its service.
fn connected(status: &OpenEnum<EndpointStatus>) -> bool {
    matches!(
        status,
        OpenEnum::Known(EndpointStatus::PendingAcceptance | EndpointStatus::Accepted)
    )
}

impl Consumers {
    /// Forgets the whitelist of a service that is gone.
    pub(crate) fn forget_service(&mut self, key: &ServiceKey) {
        self.whitelists.remove(key);
    }

    /// How many VPC endpoints the project has.
    pub(crate) fn count(&self, project_id: &str) -> usize {
        self.endpoints
            .range((project_id.to_owned(), Uuid::nil())..=(project_id.to_owned(), Uuid::max()))
            .count()
    }

    /// How many endpoints are connected to the service `key`.
    pub(crate) fn connections_of(&self, key: &ServiceKey) -> usize {
        self.endpoints
            .values()
            .filter(|e| e.service == *key && connected(&e.status()))
            .count()
    }
}
