//! The guard every request passes before it is routed: its `X-Request-Id`, the injected faults,
//! the rate limit and failure rate, the size limits of its head, authentication as far as the
//! headers go (a token wholly, a signature but for its body), the bounded read of its body, and
//! the signature's body hash.

use std::{
    sync::Arc,
    time::{Instant, SystemTime},
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::{
    errors::{Code, Failure},
    limits::{MAX_BODY_BYTES, MAX_HEAD_BYTES, MAX_HEADERS},
    shared::Shared,
    signature::{self, Arrived, Refusal},
    state::FaultKind,
};

/// The id of a request, in its extensions, for answers that carry it in their body too.
#[derive(Clone, Debug)]
struct RequestId(String);

/// Gives the request its id and puts it on the answer as `X-Request-Id`.
pub(crate) async fn with_request_id(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let value = HeaderValue::from_str(&id).ok();
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    if let Some(value) = value {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Applies the next injected fault, the rate limit and the failure rate, refuses a head or a
/// declared body over the limits, authenticates what the headers can (a token wholly, a
/// signature but for its body), reads the body, and checks a signature's body hash.
pub(crate) async fn guard(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let checks = Checks {
        throttle: true,
        authenticate: true,
    };
    match admitted(&shared, request, checks).await {
        Ok(request) => next.run(request).await,
        Err(Refused::Failure(failure)) => failure.into_response(),
        Err(Refused::Signature(reason)) => {
            Failure::new(Code::Unauthenticated, reason).into_response()
        }
    }
}

/// Which of the optional checks a route's requests pass in [`admitted`].
pub(crate) struct Checks {
    /// The rate limit and the injected failure rate.
    pub(crate) throttle: bool,
    /// A token or an AK/SK signature.
    pub(crate) authenticate: bool,
}

/// Why [`admitted`] refused a request.
pub(crate) enum Refused {
    /// A fault, a limit, the throttle, or the authentication of the headers.
    Failure(Failure),
    /// The AK/SK signature does not cover what arrived, and why.
    Signature(String),
}

/// The request as the routes get it, its body read within the limits, once it passed the
/// next injected fault, `checks`, the head's limits and the signature over its body.
pub(crate) async fn admitted(
    shared: &Shared,
    request: Request,
    checks: Checks,
) -> Result<Request, Refused> {
    // The store's lock is released before any wait.
    let fault = shared.store().arrive();
    match fault {
        Some(FaultKind::Fail(failure)) => return Err(Refused::Failure(failure)),
        Some(FaultKind::Delay(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    if checks.throttle
        && let Some(failure) = shared.throttle.refusal(request.uri().path())
    {
        return Err(Refused::Failure(failure));
    }
    let (parts, body) = request.into_parts();
    check_head(&parts).map_err(Refused::Failure)?;
    let signed = checks.authenticate
        && authenticate(shared, &parts, SystemTime::now()).map_err(Refused::Failure)?;
    let bytes = read_body(shared, body).await.map_err(Refused::Failure)?;
    if signed {
        let arrived = Arrived {
            method: &parts.method,
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            body: &bytes,
        };
        signature::verify(&shared.access.keys, &arrived, SystemTime::now())
            .map_err(Refused::Signature)?;
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Refuses more than [`MAX_HEADERS`] headers or a head over [`MAX_HEAD_BYTES`] (431), and a
/// `Content-Length` over [`MAX_BODY_BYTES`] (413), before anything else is read.
pub(crate) fn check_head(parts: &Parts) -> Result<(), Failure> {
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
    let head_bytes = parts.uri.path_and_query().map_or(0, |p| p.as_str().len())
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
pub(crate) async fn read_body(shared: &Shared, body: Body) -> Result<Bytes, Failure> {
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
/// whether the signature is still to be checked against the body. With IAM users configured,
/// a token must be one the emulator issued, unexpired (or one configured).
pub(crate) fn authenticate(
    shared: &Shared,
    parts: &Parts,
    now: SystemTime,
) -> Result<bool, Failure> {
    let access = &shared.access;
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
    let issued = shared.iam.has_users();
    let accepted = (!issued && access.tokens.is_empty())
        || (issued && shared.iam.accepts(token.as_bytes()))
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
