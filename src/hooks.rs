//! What the generated client does around every request: its [`Context`] and its
//! `ClientHooks`, so that every generated operation is covered without per-call code.
//!
//! `exec` runs the attempts of one call under the client's [`RetryPolicy`]: each attempt is a
//! fresh clone of the request, authorized anew (a fresh signature date), with its timeout cut
//! to what is left of the call's budget. The answer's body is read in full inside the attempt
//! (so a body that breaks off is retried too, and the error status's code can be checked), and
//! handed on to the generated code as a buffered response.

use std::{
    sync::{Arc, OnceLock},
    time::{Duration, Instant, SystemTime},
};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use tracing::{debug, info};

use crate::{
    Credentials, RetryPolicy, auth,
    error::{EXCERPT_BYTES, ErrorBody},
    generated::Client,
    retry,
};

/// The most bytes of an answer's body that are read; a longer body is cut there (and then
/// fails to decode, reported as such).
pub(crate) const MAX_BODY_BYTES: usize = 4 << 20;

/// The state the generated client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// How requests authenticate; `None` sends them without credentials. Shared, so that a
    /// clone of the client copies no secret.
    pub(crate) credentials: Option<Arc<Credentials>>,
    /// The client's project, sent as `X-Project-Id` with signed requests.
    pub(crate) project_id: Arc<str>,
    /// Which failures are tried again, how long to wait, and the budget of a call.
    pub(crate) retry: RetryPolicy,
    /// The timeout of one attempt (cut to what is left of the budget); `None` leaves it to the
    /// HTTP client's own setting.
    pub(crate) attempt_timeout: Option<Duration>,
}

tokio::task_local! {
    /// Where `exec` leaves the final answer of the call in whose task it runs: set for the
    /// duration of one call by [`Client::call`](crate::Client), so never shared between calls.
    pub(crate) static RECORD: CallRecord;
}

/// What the final attempt of a call got back, for the error of that call: the generated code
/// loses the status and headers when an error body does not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The `X-Request-Id` header.
    pub(crate) request_id: Option<String>,
    /// The start of the body, as bytes: decoded into an excerpt only when an error needs it.
    pub(crate) head: Vec<u8>,
    /// Whether the body was longer than [`MAX_BODY_BYTES`] and was cut.
    pub(crate) body_cut: bool,
}

/// The per-call slot for the final [`Answer`]; written once by `exec`, read after the call.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallRecord(Arc<OnceLock<Answer>>);

impl CallRecord {
    /// The final answer of the call, if one came.
    pub(crate) fn answer(&self) -> Option<&Answer> {
        self.0.get()
    }
}

