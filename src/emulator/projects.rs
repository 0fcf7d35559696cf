//! The projects the emulator knows and the domains (accounts) they belong to: a request is
//! made as the project of its path, and a VPC endpoint connects as that project's domain. The
//! owner of a service is its project's domain, which may always connect to its own services.
//!
//! Where IAM and VPCEP document nothing, the emulator chooses:
//!
//! - the documented project ([`DOCUMENTED_PROJECT_ID`]) is in
//!   [`DOCUMENTED_DOMAIN_ID`], the domain the reference's list of services answers for it;
//! - one consumer is configured by default: [`DEFAULT_CONSUMER_PROJECT_ID`] in
//!   [`DEFAULT_CONSUMER_DOMAIN_ID`] (the domain of the reference's example of a whitelist
//!   record to remove), so that a consumer's endpoint can be tried at once;
//! - more are configured with
//!   [`EmulatorBuilder::project_domain`](super::EmulatorBuilder::project_domain) (`vpcep
//!   emulator --project-domain PROJECT:DOMAIN`), which also moves a project to another domain;
//! - any other project ID that a path names (every valid one is served, as before) is in a
//!   domain of its own, derived from the project ID (32 hexadecimal digits), so that two
//!   unconfigured projects are two accounts.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::types::ProjectId;

/// The project of the API reference's example.
pub const DOCUMENTED_PROJECT_ID: &str = "6e9dfd51d1124e8d8498dce894923a0d";
/// The domain (account) of the documented project: the `domain_id` that the reference's
/// example list of services answers for a service of that project.
pub const DOCUMENTED_DOMAIN_ID: &str = "5fc973eea581490997e82ea11a1df31f";
/// The project of the consumer that the emulator knows by default.
pub const DEFAULT_CONSUMER_PROJECT_ID: &str = "0df25bbc87884c2f88c00c2959df9a01";
/// The domain of [`DEFAULT_CONSUMER_PROJECT_ID`]: the domain of the reference's example of a
/// whitelist record to remove (`iam:domain::5fc973eea581490997e82ea11a1d0101`).
pub const DEFAULT_CONSUMER_DOMAIN_ID: &str = "5fc973eea581490997e82ea11a1d0101";
/// The longest domain ID (the whitelist's rule: 1 to 64 letters and digits).
const MAX_DOMAIN_ID_CHARS: usize = 64;

/// The configured projects and their domains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Projects {
    domains: BTreeMap<String, String>,
}

impl Default for Projects {
    fn default() -> Self {
        let mut domains = BTreeMap::new();
        domains.insert(
            DOCUMENTED_PROJECT_ID.to_owned(),
            DOCUMENTED_DOMAIN_ID.to_owned(),
        );
        domains.insert(
            DEFAULT_CONSUMER_PROJECT_ID.to_owned(),
            DEFAULT_CONSUMER_DOMAIN_ID.to_owned(),
        );
        Self { domains }
    }
}

impl Projects {
    /// Puts `project_id` in `domain_id` (in place of any domain it had).
    pub(crate) fn set(&mut self, project_id: String, domain_id: String) {
        self.domains.insert(project_id, domain_id);
    }

    /// The domain of `project_id`: the configured one, else one derived from the project ID.
    pub(crate) fn domain_of(&self, project_id: &str) -> String {
        self.domains
            .get(project_id)
            .cloned()
            .unwrap_or_else(|| derived_domain(project_id))
    }

    /// Every configuration that cannot work: a project ID that is not the spec's, a domain ID
    /// that is not 1 to 64 letters and digits.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (project, domain) in &self.domains {
            if ProjectId::try_from(project.as_str()).is_err() {
                problems.push(format!(
                    "project_domain: {project:?} is not a project ID (1 to 64 letters, digits, _ and -)"
                ));
            }
            if !is_domain_id(domain) {
                problems.push(format!(
                    "project_domain: {domain:?} is not a domain ID (1 to {MAX_DOMAIN_ID_CHARS} letters and digits)"
                ));
            }
        }
        problems
    }
}

/// Whether `text` is a domain ID: 1 to 64 ASCII letters and digits.
pub(crate) fn is_domain_id(text: &str) -> bool {
    (1..=MAX_DOMAIN_ID_CHARS).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The domain of a project that no configuration names: 32 hexadecimal digits derived from the
/// project ID.
fn derived_domain(project_id: &str) -> String {
    hex::encode(&Sha256::digest(format!("project-domain:{project_id}").as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_projects_keep_their_domain_and_others_get_one_of_their_own() {
        let mut projects = Projects::default();
        assert_eq!(
            projects.domain_of(DOCUMENTED_PROJECT_ID),
            DOCUMENTED_DOMAIN_ID
        );
        assert_eq!(
            projects.domain_of(DEFAULT_CONSUMER_PROJECT_ID),
            DEFAULT_CONSUMER_DOMAIN_ID
        );
        let (a, b) = (projects.domain_of("p1"), projects.domain_of("p2"));
        assert_ne!(a, b);
        assert!(is_domain_id(&a) && a.len() == 32, "{a}");
        assert_eq!(a, projects.domain_of("p1"));
        projects.set("p1".to_owned(), "d1".to_owned());
        assert_eq!(projects.domain_of("p1"), "d1");
        assert!(projects.problems().is_empty());
        projects.set("bad/project".to_owned(), "d*".to_owned());
        assert_eq!(projects.problems().len(), 2, "{:?}", projects.problems());
    }
}
