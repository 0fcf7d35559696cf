//! The emulator's HTTP face: the router, the guard every request passes (injected faults,
//! authentication), the modify handler, and JSON answers for everything else.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::SystemTime,
};

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{
        Path, Request, State,
        rejection::{BytesRejection, PathRejection},
    },
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::put,
};
use secrecy::{ExposeSecret, SecretString};
use time::{OffsetDateTime, macros::format_description};

use super::{
    errors::{Code, Failure},
    signature::{self, Arrived},
    state::{FaultKind, Store},
    validate,
};
use crate::types::EndpointService;

/// The one path the API serves.
pub(crate) const PATH: &str = "/v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}";
/// The largest request body the emulator reads, in bytes (1 MiB).
pub const MAX_BODY_BYTES: usize = 1 << 20;

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
    /// The region in decorated service names.
    pub(crate) region: String,
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
            let id = service.id.as_deref().unwrap_or_default();
            service.service_name = Some(format!("{}.{name}.{id}", self.region));
        }
        service
    }
}

/// The emulator's router: the modify operation, JSON answers for any other path or method,
/// the guard, and an `X-Request-Id` on every answer.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(PATH, put(modify).fallback(method_not_allowed))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .layer(middleware::map_response(with_request_id))
        .with_state(shared)
}

async fn with_request_id(mut response: Response) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Applies the next injected fault, reads the body, and authenticates the request.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let fault = shared.store().arrive();
    match fault {
        Some(FaultKind::Fail(failure)) => return failure.into_response(),
        Some(FaultKind::Delay(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return Failure::new(
            Code::ParameterError,
            "the body could not be read or is larger than 1 MiB",
        )
        .into_response();
    };
    if let Err(reason) = authenticate(&shared.access, &parts, &bytes, SystemTime::now()) {
        return Failure::new(Code::Unauthenticated, reason).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Accepts a valid AK/SK signature (when an `Authorization` header is sent) or a token.
fn authenticate(
    access: &Access,
    parts: &Parts,
    body: &[u8],
    now: SystemTime,
) -> Result<(), String> {
    if parts.headers.contains_key(header::AUTHORIZATION) {
        if access.keys.is_empty() {
            return Err("AK/SK signatures are not configured on this emulator".to_owned());
        }
        let arrived = Arrived {
            method: &parts.method,
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            body,
        };
        return signature::verify(&access.keys, &arrived, now);
    }
    let token = parts
        .headers
        .get("x-auth-token")
        .ok_or("send an X-Auth-Token header or sign the request (SDK-HMAC-SHA256)")?;
    if token.is_empty() {
        return Err("the X-Auth-Token header is empty".to_owned());
    }
    let accepted = access.tokens.is_empty()
        || access
            .tokens
            .iter()
            .any(|t| t.expose_secret().as_bytes() == token.as_bytes());
    if accepted {
        Ok(())
    } else {
        Err("the token is not accepted".to_owned())
    }
}

/// `PUT /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
async fn modify(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EndpointService>, Failure> {
    let Path((project_id, service_id)) =
        path.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    let body = body.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    let project_id = validate::project_id(&project_id)?;
    let service_id = validate::service_id(&service_id)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)"));
    validate::content_type(content_type)?;
    let change = validate::body(&body)?;
    let service = shared
        .store()
        .modify(&project_id, service_id, change, now())?;
    Ok(Json(shared.answered(service)))
}

/// The time as the service writes `updated_at`: `YYYY-MM-DDTHH:MM:SSZ`, UTC.
fn now() -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::now_utc().format(format).unwrap_or_default()
}

async fn method_not_allowed(method: Method) -> Failure {
    let mut failure = Failure::new(
        Code::ParameterError,
        format!("method {method} is not allowed here; use PUT"),
    );
    failure.status = StatusCode::METHOD_NOT_ALLOWED;
    failure.allow = Some("PUT");
    failure
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Failure {
    Failure::new(Code::NotFound, format!("no API at {method} {}", uri.path()))
}
