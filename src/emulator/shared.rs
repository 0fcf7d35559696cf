//! What every request handler of the emulator shares: its state, who may call it, its IAM,
//! its projects and their domains, its limits, its throttle, its quotas and the answers to
//! lose; and how a service's name is answered.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard},
};

use secrecy::SecretString;
use tokio::sync::Semaphore;

use super::{
    iam_state::Iam, limits::Limits, lost::LostAnswers, projects::Projects, quota::QuotaLimits,
    state::Store, throttle::Throttle,
};
use crate::types::EndpointService;

/// Who may call the emulator.
#[derive(Debug, Default)]
pub(crate) struct Access {
    /// The accepted tokens; empty accepts any token.
    pub(crate) tokens: Vec<SecretString>,
    /// Access key -> secret key, for AK/SK signatures.
    pub(crate) keys: HashMap<String, SecretString>,
}

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) store: Mutex<Store>,
    pub(crate) access: Access,
    /// The IAM users and projects, and the tokens issued.
    pub(crate) iam: Iam,
    /// The region in decorated service names.
    pub(crate) region: String,
    pub(crate) limits: Limits,
    /// One permit per body read at once.
    pub(crate) body_reads: Semaphore,
    /// The rate limit per project and the injected failure rate.
    pub(crate) throttle: Throttle,
    /// The quotas of every project.
    pub(crate) quotas: QuotaLimits,
    /// The answers to lose after the change was made.
    pub(crate) lost: LostAnswers,
    /// The projects and their domains.
    pub(crate) projects: Projects,
}

impl Shared {
    /// The state, even if a panicking thread poisoned the lock (every change is applied at once).
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A stored service as the API answers it: the name decorated (see [`decorated_name`]),
    /// and the owner's account as `domain_id` (its project's domain, see
    /// [`Projects`]), unless the service has one of its own (a seed may set it).
    pub(crate) fn answered(&self, mut service: EndpointService) -> EndpointService {
        service.service_name = Some(decorated_name(
            &self.region,
            service.service_name.as_deref(),
            &service.id,
        ));
        if service.domain_id.is_none()
            && let Some(project_id) = &service.project_id
        {
            service.domain_id = Some(self.projects.domain_of(project_id));
        }
        service
    }
}

/// A service's name as the API answers it: `{region}.{name}.{id}`, or `{region}.{id}` for a
/// service without a name (as the create page says).
pub(crate) fn decorated_name(region: &str, name: Option<&str>, id: &str) -> String {
    match name {
        Some(name) => format!("{region}.{name}.{id}"),
        None => format!("{region}.{id}"),
    }
}
