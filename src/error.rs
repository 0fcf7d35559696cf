//! [`Error`]: the one error type of the ergonomic layer, with [`ApiError`] (an error answer
//! of the API) and [`WaitError`] (why a wait ended), which it holds and which can hold it.

use std::{fmt, time::Duration};

use crate::{
    OpenEnum,
    config::tls::{TlsError, rustls_error},
    runtime::{
        answer::{Answer, ErrorBody, MAX_BODY_BYTES, REQUEST_ID, request_id_text},
        retry,
    },
    spec::{generated, validation::Violations},
    types::{EndpointStatus, ErrorResponse, ServiceError, ServiceStatus},
};

/// What can go wrong when building a client or sending a request.
///
/// ```
/// # fn handle(error: otc_vpcep::Error) {
/// use otc_vpcep::Error;
///
/// match &error {
///     Error::Api(api) if api.code_is("EndPoint.0005") => println!("no such service"),
///     Error::Api(api) => println!("HTTP {}: {}", api.status, api.message),
///     Error::Timeout(_) | Error::Transport(_) => println!("network trouble"),
///     _ => println!("{error}"),
/// }
/// println!("retryable: {}, request id: {:?}", error.is_retryable(), error.request_id());
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration breaks a rule; nothing was sent.
    #[error("invalid client configuration: {0}")]
    InvalidConfig(Violations),
    /// The request breaks documented rules (every violation is listed); nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(Violations),
    /// The service (or the gateway in front of it) answered with an error status.
    #[error("{0}")]
    Api(ApiError),
    /// The last attempt did not complete within its timeout (connect or total). `Display`
    /// ends with the innermost cause, such as `operation timed out`.
    #[error("request timed out: {}", with_cause(.0))]
    Timeout(#[source] reqwest::Error),
    /// The request or its answer could not be carried (connection refused or reset, TLS, ...).
    /// `Display` ends with the innermost cause, such as `connection closed before message
    /// completed`.
    #[error("transport error: {}", with_cause(.0))]
    Transport(#[source] reqwest::Error),
    /// The TLS handshake failed: the server's certificate is not trusted (or expired, or for
    /// another name), or the handshake broke. Names the host.
    #[error("{0}")]
    Tls(#[source] TlsError),
    /// The service answered something that is not the documented shape.
    #[error("undecodable response{}: {reason}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    InvalidResponse {
        /// The HTTP status of the answer, when known (always known for calls made through
        /// [`Client`](crate::Client)).
        status: Option<u16>,
        /// What failed to decode.
        reason: String,
        /// The start of the body (at most 512 bytes, lossily decoded as UTF-8).
        excerpt: String,
        /// The `X-Request-Id` of the answer, if any.
        request_id: Option<String>,
    },
    /// A wait for a service to be `available` (or gone, or a connection to be `accepted`)
    /// ended without it: the service is `failed`, `deleting` or gone, the connection
    /// `rejected` or `failed`, or the time was up (see [`WaitError`]).
    #[error(transparent)]
    Wait(Box<WaitError>),
    /// A password login, or the lookup of the project's ID from its name, failed (see
    /// [`IamError`](crate::IamError)); names the user, domain, project and IAM endpoint, never
    /// the password.
    #[error(transparent)]
    Iam(Box<crate::IamError>),
    /// The client's [`RetryBudget`](crate::RetryBudget) is spent: this failure was worth a
    /// retry, but it is returned at once (many calls are failing; retrying them all would
    /// only add load). Carries the last failure; its status, code and request id are the
    /// error's own.
    #[error("retry budget spent, not retried: {0}")]
    RetryBudgetSpent(#[source] Box<Error>),
    /// No VPC endpoint service has the name looked for (see
    /// [`Client::find_endpoint_service`](crate::Client::find_endpoint_service)).
    #[error("no VPC endpoint service is named {name:?}")]
    NotFound {
        /// The name looked for.
        name: String,
    },
    /// More than one VPC endpoint service has the name looked for; `ids` are theirs.
    #[error(
        "{} VPC endpoint services are named {name:?}: {}; use an ID",
        ids.len(),
        ids.join(", ")
    )]
    AmbiguousName {
        /// The name looked for.
        name: String,
        /// The IDs of the services of that name.
        ids: Vec<String>,
    },
    /// A create was sent, and its answer was lost (the connection broke after the request
    /// was sent, the time was up, or the service answered 5xx): the service may have been
    /// created. It is never sent again blindly. `candidates` are the services created since
    /// the call began whose name is the one sent (none looked for without a name).
    #[error("{}", create_outcome_unknown(name.as_deref(), candidates, source))]
    CreateOutcomeUnknown {
        /// The name sent, if any.
        name: Option<String>,
        /// The IDs of the services of that name created since the call began.
        candidates: Vec<String>,
        /// The failure that lost the answer.
        #[source]
        source: Box<Error>,
    },
    /// The service cannot be deleted: VPC endpoints are still connected to it
    /// (`EndPoint.3006`). Reject or delete them first.
    #[error("service {service_id} is in use (VPC endpoints are connected to it): {error}")]
    InUse {
        /// The service.
        service_id: String,
        /// The API's answer.
        error: Box<ApiError>,
    },
}

