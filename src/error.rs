//! [`Error`]: the one error type of the ergonomic layer.

use std::fmt;

use crate::{generated, types::ErrorResponse, validation::Violations};

/// What can go wrong when building a client or sending a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration breaks a rule; nothing was sent.
    #[error("invalid client configuration: {0}")]
    InvalidConfig(Violations),
    /// The request breaks documented rules (every violation is listed); nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(Violations),
    /// The service answered with an error.
    #[error("{0}")]
    Api(ApiError),
    /// The request or its answer could not be carried (connection refused or reset, TLS, ...).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The service answered something that is not the documented shape.
    #[error("undecodable response: {reason}")]
    InvalidResponse {
        /// What failed to decode.
        reason: String,
        /// The start of the body (at most 512 bytes, lossily decoded as UTF-8).
        excerpt: String,
    },
}

/// An error answered by the service (or by the API gateway in front of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The error code, such as `EndPoint.0005`; compare it with [`ApiError::code_is`].
    pub code: String,
    /// The error message.
    pub message: String,
    /// The `X-Request-Id` of the answer (or the gateway's `request_id`), if any.
    pub request_id: Option<String>,
}

impl ApiError {
    /// Whether the code is `code`, ignoring case (the service spells one `Endpoint.1018`).
    pub fn code_is(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {}: {}", self.status, self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// At most this many bytes of an undecodable body are kept.
const EXCERPT_BYTES: usize = 512;

fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]).into_owned()
}

impl From<generated::Error<ErrorResponse>> for Error {
    fn from(error: generated::Error<ErrorResponse>) -> Self {
        use generated::Error as E;
        match error {
            E::ErrorResponse(answer) => {
                let request_id = answer
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let status = answer.status().as_u16();
                let body = answer.into_inner();
                Self::Api(ApiError {
                    status,
                    code: body.error_code,
                    message: body.error_msg,
                    request_id: request_id.or(body.request_id),
                })
            }
            E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
                Self::Transport(e)
            }
            E::InvalidResponsePayload(body, e) => Self::InvalidResponse {
                reason: e.to_string(),
                excerpt: excerpt(&body),
            },
            E::UnexpectedResponse(response) => Self::InvalidResponse {
                reason: format!("unexpected HTTP status {}", response.status()),
                excerpt: String::new(),
            },
            E::InvalidRequest(reason) | E::Custom(reason) => {
                let mut violations = Violations::default();
                violations.push("request", reason);
                Self::InvalidRequest(violations)
            }
        }
    }
}
