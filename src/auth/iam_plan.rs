//! What a client needs from IAM, decided when it is built: a password login (the token's
//! scope then gives the project ID), or the lookup of a project's ID from its name, and at
//! which IAM endpoint. The calls themselves are the [`session`](super::session)'s.

use super::session::{Need, ProjectScope};
use crate::{
    Credentials,
    config::{
        sources::{Resolved, Sourced},
        url,
    },
    spec::validation::Violations,
};

/// The IAM endpoint of an Open Telekom Cloud region, used when no `auth_url` is given.
pub(crate) fn default_auth_url(region: &str) -> String {
    format!("https://iam.{region}.otc.t-systems.com/v3")
}

/// The IAM endpoint a login or a project lookup uses: the `auth_url` that won, else the
/// region's default.
pub(crate) fn auth_url(resolved: &Resolved) -> Option<Sourced<String>> {
    resolved.auth_url.clone().or_else(|| {
        resolved.region.as_deref().map(|region| Sourced {
            value: default_auth_url(region),
            origin: format!("the default of region {region}"),
        })
    })
}

/// The project's name when no project is given: the region's name, the provider's "project
/// name = region" convention (the default project of a region is named after it), for
/// credentials that can ask IAM.
fn project_name(resolved: &Resolved) -> Option<Sourced<String>> {
    if resolved.project_id.is_some() {
        return None;
    }
    resolved.project_name.clone().or_else(|| {
        let region = resolved.region.as_deref()?;
        resolved.credentials.as_ref().map(|_| Sourced {
            value: region.to_owned(),
            origin: format!("the region (the project named after region {region})"),
        })
    })
}

/// What the configuration needs from IAM, or the violations that keep it from working: a
/// password needs a login; a project known only by name (or by the region) needs a lookup;
/// either needs an IAM endpoint that the password or the signed request may go to (https,
/// or a loopback host, unless `allow_insecure_http`).
pub(crate) fn needs(
    resolved: &Resolved,
    allow_insecure_http: bool,
    violations: &mut Violations,
) -> Need {
    let name = project_name(resolved);
    if let Some(empty) = name.as_ref().filter(|n| n.value.is_empty()) {
        violations.push(
            "project_name",
            format!("must not be empty (from {})", empty.origin),
        );
        return Need::Nothing;
    }
    let password = match &resolved.credentials {
        Some(Sourced {
            value: Credentials::Password { username, .. },
            origin,
        }) => Some((username, origin)),
        _ => None,
    };
    let what = match (password, &name, &resolved.project_id) {
        (Some((user, origin)), _, _) => format!("to log in (user {user:?} from {origin})"),
        (None, Some(name), None) => {
            format!(
                "to find the ID of project {:?} (from {})",
                name.value, name.origin
            )
        }
        (None, None, None) => {
            violations.push("project_id", "is required");
            return Need::Nothing;
        }
        (None, _, Some(_)) => return Need::Nothing,
    };
    if password.is_none() && resolved.credentials.is_none() {
        violations.push(
            "project_name",
            format!("needs credentials (a token or an access key) {what}"),
        );
        return Need::Nothing;
    }
    let Some(url) = auth_url(resolved) else {
        violations.push(
            "auth_url",
            format!(
                "is required {what}: set auth_url (OS_AUTH_URL, auth.auth_url in clouds.yaml) \
                 or a region"
            ),
        );
        return Need::Nothing;
    };
    let Some(auth_url) = url::checked_url(violations, "auth_url", &url.value) else {
        return Need::Nothing;
    };
    if !allow_insecure_http && !url::is_safe_for_credentials(&auth_url) {
        violations.push(
            "auth_url",
            format!(
                "({}), needed {what}, is plain http to a host that is not a loopback address: \
                 the password or signed requests would travel in clear text; use https \
                 (allow_insecure_http(true) lifts this, for tests)",
                url.origin
            ),
        );
    }
    match (password, &resolved.project_id, name) {
        (Some(_), Some(id), _) => Need::Login {
            auth_url,
            scope: ProjectScope::Id(id.value.clone()),
        },
        (Some(_), None, Some(name)) => Need::Login {
            auth_url,
            scope: ProjectScope::Name(name.value),
        },
        (Some(_), None, None) => {
            violations.push(
                "project_id",
                "is required: a login needs a project to scope its token to (give a project \
                 ID, a project name or a region)",
            );
            Need::Nothing
        }
        (None, _, Some(name)) => Need::Lookup {
            auth_url,
            name: name.value,
        },
        (None, _, None) => Need::Nothing,
    }
}
