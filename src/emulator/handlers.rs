//! The emulator's HTTP face: the router, the guard every request passes (injected faults,
//! the size limits, authentication, the body read), the modify handler, and JSON answers for
//! everything else.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::{Instant, SystemTime},
};

use axum::{
    Json, Router,
    body::{Body, Bytes, HttpBody},
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
use subtle::ConstantTimeEq;
use time::{OffsetDateTime, macros::format_description};
use tokio::sync::Semaphore;

use super::{
    errors::{Code, Failure},
    limits::{Limits, MAX_BODY_BYTES, MAX_HEAD_BYTES, MAX_HEADERS},
    signature::{self, Arrived, Refusal},
    state::{FaultKind, Store},
    validate,
};
use crate::types::EndpointService;

/// The one path the API serves.
pub(crate) const PATH: &str = "/v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}";

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
    pub(crate) limits: Limits,
    /// One permit per body read at once.
    pub(crate) body_reads: Semaphore,
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
        .layer(middleware::from_fn(with_request_id))
        .with_state(shared)
}

/// The id of a request, in its extensions, for answers that carry it in their body too.
#[derive(Clone, Debug)]
struct RequestId(String);

/// Gives the request its id and puts it on the answer as `X-Request-Id`.
async fn with_request_id(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let value = HeaderValue::from_str(&id).ok();
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    if let Some(value) = value {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Applies the next injected fault, refuses a head or a declared body over the limits,
/// authenticates what the headers can (a token wholly, a signature but for its body), reads
/// the body, and checks a signature's body hash.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let fault = shared.store().arrive();
    match fault {
        Some(FaultKind::Fail(failure)) => return failure.into_response(),
        Some(FaultKind::Delay(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    let (parts, body) = request.into_parts();
    if let Err(failure) = check_head(&parts) {
        return failure.into_response();
    }
    let signed = match authenticate(&shared.access, &parts, SystemTime::now()) {
        Ok(signed) => signed,
        Err(failure) => return failure.into_response(),
    };
    let bytes = match read_body(&shared, body).await {
        Ok(bytes) => bytes,
        Err(failure) => return failure.into_response(),
    };
    if signed {
        let arrived = Arrived {
            method: &parts.method,
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            body: &bytes,
        };
        if let Err(reason) = signature::verify(&shared.access.keys, &arrived, SystemTime::now()) {
            return Failure::new(Code::Unauthenticated, reason).into_response();
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Refuses more than [`MAX_HEADERS`] headers or a head over [`MAX_HEAD_BYTES`] (431), and a
/// `Content-Length` over [`MAX_BODY_BYTES`] (413), before anything else is read.
fn check_head(parts: &Parts) -> Result<(), Failure> {
    let too_large = |detail: String| {
        Failure::with_status(
            Code::ParameterError,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            detail,
        )
    };
    if parts.headers.len() > MAX_HEADERS {
        return Err(too_large(format!(
            "{} header lines, more than {MAX_HEADERS}",
            parts.headers.len()
        )));
    }
    let head_bytes = parts.uri.to_string().len()
        + parts
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum::<usize>();
    if head_bytes > MAX_HEAD_BYTES {
        return Err(too_large(format!(
            "the request target and headers are {head_bytes} bytes, more than {MAX_HEAD_BYTES}"
        )));
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|l| *l > MAX_BODY_BYTES as u64) {
        return Err(body_too_large(&format!("Content-Length {length}")));
    }
    Ok(())
}

/// The answer to a body over [`MAX_BODY_BYTES`]: 413 `EndPoint.0002`.
fn body_too_large(detail: &str) -> Failure {
    Failure::with_status(
        Code::ParameterError,
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the body is larger than 1 MiB ({MAX_BODY_BYTES} bytes): {detail}"),
    )
}

/// Reads the body, one of at most `max_body_reads` at once, within the body-read timeout.
async fn read_body(shared: &Shared, body: Body) -> Result<Bytes, Failure> {
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    let timeout = shared.limits.body_read_timeout;
    let started = Instant::now();
    let Ok(Ok(_turn)) = tokio::time::timeout(timeout, shared.body_reads.acquire()).await else {
        return Err(Failure::new(
            Code::SystemError,
            "too many request bodies are being read; try again",
        ));
    };
    let left = timeout.saturating_sub(started.elapsed());
    match tokio::time::timeout(left, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) if is_length_limit(&error) => Err(body_too_large("the body sent")),
        Ok(Err(_)) => Err(Failure::new(
            Code::ParameterError,
            "the body could not be read",
        )),
        Err(_) => Err(Failure::with_status(
            Code::ParameterError,
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the body did not arrive within {} ms of the headers",
                timeout.as_millis()
            ),
        )),
    }
}

/// Whether reading a body failed because it passed the limit.
fn is_length_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// Authenticates what the headers tell: a token (compared in constant time) wholly, or an
/// AK/SK signature (when an `Authorization` header is sent) but for its body hash. Returns
/// whether the signature is still to be checked against the body.
fn authenticate(access: &Access, parts: &Parts, now: SystemTime) -> Result<bool, Failure> {
    let refused = |reason: &str| Failure::new(Code::Unauthenticated, reason);
    if parts.headers.contains_key(header::AUTHORIZATION) {
        if access.keys.is_empty() {
            return Err(refused(
                "AK/SK signatures are not configured on this emulator",
            ));
        }
        return match signature::check_headers(&access.keys, &parts.headers, now) {
            Ok(()) => Ok(true),
            Err(Refusal::Invalid(reason)) => Err(refused(&reason)),
            Err(Refusal::Unsigned(reason)) => {
                let id = parts.extensions.get::<RequestId>().map(|id| id.0.clone());
                Err(Failure::gateway(&reason, id))
            }
        };
    }
    let token = parts.headers.get("x-auth-token").ok_or_else(|| {
        refused("send an X-Auth-Token header or sign the request (SDK-HMAC-SHA256)")
    })?;
    if token.is_empty() {
        return Err(refused("the X-Auth-Token header is empty"));
    }
    let accepted = access.tokens.is_empty()
        || bool::from(
            access
                .tokens
                .iter()
                .fold(subtle::Choice::from(0), |found, t| {
                    found | t.expose_secret().as_bytes().ct_eq(token.as_bytes())
                }),
        );
    if accepted {
        Ok(false)
    } else {
        Err(refused("the token is not accepted"))
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