impl ClientHooks<Context> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // progenitor sends the spec's version as `api-version`; the provider has no use for it.
        request.headers_mut().remove("api-version");
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let context = self.inner();
        let policy = &context.retry;
        let record = RECORD.try_with(CallRecord::clone).ok();
        // The method and path are only for the logs: not copied when nobody listens.
        let logged = tracing::enabled!(tracing::Level::ERROR);
        let call = Call {
            method: if logged {
                request.method().to_string()
            } else {
                String::new()
            },
            path: if logged {
                request.url().path().to_owned()
            } else {
                String::new()
            },
            started: Instant::now(),
        };
        let template = request;
        let mut attempt: u32 = 1;
        loop {
            // The last attempt sends the template itself; so does the only attempt of a
            // request whose body cannot be cloned (a stream).
            let copy = (attempt < policy.max_attempts())
                .then(|| template.try_clone())
                .flatten();
            let Some(request) = copy else {
                let outcome = self.attempt(&call, template, attempt).await;
                return outcome.finish(&call, record.as_ref());
            };
            let outcome = self.attempt(&call, request, attempt).await;
            let delay = outcome
                .retryable
                .then(|| policy.next_delay(attempt, call.started.elapsed(), outcome.retry_after))
                .flatten();
            let Some(delay) = delay else {
                return outcome.finish(&call, record.as_ref());
            };
            info!(
                method = call.method,
                path = call.path,
                attempt,
                status = outcome.status,
                failure = outcome.failure,
                delay_ms = millis(delay),
                "retrying"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}

/// What every attempt of one call shares, for its logs and its budget.
struct Call {
    method: String,
    path: String,
    started: Instant,
}

/// The outcome of one attempt, and whether it is worth another.
struct Outcome {
    result: reqwest::Result<(reqwest::Response, Body)>,
    status: Option<u16>,
    failure: Option<&'static str>,
    retry_after: Option<Duration>,
    retryable: bool,
}

impl Client {
    /// Authorizes and sends one attempt (with its timeout cut to what is left of the budget)
    /// and reads its answer in full.
    async fn attempt(&self, call: &Call, mut request: reqwest::Request, attempt: u32) -> Outcome {
        let context = self.inner();
        auth::authorize(
            context.credentials.as_deref(),
            &context.project_id,
            &mut request,
            SystemTime::now(),
        );
        let left = context
            .retry
            .total_budget()
            .saturating_sub(call.started.elapsed());
        let timeout = context
            .attempt_timeout
            .or(request.timeout().copied())
            .map_or(left, |t| t.min(left));
        *request.timeout_mut() = Some(timeout);
        debug!(
            method = call.method,
            path = call.path,
            attempt,
            timeout_ms = millis(timeout),
            "sending attempt"
        );

        let result = match self.client().execute(request).await {
            Ok(response) => buffered(response).await,
            Err(e) => Err(e),
        };
        let elapsed_ms = millis(call.started.elapsed());
        match result {
            Ok((response, body)) => {
                let status = response.status().as_u16();
                let code = (status == 400)
                    .then(|| ErrorBody::parse(&body.bytes).and_then(|b| b.code))
                    .flatten();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                debug!(
                    method = call.method,
                    path = call.path,
                    attempt,
                    status,
                    elapsed_ms,
                    "answer"
                );
                Outcome {
                    retryable: retry::is_retryable_answer(status, code.as_deref()),
                    result: Ok((response, body)),
                    status: Some(status),
                    failure: None,
                    retry_after,
                }
            }
            Err(e) => {
                let failure = failure_kind(&e);
                debug!(
                    method = call.method,
                    path = call.path,
                    attempt,
                    failure,
                    elapsed_ms,
                    "attempt failed"
                );
                Outcome {
                    retryable: retry::is_retryable_transport(&e),
                    result: Err(e),
                    status: None,
                    failure: Some(failure),
                    retry_after: None,
                }
            }
        }
    }
}

impl Outcome {
    /// Ends the call with this outcome: records the answer for the call's error and hands the
    /// buffered answer (or the transport error) to the generated code.
    fn finish(
        self,
        call: &Call,
        record: Option<&CallRecord>,
    ) -> reqwest::Result<reqwest::Response> {
        if self.retryable {
            debug!(
                method = call.method,
                path = call.path,
                status = self.status,
                failure = self.failure,
                "giving up: no attempts or time left"
            );
        }
        let (response, body) = self.result?;
        if let Some(record) = record {
            // Each call has its own record and one final answer; a second `set` cannot happen.
            let _ = record.0.set(Answer {
                status: response.status().as_u16(),
                request_id: response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                head: body.bytes[..body.bytes.len().min(EXCERPT_BYTES)].to_vec(),
                body_cut: body.cut,
            });
        }
        Ok(rebuilt(response, body.bytes))
    }
}

/// A body read in full (up to [`MAX_BODY_BYTES`]).
struct Body {
    bytes: Vec<u8>,
    cut: bool,
}

/// Reads the whole body of `response` (up to [`MAX_BODY_BYTES`]).
async fn buffered(mut response: reqwest::Response) -> reqwest::Result<(reqwest::Response, Body)> {
    let mut bytes = Vec::new();
    let mut cut = false;
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_BODY_BYTES - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            cut = true;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((response, Body { bytes, cut }))
}

/// The answer again, with its status, version, headers and URL, and the buffered body. The
/// parts are moved, not copied, and the URL is carried over (a `reqwest::Response` made from
/// bare parts would parse a placeholder URL on every call).
fn rebuilt(response: reqwest::Response, body: Vec<u8>) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    let url = response.url().clone();
    let (parts, _) = http::Response::from(response).into_parts();
    let mut answer = http::Response::new(body);
    *answer.status_mut() = parts.status;
    *answer.version_mut() = parts.version;
    *answer.headers_mut() = parts.headers;
    // reqwest keeps a response's URL in an extension that only its builder can set.
    let mut with_url = http::Response::builder().url(url);
    if let Some(extensions) = with_url.extensions_mut() {
        *answer.extensions_mut() = std::mem::take(extensions);
    }
    reqwest::Response::from(answer)
}

/// A short name for a transport failure, for logs (the error's text may carry the URL).
fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if retry::body_broke_off(error) {
        "body"
    } else if error.is_request() {
        "request"
    } else {
        "other"
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