/// The text of [`Error::CreateOutcomeUnknown`]: what happened, and what to look for.
fn create_outcome_unknown(name: Option<&str>, candidates: &[String], source: &Error) -> String {
    let head = format!("the create's answer was lost ({source}), so it may have happened");
    match (name, candidates) {
        (None, _) => format!(
            "{head}; it was not sent again: list the services (`vpcep list`) and look for one \
             created since the call began, with the same port_id"
        ),
        (Some(name), []) => format!(
            "{head}; no service named {name:?} was created since the call began, but one may \
             still appear: list the services named {name:?} before creating it again"
        ),
        (Some(name), ids) => format!(
            "{head}; {} services named {name:?} were created since the call began: {}",
            ids.len(),
            ids.join(", ")
        ),
    }
}

impl Error {
    /// Whether trying the same call again may succeed: a timeout, a broken connection, HTTP
    /// 500/502/503/504, or the rate limit (HTTP 400 `EndPoint.0022`). The client already
    /// retried such failures as its [`RetryPolicy`](crate::RetryPolicy) allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => api.is_retryable(),
            Self::Timeout(_) => true,
            Self::Transport(e) => retry::is_retryable_transport(e),
            // Waiting longer may see the service available.
            Self::Wait(wait) => matches!(
                **wait,
                WaitError::TimedOut { .. }
                    | WaitError::NotGone { .. }
                    | WaitError::ConnectionTimedOut { .. }
            ),
            // The failure itself may pass later; the budget refills with successes.
            Self::RetryBudgetSpent(last) => last.is_retryable(),
            Self::Tls(_) => false,
            Self::Iam(iam) => iam.is_retryable(),
            Self::InvalidConfig(_)
            | Self::InvalidRequest(_)
            | Self::InvalidResponse { .. }
            | Self::NotFound { .. }
            | Self::AmbiguousName { .. }
            | Self::CreateOutcomeUnknown { .. }
            | Self::InUse { .. } => false,
        }
    }

    /// The error code of an API error (such as `EndPoint.0005` or `APIG.0303`), if any.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.error_code(),
            Self::Wait(wait) => wait.api_error().and_then(ApiError::error_code),
            Self::RetryBudgetSpent(last) => last.error_code(),
            Self::InUse { error, .. } => error.error_code(),
            _ => None,
        }
    }

    /// The request id of the answer (from `X-Request-Id`, or the gateway's `request_id`).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id.as_deref(),
            Self::Wait(wait) => wait.api_error().and_then(|api| api.request_id.as_deref()),
            Self::InvalidResponse { request_id, .. } => request_id.as_deref(),
            Self::RetryBudgetSpent(last) => last.request_id(),
            Self::InUse { error, .. } => error.request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Wait(wait) => wait.api_error().map(|api| api.status),
            Self::InvalidResponse { status, .. } => *status,
            Self::Timeout(e) | Self::Transport(e) => e.status().map(|s| s.as_u16()),
            Self::Iam(iam) => iam.status(),
            Self::RetryBudgetSpent(last) => last.status(),
            Self::InUse { error, .. } => Some(error.status),
            Self::CreateOutcomeUnknown { source, .. } => source.status(),
            Self::Tls(_)
            | Self::InvalidConfig(_)
            | Self::InvalidRequest(_)
            | Self::NotFound { .. }
            | Self::AmbiguousName { .. } => None,
        }
    }
}

