//! The settings of each source of configuration, and their precedence: what is set on the
//! builder, then the environment, then the named cloud of clouds.yaml.
//!
//! Precedence goes setting by setting, where a setting is:
//! - the **credentials**, as a whole: from the first source that has any credential setting,
//!   even half set (then it is an error naming what is missing, never skipped for the next);
//! - **where** the API is: the first source with an endpoint or a region (in it, the endpoint
//!   wins);
//! - the **project**: the first source with a project ID or a project name;
//! - the **region** (for the IAM endpoint's default), the **IAM endpoint**, the **CA
//!   certificates** and **certificate verification**: each from the first source that has it.

use crate::{Credentials, config::tls::TrustedCas, spec::validation::Violations};

/// What one source says about a client.
#[derive(Clone, Debug, Default)]
pub(crate) struct Settings {
    /// How messages name the source: `the builder`, `the environment`, `cloud "otc" of ...`.
    pub(crate) origin: String,
    /// The credentials, when the source has them complete.
    pub(crate) credentials: Option<Credentials>,
    /// Whether the source has any credential setting, complete or not.
    pub(crate) has_credentials: bool,
    /// What is wrong with the source's credentials; reported only if they are the ones used.
    pub(crate) credential_problems: Violations,
    /// The API's base URL.
    pub(crate) endpoint: Option<String>,
    /// The region.
    pub(crate) region: Option<String>,
    /// The project ID.
    pub(crate) project_id: Option<String>,
    /// The project name.
    pub(crate) project_name: Option<String>,
    /// The IAM endpoint (`auth_url`).
    pub(crate) auth_url: Option<String>,
    /// Extra CA certificates to trust.
    pub(crate) cas: Option<TrustedCas>,
    /// Whether to verify the server's certificate.
    pub(crate) verify: Option<bool>,
    /// What is wrong with the source itself (a malformed file, a key of the wrong type):
    /// always reported.
    pub(crate) problems: Violations,
}

impl Settings {
    /// No settings yet, from the source `origin`.
    pub(crate) fn new(origin: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            ..Self::default()
        }
    }
}

/// A value and the source that gave it.
#[derive(Clone, Debug)]
pub(crate) struct Sourced<T> {
    pub(crate) value: T,
    pub(crate) origin: String,
}

/// The settings that count, each from the source that wins for it.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub(crate) credentials: Option<Sourced<Credentials>>,
    /// Whether some source had credential settings (else the credentials are unset).
    pub(crate) credentials_set: bool,
    pub(crate) endpoint: Option<String>,
    /// The region of the source that says where the API is.
    pub(crate) endpoint_region: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) project_id: Option<Sourced<String>>,
    pub(crate) project_name: Option<Sourced<String>>,
    pub(crate) auth_url: Option<Sourced<String>>,
    pub(crate) cas: TrustedCas,
    pub(crate) verify: bool,
}

/// Applies the precedence to `sources` (the first wins), recording the problems of every
/// source, and those of the credentials that are used.
pub(crate) fn resolve(sources: &[Settings], violations: &mut Violations) -> Resolved {
    for source in sources {
        extend(violations, &source.problems);
    }
    let first = |has: &dyn Fn(&Settings) -> bool| sources.iter().find(|s| has(s));
    let mut resolved = Resolved::default();
    if let Some(source) = first(&|s| s.has_credentials) {
        extend(violations, &source.credential_problems);
        resolved.credentials_set = true;
        resolved.credentials = source.credentials.clone().map(|value| Sourced {
            value,
            origin: source.origin.clone(),
        });
    }
    if let Some(source) = first(&|s| s.endpoint.is_some() || s.region.is_some()) {
        resolved.endpoint = source.endpoint.clone();
        resolved.endpoint_region = source.region.clone();
    }
    resolved.region = first(&|s| s.region.is_some()).and_then(|s| s.region.clone());
    if let Some(source) = first(&|s| s.project_id.is_some() || s.project_name.is_some()) {
        let from = |value: &Option<String>| {
            value.clone().map(|value| Sourced {
                value,
                origin: source.origin.clone(),
            })
        };
        resolved.project_id = from(&source.project_id);
        resolved.project_name = from(&source.project_name);
    }
    resolved.auth_url = first(&|s| s.auth_url.is_some()).and_then(|s| {
        s.auth_url.clone().map(|value| Sourced {
            value,
            origin: s.origin.clone(),
        })
    });
    resolved.cas = first(&|s| s.cas.is_some())
        .and_then(|s| s.cas.clone())
        .unwrap_or_default();
    resolved.verify = first(&|s| s.verify.is_some())
        .and_then(|s| s.verify)
        .unwrap_or(true);
    resolved
}

/// Adds every violation of `more` to `violations`.
pub(crate) fn extend(violations: &mut Violations, more: &Violations) {
    for violation in more {
        violations.push(violation.field.clone(), violation.rule.clone());
    }
}
