//! The emulator's IAM, on the same address under `/v3`: configured users (name, password,
//! domain) and projects (name, ID), the tokens it issues (`POST /v3/auth/tokens`), and project
//! lookups (`GET /v3/projects?name=`), with errors in the Keystone form. With users
//! configured, the VPCEP routes accept only the tokens issued here that have not expired
//! (or were revoked).
//!
//! Token lifetimes are counted on tokio's clock, so a paused clock expires them in tests.

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{any, get, post},
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use time::{OffsetDateTime, macros::format_description};
use tokio::time::Instant;

use super::{
    errors::Failure,
    guard,
    iam_state::{IamConfig, Project, User, digest, domain_id, user_id},
    shared::Shared,
    validate,
};
use crate::auth::iam_types::{ProjectRef, TokenRequest};

/// The IAM routes under `/v3`, behind their own guard; any other `/v3` path is a Keystone 404.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/v3/auth/tokens", post(create_token).fallback(not_allowed))
        .route("/v3/projects", get(list_projects).fallback(not_allowed))
        .route("/v3/{*rest}", any(not_found))
        .route("/v3", any(not_found))
        .route_layer(middleware::from_fn_with_state(shared, iam_guard))
}

/// An answer in the Keystone error form.
fn keystone(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {
        "code": status.as_u16(),
        "title": status.canonical_reason().unwrap_or("Error"),
        "message": message,
    }});
    (status, axum::Json(body)).into_response()
}

fn keystone_of(failure: Failure) -> Response {
    keystone(failure.status, &failure.message)
}

/// What Keystone answers a failed authentication.
const UNAUTHORIZED: &str = "The request you have made requires authentication.";

/// Counts the request, applies the next injected fault, refuses a head over the limits,
/// authenticates a project lookup (a token issued here, or an AK/SK signature), and reads the
/// body within the limits; every refusal in the Keystone form.
async fn iam_guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    shared.iam.requests.fetch_add(1, Ordering::Relaxed);
    let checks = guard::Checks {
        throttle: false,
        authenticate: !request.uri().path().ends_with("/auth/tokens"),
    };
    match guard::admitted(&shared, request, checks).await {
        Ok(request) => next.run(request).await,
        Err(guard::Refused::Failure(failure)) => keystone_of(failure),
        Err(guard::Refused::Signature(reason)) => keystone(StatusCode::UNAUTHORIZED, &reason),
    }
}

/// `POST /v3/auth/tokens`: a password login, scoped to a project by ID or by name (with or
/// without its domain), or unscoped.
async fn create_token(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)"));
    if let Err(failure) = validate::content_type(content_type) {
        return keystone(StatusCode::BAD_REQUEST, &failure.message);
    }
    let request: TokenRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return keystone(
                StatusCode::BAD_REQUEST,
                &format!("The request body is not a password login: {e}"),
            );
        }
    };
    let identity = &request.auth.identity;
    if !identity.methods.iter().any(|m| m == "password") {
        return keystone(StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    }
    let given = &identity.password.user;
    let domain_matches = |user: &User| match (&given.domain.name, &given.domain.id) {
        (Some(name), _) => *name == user.domain,
        (None, Some(id)) => *id == domain_id(&user.domain),
        (None, None) => false,
    };
    // Every user's password is compared, so that the time does not tell which users exist.
    let mut found = None;
    for user in &shared.iam.config.users {
        let password = user
            .password
            .expose_secret()
            .as_bytes()
            .ct_eq(given.password.as_bytes());
        if bool::from(password) && user.name == given.name && domain_matches(user) {
            found = Some(user);
        }
    }
    let Some(user) = found else {
        return keystone(StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    };
    let project = match request.auth.scope.as_ref().map(|s| &s.project) {
        None => None,
        Some(scope) => match scoped_project(&shared.iam.config, user, scope) {
            Some(project) => Some(project),
            None => return keystone(StatusCode::UNAUTHORIZED, UNAUTHORIZED),
        },
    };
    let token = format!(
        "MIIEmu{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let ttl = shared.iam.config.token_ttl;
    shared
        .iam
        .issued()
        .insert(digest(token.as_bytes()), Instant::now() + ttl);
    let issued_at = OffsetDateTime::now_utc();
    let catalog = !has_query_key(uri.query(), "nocatalog");
    let body = token_body(user, project, issued_at, ttl, catalog);
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(mut value) = HeaderValue::from_str(&token) {
        value.set_sensitive(true);
        response.headers_mut().insert("x-subject-token", value);
    }
    response
}

/// The project a scope names, if the user may have it: by ID, or by name (in the user's
/// domain when a domain is given).
fn scoped_project<'c>(
    config: &'c IamConfig,
    user: &User,
    scope: &ProjectRef,
) -> Option<&'c Project> {
    if let Some(domain) = &scope.domain {
        let same = domain.name.as_deref() == Some(&user.domain)
            || domain.id.as_deref() == Some(&domain_id(&user.domain));
        if !same {
            return None;
        }
    }
    match (&scope.id, &scope.name) {
        (Some(id), _) => config.projects.iter().find(|p| p.id == *id),
        (None, Some(name)) => config.projects.iter().find(|p| p.name == *name),
        (None, None) => None,
    }
}

