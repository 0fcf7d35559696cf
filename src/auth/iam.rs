//! What needs the IAM service: logging in with a user name and password for a token, and
//! finding a project's ID from its name. Neither is available yet; [`login`] is the one place
//! that says so, and where both will plug in.

use super::sources::{Resolved, Sourced};
use crate::{Credentials, validation::Violations};

/// The IAM endpoint of an Open Telekom Cloud region, used when no `auth_url` is given.
pub(crate) fn default_auth_url(region: &str) -> String {
    format!("https://iam.{region}.otc.t-systems.com/v3")
}

/// The IAM endpoint a login or a project lookup would use: the `auth_url` that won, else
/// the region's default.
pub(crate) fn auth_url(resolved: &Resolved) -> Option<Sourced<String>> {
    resolved.auth_url.clone().or_else(|| {
        resolved.region.as_deref().map(|region| Sourced {
            value: default_auth_url(region),
            origin: format!("the default of region {region}"),
        })
    })
}

/// Checks what the configuration needs from IAM: a login for password credentials, a lookup
/// for a project given only by name. Neither is available yet, so each is a violation naming
/// the source; the login and the lookup replace exactly this function.
pub(crate) fn login(resolved: &Resolved, violations: &mut Violations) {
    if let Some(Sourced {
        value: Credentials::Password { username, .. },
        origin,
    }) = &resolved.credentials
    {
        let at = auth_url(resolved)
            .map(|url| format!(", IAM at {} ({})", url.value, url.origin))
            .unwrap_or_default();
        violations.push(
            "credentials",
            format!(
                "password login (user {username:?} from {origin}{at}) is not available \
                 yet in this version: use an IAM token (OS_AUTH_TOKEN, or auth_type: token in \
                 clouds.yaml) or an access key (OS_ACCESS_KEY and OS_SECRET_KEY, or ak and sk)"
            ),
        );
    }
    if let (None, Some(name)) = (&resolved.project_id, &resolved.project_name) {
        violations.push(
            "project_id",
            format!(
                "finding a project's ID from its name ({:?}, from {}) is not available yet in \
                 this version: give the project ID (project_id, OS_PROJECT_ID, or \
                 auth.project_id in clouds.yaml)",
                name.value, name.origin
            ),
        );
    }
}