/// The error's text, then the text of its innermost cause when that adds to it (as
/// `error sending request for url (...): connection closed before message completed`). The
/// causes of a transport error are hyper's, the operating system's and the TLS library's
/// reasons: they carry no header, so no credential.
pub(crate) fn with_cause(error: &reqwest::Error) -> String {
    let text = error.to_string();
    let mut innermost: &dyn std::error::Error = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let reason = innermost.to_string();
    if reason.is_empty() || text.contains(&reason) {
        text
    } else {
        format!("{text}: {reason}")
    }
}

/// An error answered by the service (or by the API gateway in front of it).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The error code, such as `EndPoint.0005`, or empty when the body carried none; compare it
    /// with [`ApiError::code_is`].
    pub code: String,
    /// The error message, or the status's reason phrase when the body carried none.
    pub message: String,
    /// The `X-Request-Id` of the answer (or the gateway's `request_id`), if any.
    pub request_id: Option<String>,
    /// The body (at most 4 KiB, lossily decoded as UTF-8) when it was not a JSON error body,
    /// for example a gateway's HTML page.
    pub raw_body: Option<String>,
    /// How many attempts the call made before this answer (1 when it was not retried): an
    /// earlier attempt, whose answer was lost or worth a retry, may have taken effect.
    pub attempts: u32,
}

impl ApiError {
    /// Whether the code is `code`, ignoring case (the service spells one `Endpoint.1018`).
    pub fn code_is(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
    }

    /// The error code, or `None` when the body carried none.
    pub fn error_code(&self) -> Option<&str> {
        Some(self.code.as_str()).filter(|c| !c.is_empty())
    }

    /// Whether the same call may succeed later: HTTP 500/502/503/504 or the rate limit
    /// (HTTP 400 `EndPoint.0022`).
    pub fn is_retryable(&self) -> bool {
        retry::is_retryable_answer(self.status, self.error_code())
    }

