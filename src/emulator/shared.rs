//! What every request handler of the emulator shares: its state, who may call it, its IAM,
//! its limits and its throttle.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard},
};

use secrecy::SecretString;
use tokio::sync::Semaphore;

use super::{iam_state::Iam, limits::Limits, state::Store, throttle::Throttle};
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
}

impl Shared {
    /// The state, even if a panicking thread poisoned the lock (every change is applied at once).
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A stored service as the API answers it: the name decorated as `{region}.{name}.{id}`.
    pub(crate) fn answered(&self, mut service: EndpointService) -> EndpointService {
        if let Some(name) = &service.service_name {
            service.service_name = Some(format!("{}.{name}.{}", self.region, service.id));
        }
        service
    }
}