/// The 201 body of a login, as IAM writes it.
fn token_body(
    user: &User,
    project: Option<&Project>,
    issued_at: OffsetDateTime,
    ttl: Duration,
    catalog: bool,
) -> Value {
    let domain = json!({"id": domain_id(&user.domain), "name": user.domain});
    let mut token = json!({
        "expires_at": timestamp(issued_at + ttl),
        "issued_at": timestamp(issued_at),
        "methods": ["password"],
        "user": {
            "id": user_id(user),
            "name": user.name,
            "domain": domain,
            "password_expires_at": "",
        },
        "roles": [{"id": "0", "name": "te_admin"}],
    });
    if let Some(project) = project {
        token["project"] = json!({"id": project.id, "name": project.name, "domain": domain});
    }
    if catalog {
        token["catalog"] = json!([]);
    }
    json!({ "token": token })
}

/// IAM's time format: `2026-12-03T10:00:00.000000Z`.
fn timestamp(at: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    at.format(format).unwrap_or_default()
}

/// Whether the query has `key`, with a value or without.
fn has_query_key(query: Option<&str>, key: &str) -> bool {
    query
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair.split('=').next() == Some(key))
}

/// The value of `key` in the query, percent-decoded (`+` is a space).
fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    query.unwrap_or_default().split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// `GET /v3/projects?name=`: the projects of that name (every project without a name).
async fn list_projects(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let name = query_value(uri.query(), "name");
    let domain_id = shared
        .iam
        .config
        .users
        .first()
        .map(|u| domain_id(&u.domain))
        .unwrap_or_default();
    let projects: Vec<Value> = shared
        .iam
        .config
        .projects
        .iter()
        .filter(|p| name.as_ref().is_none_or(|n| *n == p.name))
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "domain_id": domain_id,
                "parent_id": domain_id,
                "enabled": true,
                "is_domain": false,
                "description": "",
            })
        })
        .collect();
    let body = json!({
        "projects": projects,
        "links": {"self": format!("/v3/projects{}", uri.query().map(|q| format!("?{q}")).unwrap_or_default()), "next": null, "previous": null},
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn not_allowed(method: Method) -> Response {
    keystone(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("method {method} is not allowed here"),
    )
}

async fn not_found(uri: Uri) -> Response {
    keystone(
        StatusCode::NOT_FOUND,
        &format!("Could not find {}.", uri.path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nocatalog_is_found_with_or_without_a_value() {
        assert!(has_query_key(Some("nocatalog"), "nocatalog"));
        assert!(has_query_key(Some("a=1&nocatalog=true"), "nocatalog"));
        assert!(!has_query_key(Some("nocatalogue=1"), "nocatalog"));
        assert!(!has_query_key(None, "nocatalog"));
        assert_eq!(
            query_value(Some("name=eu-de_my%20project"), "name").as_deref(),
            Some("eu-de_my project")
        );
    }
}