    /// Builds the error of an answer with `status` and `body` (read tolerantly, see
    /// [`ErrorBody::parse`]); the header's `request_id` wins over the body's.
    pub(crate) fn from_answer(status: u16, request_id: Option<String>, body: &[u8]) -> Self {
        let parsed = ErrorBody::parse(body);
        let found = parsed.as_ref().is_some_and(ErrorBody::is_useful);
        let parsed = parsed.unwrap_or_default();
        let message = parsed.message.filter(|m| !m.is_empty()).unwrap_or_else(|| {
            http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("unknown status")
                .to_owned()
        });
        Self {
            status,
            code: parsed.code.unwrap_or_default(),
            message,
            request_id: request_id.or(parsed.request_id),
            raw_body: (!found).then(|| bounded(body, RAW_BODY_BYTES)),
            attempts: 1,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if !self.code.is_empty() {
            write!(f, " {}", self.code)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// At most this many bytes of an undecodable body are kept.
pub(crate) const EXCERPT_BYTES: usize = 512;
/// At most this many bytes of a non-JSON error body are kept.
const RAW_BODY_BYTES: usize = 4096;

/// The first `limit` bytes of `body`, lossily decoded as UTF-8.
pub(crate) fn bounded(body: &[u8], limit: usize) -> String {
    String::from_utf8_lossy(&body[..body.len().min(limit)]).into_owned()
}

/// The excerpt of an undecodable body kept in [`Error::InvalidResponse`].
pub(crate) fn excerpt(body: &[u8]) -> String {
    bounded(body, EXCERPT_BYTES)
}

fn header_request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    request_id_text(headers.get(REQUEST_ID))
}

impl Error {
    /// The error of one call through the generated client, completed with what its final
    /// answer was (status, request id, body excerpt), as the `exec` hook recorded it.
    pub(crate) fn from_call(
        error: generated::Error<ErrorResponse>,
        answer: Option<&Answer>,
    ) -> Self {
        use generated::Error as E;
        match error {
            E::ErrorResponse(answer) => {
                let request_id = header_request_id(answer.headers());
                let status = answer.status().as_u16();
                let body = answer.into_inner();
                Self::Api(ApiError {
                    status,
                    code: body.error_code,
                    message: body.error_msg,
                    request_id: request_id.or(body.request_id),
                    raw_body: None,
                    attempts: 1,
                })
            }
            E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
                if e.is_timeout() {
                    Self::Timeout(e)
                } else {
                    transport_error(e)
                }
            }
            E::InvalidResponsePayload(body, e) => match answer {
                // An error status whose body is not the documented error shape.
                Some(answer) if answer.status >= 400 => Self::Api(ApiError::from_answer(
                    answer.status,
                    answer.request_id(),
                    &body,
                )),
                _ => Self::InvalidResponse {
                    status: answer.map(|a| a.status),
                    reason: match answer {
                        Some(a) if a.body_cut => {
                            format!("the body is longer than {MAX_BODY_BYTES} bytes")
                        }
                        _ => e.to_string(),
                    },
                    excerpt: excerpt(&body),
                    request_id: answer.and_then(Answer::request_id),
                },
            },
            E::UnexpectedResponse(response) => Self::InvalidResponse {
                status: Some(response.status().as_u16()),
                reason: format!("unexpected HTTP status {}", response.status()),
                excerpt: answer.map(|a| excerpt(&a.body)).unwrap_or_default(),
                request_id: header_request_id(response.headers()),
            },
            E::InvalidRequest(reason) | E::Custom(reason) => {
                let mut violations = Violations::default();
                violations.push("request", reason);
                Self::InvalidRequest(violations)
            }
        }
    }
}

impl Error {
    /// The error of a success answer whose body is not a JSON object (which would otherwise
    /// decode as a service if it is a list of values).
    pub(crate) fn not_an_object(answer: &Answer) -> Self {
        Self::InvalidResponse {
            status: Some(answer.status),
            reason: "the answer is not a JSON object".to_owned(),
            excerpt: excerpt(&answer.body),
            request_id: answer.request_id(),
        }
    }
}

impl From<generated::Error<ErrorResponse>> for Error {
    /// Converts an error of the [raw client](crate::raw::Client). Prefer the ergonomic
    /// operations: only they know the status of an answer whose body did not decode.
    fn from(error: generated::Error<ErrorResponse>) -> Self {
        Self::from_call(error, None)
    }
}

/// A transport error as the crate reports it: [`Error::Tls`](Error::Tls) when the TLS
/// handshake failed, else [`Error::Transport`](Error::Transport).
pub(crate) fn transport_error(error: reqwest::Error) -> Error {
    match rustls_error(&error) {
        Some(tls) => {
            let reason = tls.to_string();
            let host = error
                .url()
                .and_then(|url| url.host_str().map(|host| (host, url.port())))
                .map(|(host, port)| match port {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
                .unwrap_or_else(|| "the server".to_owned());
            Error::Tls(TlsError {
                host,
                reason,
                source: error,
            })
        }
        None => Error::Transport(error),
    }
}

/// Why a wait for a service to be `available` (or, after a delete, gone) ended without it
/// (in [`Error::Wait`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// The service is `failed`; `errors` are the reasons it gives (its `error` entries, in
    /// either spelling: `error_code`/`error_message` or `code`/`message`).
    Failed {
        /// The service waited for.
        service_id: String,
        /// The service's `error` entries (may be empty).
        errors: Vec<ServiceError>,
    },
    /// The service is being deleted.
    Deleting {
        /// The service waited for.
        service_id: String,
    },
    /// The service does not exist (any more): the API answered HTTP 404.
    NotFound {
        /// The service waited for.
        service_id: String,
        /// The API's answer (code `EndPoint.0005` from the service itself).
        error: ApiError,
    },
    /// The time was up before the deleted service was gone.
    NotGone {
        /// The service waited for.
        service_id: String,
        /// The time limit of the wait.
        timeout: Duration,
        /// The status last seen (`None` when no poll answered, or the answer had none).
        last_status: Option<OpenEnum<ServiceStatus>>,
        /// Why the last poll failed, when it did (in a way worth retrying).
        last_error: Option<Box<Error>>,
    },
    /// The VPC endpoint's connection was rejected (waited for by
    /// [`Client::wait_for_connection`](crate::Client::wait_for_connection)).
    Rejected {
        /// The service.
        service_id: String,
        /// The VPC endpoint waited for.
        endpoint_id: String,
    },
    /// The VPC endpoint's connection is `failed`; `errors` are the reasons it gives.
    ConnectionFailed {
        /// The service.
        service_id: String,
        /// The VPC endpoint waited for.
        endpoint_id: String,
        /// The connection's `error` entries (may be empty).
        errors: Vec<ServiceError>,
    },
    /// The time was up before the VPC endpoint's connection was `accepted`.
    ConnectionTimedOut {
        /// The service.
        service_id: String,
        /// The VPC endpoint waited for.
        endpoint_id: String,
        /// The time limit of the wait.
        timeout: Duration,
        /// The status last seen (`None` when the service never listed the endpoint).
        last_status: Option<OpenEnum<EndpointStatus>>,
        /// Why the last poll failed, when it did (in a way worth retrying).
        last_error: Option<Box<Error>>,
    },
    /// The time was up before the service was `available`.
    TimedOut {
        /// The service waited for.
        service_id: String,
        /// The time limit of the wait.
        timeout: Duration,
        /// The status last seen (`None` when no poll answered, or the answer had none).
        last_status: Option<OpenEnum<ServiceStatus>>,
        /// Why the last poll failed, when it did (in a way worth retrying).
        last_error: Option<Box<Error>>,
    },
}

impl WaitError {
    /// The service waited for.
    pub fn service_id(&self) -> &str {
        match self {
            Self::Failed { service_id, .. }
            | Self::Deleting { service_id }
            | Self::NotFound { service_id, .. }
            | Self::NotGone { service_id, .. }
            | Self::Rejected { service_id, .. }
            | Self::ConnectionFailed { service_id, .. }
            | Self::ConnectionTimedOut { service_id, .. }
            | Self::TimedOut { service_id, .. } => service_id,
        }
    }
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed { service_id, errors } => {
                write!(f, "service {service_id} is failed")?;
                reasons(f, errors)
            }
            Self::Rejected {
                service_id,
                endpoint_id,
            } => write!(
                f,
                "the connection of VPC endpoint {endpoint_id} to service {service_id} was rejected"
            ),
            Self::ConnectionFailed {
                service_id,
                endpoint_id,
                errors,
            } => {
                write!(
                    f,
                    "the connection of VPC endpoint {endpoint_id} to service {service_id} is failed"
                )?;
                reasons(f, errors)
            }
            Self::ConnectionTimedOut {
                service_id,
                endpoint_id,
                timeout,
                last_status,
                last_error,
            } => {
                write!(
                    f,
                    "the connection of VPC endpoint {endpoint_id} to service {service_id} is not \
                     accepted after {timeout:?}: "
                )?;
                match last_status {
                    Some(status) => write!(f, "its last status was {status}")?,
                    None => f.write_str("the service did not list it")?,
                }
                if let Some(error) = last_error {
                    write!(f, "; the last poll failed: {error}")?;
                }
                Ok(())
            }
            Self::Deleting { service_id } => write!(f, "service {service_id} is being deleted"),
            Self::NotFound { service_id, error } => {
                write!(f, "service {service_id} does not exist: {error}")
            }
            Self::TimedOut {
                service_id,
                timeout,
                last_status,
                last_error,
            }
            | Self::NotGone {
                service_id,
                timeout,
                last_status,
                last_error,
            } => {
                let what = if matches!(self, Self::NotGone { .. }) {
                    "still there"
                } else {
                    "not available"
                };
                write!(f, "service {service_id} is {what} after {timeout:?}: ")?;
                match last_status {
                    Some(status) => write!(f, "its last status was {status}")?,
                    None => f.write_str("no status was seen")?,
                }
                if let Some(error) = last_error {
                    write!(f, "; the last poll failed: {error}")?;
                }
                Ok(())
            }
        }
    }
}

/// The reasons a failed service or connection gives (its `error` entries, in either
/// spelling), after `: `.
fn reasons(f: &mut fmt::Formatter<'_>, errors: &[ServiceError]) -> fmt::Result {
    if errors.is_empty() {
        return f.write_str(" (it gives no reason)");
    }
    for (i, error) in errors.iter().enumerate() {
        f.write_str(if i == 0 { ": " } else { "; " })?;
        let code = error.error_code.as_deref().or(error.code.as_deref());
        let message = error.error_message.as_deref().or(error.message.as_deref());
        match (code, message) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}")?,
            (Some(text), None) | (None, Some(text)) => f.write_str(text)?,
            (None, None) => f.write_str("(no code or message)")?,
        }
    }
    Ok(())
}

