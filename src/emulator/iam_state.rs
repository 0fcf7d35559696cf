//! The emulator's IAM state: the users and projects configured, the tokens issued (by their
//! digest, with their expiry on tokio's clock), and the count of IAM requests.

use std::{
    collections::HashMap,
    sync::{
        Mutex, MutexGuard,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::validate;

/// How long the tokens the emulator issues are valid, unless configured: 24 hours, as IAM's.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// The longest token lifetime the emulator accepts.
pub const MAX_TOKEN_TTL: Duration = Duration::from_secs(366 * 24 * 60 * 60);

/// A user who may log in.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) name: String,
    pub(crate) password: SecretString,
    /// The domain's name; its ID is derived from it ([`domain_id`]).
    pub(crate) domain: String,
}

/// A project: its name and ID.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    pub(crate) name: String,
    pub(crate) id: String,
}

/// The users, projects and token lifetime of the builder.
#[derive(Debug, Clone)]
pub(crate) struct IamConfig {
    pub(crate) users: Vec<User>,
    pub(crate) projects: Vec<Project>,
    pub(crate) token_ttl: Duration,
}

impl Default for IamConfig {
    fn default() -> Self {
        Self {
            users: Vec::new(),
            projects: Vec::new(),
            token_ttl: DEFAULT_TOKEN_TTL,
        }
    }
}

impl IamConfig {
    /// Every setting that cannot work, by the builder method's name.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.token_ttl.is_zero() || self.token_ttl > MAX_TOKEN_TTL {
            problems.push(format!(
                "token_ttl must be more than zero and at most {} days",
                MAX_TOKEN_TTL.as_secs() / 86_400
            ));
        }
        for user in &self.users {
            if user.name.is_empty()
                || user.domain.is_empty()
                || user.password.expose_secret().is_empty()
            {
                problems.push(
                    "user: the name, the password and the domain must not be empty".to_owned(),
                );
            }
        }
        for project in &self.projects {
            if project.name.is_empty() || validate::project_id(&project.id).is_err() {
                problems.push(format!(
                    "project {:?}: the name must not be empty and the ID must be a project ID \
                     (1 to 64 letters, digits, '-' or '_')",
                    project.name
                ));
            }
        }
        problems
    }
}

/// The IAM state: the configuration, the tokens issued, and the count of IAM requests.
#[derive(Debug, Default)]
pub(crate) struct Iam {
    pub(super) config: IamConfig,
    /// SHA-256 of each token issued -> when it expires.
    issued: Mutex<HashMap<[u8; 32], Instant>>,
    pub(super) requests: AtomicU64,
}

impl Iam {
    pub(crate) fn new(config: IamConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Whether users are configured: then only issued tokens are accepted.
    pub(crate) fn has_users(&self) -> bool {
        !self.config.users.is_empty()
    }

    pub(super) fn issued(&self) -> MutexGuard<'_, HashMap<[u8; 32], Instant>> {
        self.issued
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `token` was issued here and has neither expired nor been revoked.
    pub(crate) fn accepts(&self, token: &[u8]) -> bool {
        let now = Instant::now();
        let mut issued = self.issued();
        issued.retain(|_, expires| *expires > now);
        issued.contains_key(&digest(token))
    }

    /// Revokes every token issued so far.
    pub(crate) fn revoke_all(&self) {
        self.issued().clear();
    }

    /// How many requests to `/v3/...` have arrived.
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

pub(super) fn digest(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

/// A domain's ID, derived from its name (32 hex digits, like IAM's).
pub(super) fn domain_id(name: &str) -> String {
    hex::encode(&Sha256::digest(format!("domain:{name}").as_bytes())[..16])
}

/// A user's ID, derived from the domain and the name.
pub(super) fn user_id(user: &User) -> String {
    hex::encode(&Sha256::digest(format!("user:{}:{}", user.domain, user.name).as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tokens_expire_on_the_clock_and_are_revoked() {
        let iam = Iam::new(IamConfig::default());
        iam.issued()
            .insert(digest(b"t"), Instant::now() + Duration::from_secs(10));
        assert!(iam.accepts(b"t"));
        assert!(!iam.accepts(b"u"));
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(!iam.accepts(b"t"));
        iam.issued()
            .insert(digest(b"t"), Instant::now() + Duration::from_secs(10));
        iam.revoke_all();
        assert!(!iam.accepts(b"t"));
    }
}
