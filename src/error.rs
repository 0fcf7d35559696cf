//! [`Error`]: the one error type of the ergonomic layer, and the tolerant reading of error
//! bodies.

use std::fmt;

use serde_json::{Map, Value};

use crate::{
    generated,
    hooks::{Answer, MAX_BODY_BYTES},
    retry,
    types::ErrorResponse,
    validation::Violations,
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
    /// The last attempt did not complete within its timeout (connect or total).
    #[error("request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The request or its answer could not be carried (connection refused or reset, ...).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The TLS handshake failed: the server's certificate is not trusted (or expired, or for
    /// another name), or the handshake broke. Names the host.
    #[error("{0}")]
    Tls(#[source] crate::TlsError),
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
            Self::Tls(_) => false,
            Self::InvalidConfig(_) | Self::InvalidRequest(_) | Self::InvalidResponse { .. } => {
                false
            }
        }
    }

    /// The error code of an API error (such as `EndPoint.0005` or `APIG.0303`), if any.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.error_code(),
            _ => None,
        }
    }

    /// The request id of the answer (from `X-Request-Id`, or the gateway's `request_id`).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id.as_deref(),
            Self::InvalidResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::InvalidResponse { status, .. } => *status,
            Self::Timeout(e) | Self::Transport(e) => e.status().map(|s| s.as_u16()),
            Self::Tls(_) | Self::InvalidConfig(_) | Self::InvalidRequest(_) => None,
        }
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

/// The code, message and request id read from an error body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
}

impl ErrorBody {
    /// Reads an error body tolerantly, in the order of the Huawei Cloud SDKs: `error_code` /
    /// `error_msg`, then `code` / `message`, then the same one level down under any key (for
    /// example `{"error": {"code": ..., "message": ...}}`); `request_id` (the API gateway's)
    /// at the top or next to the nested pair. Numbers are accepted as codes. `None` when the
    /// body is not a JSON object.
    pub(crate) fn parse(body: &[u8]) -> Option<Self> {
        let Value::Object(top) = serde_json::from_slice::<Value>(body).ok()? else {
            return None;
        };
        let mut found = Self::from_object(&top);
        if !found.is_useful()
            && let Some(nested) = top.values().find_map(|v| match v {
                Value::Object(inner) => Some(Self::from_object(inner)).filter(Self::is_useful),
                _ => None,
            })
        {
            found.code = nested.code;
            found.message = nested.message;
            found.request_id = found.request_id.or(nested.request_id);
        }
        Some(found)
    }

    /// Whether a code or a message was found.
    fn is_useful(&self) -> bool {
        self.code.is_some() || self.message.is_some()
    }

    fn from_object(object: &Map<String, Value>) -> Self {
        let pair = |code: &str, message: &str| {
            let code = object.get(code).and_then(scalar);
            let message = object.get(message).and_then(scalar);
            (code.is_some() || message.is_some()).then_some((code, message))
        };
        let (code, message) = pair("error_code", "error_msg")
            .or_else(|| pair("code", "message"))
            .unwrap_or_default();
        Self {
            code,
            message,
            request_id: object.get("request_id").and_then(scalar),
        }
    }
}

/// A string, or a number written as a string; anything else is ignored.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
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
    request_id_text(headers.get("x-request-id"))
}

/// An `X-Request-Id` header's value, when it is text.
pub(crate) fn request_id_text(value: Option<&reqwest::header::HeaderValue>) -> Option<String> {
    value?.to_str().ok().map(str::to_owned)
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
                })
            }
            E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
                if e.is_timeout() {
                    Self::Timeout(e)
                } else {
                    crate::tls::transport_error(e)
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

impl From<generated::Error<ErrorResponse>> for Error {
    /// Converts an error of the [raw client](crate::raw::Client). Prefer the ergonomic
    /// operations: only they know the status of an answer whose body did not decode.
    fn from(error: generated::Error<ErrorResponse>) -> Self {
        Self::from_call(error, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &str) -> Option<ErrorBody> {
        ErrorBody::parse(body.as_bytes())
    }

    fn body(code: Option<&str>, message: Option<&str>, request_id: Option<&str>) -> ErrorBody {
        ErrorBody {
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
        }
    }

    #[test]
    fn service_shape() {
        assert_eq!(
            parsed(r#"{"error_code":"EndPoint.0002","error_msg":"Parameter error."}"#),
            Some(body(Some("EndPoint.0002"), Some("Parameter error."), None))
        );
    }

    #[test]
    fn gateway_shape_keeps_request_id() {
        assert_eq!(
            parsed(r#"{"error_code":"APIG.0303","error_msg":"Incorrect app","request_id":"r1"}"#),
            Some(body(Some("APIG.0303"), Some("Incorrect app"), Some("r1")))
        );
    }

    #[test]
    fn error_code_pair_wins_over_code_pair() {
        assert_eq!(
            parsed(r#"{"code":"B","message":"second","error_code":"A","error_msg":"first"}"#),
            Some(body(Some("A"), Some("first"), None))
        );
    }

    #[test]
    fn code_message_and_numbers() {
        assert_eq!(
            parsed(r#"{"code":404,"message":"not here"}"#),
            Some(body(Some("404"), Some("not here"), None))
        );
    }

    #[test]
    fn nested_one_level() {
        assert_eq!(
            parsed(r#"{"error":{"code":"EndPoint.0005","message":"gone","request_id":"n"}}"#),
            Some(body(Some("EndPoint.0005"), Some("gone"), Some("n")))
        );
        assert_eq!(
            parsed(r#"{"request_id":"top","x":1,"badRequest":{"error_code":"E","error_msg":"m"}}"#),
            Some(body(Some("E"), Some("m"), Some("top")))
        );
        // Two levels down is not searched.
        assert_eq!(
            parsed(r#"{"a":{"b":{"code":"X","message":"deep"}}}"#),
            Some(ErrorBody::default())
        );
    }

    #[test]
    fn not_an_object() {
        for text in ["<html>502</html>", "[1,2]", "\"x\"", "", "{\"error_code\":"] {
            assert_eq!(parsed(text), None, "{text}");
        }
    }

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