impl From<WaitError> for Error {
    fn from(error: WaitError) -> Self {
        Self::Wait(Box::new(error))
    }
}

impl WaitError {
    /// The API's error, for a service that does not exist.
    pub(crate) fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::NotFound { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::TimedOut {
                last_error: Some(error),
                ..
            }
            | Self::ConnectionTimedOut {
                last_error: Some(error),
                ..
            } => Some(error.as_ref()),
            _ => None,
        }
    }
}

impl From<crate::IamError> for Error {
    fn from(error: crate::IamError) -> Self {
        Self::Iam(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_error_keeps_raw_body_and_a_message() {
        let page = "<html><body>502 Bad Gateway</body></html>";
        let e = ApiError::from_answer(502, Some("rid".into()), page.as_bytes());
        assert_eq!(e.status, 502);
        assert_eq!(e.error_code(), None);
        assert_eq!(e.message, "Bad Gateway");
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        assert_eq!(e.raw_body.as_deref(), Some(page));
        assert!(e.is_retryable());
    }

    #[test]
    fn raw_body_is_bounded() {
        let big = vec![b'x'; 10 * RAW_BODY_BYTES];
        let e = ApiError::from_answer(503, None, &big);
        assert_eq!(e.raw_body.map(|b| b.len()), Some(RAW_BODY_BYTES));
    }

    #[test]
    fn header_request_id_wins_over_body() {
        let e = ApiError::from_answer(
            400,
            Some("header".into()),
            br#"{"code":"EndPoint.0022","message":"slow down","request_id":"body"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("header"));
        assert!(e.code_is("ENDPOINT.0022"));
        assert!(e.is_retryable());
        assert_eq!(e.raw_body, None);
    }

    #[test]
    fn display_without_code() {
        let e = ApiError::from_answer(504, None, b"");
        assert_eq!(e.to_string(), "HTTP 504: Gateway Timeout");
    }
}
