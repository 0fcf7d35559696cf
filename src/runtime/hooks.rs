//! What the generated client does around every request: its [`Context`] and its
//! `ClientHooks`, so that every generated operation is covered without per-call code.
//!
//! `exec` runs the attempts of one call under the client's [`RetryPolicy`]: each attempt is a
//! fresh clone of the request, authorized anew (a fresh signature date), with its timeout cut
//! to what is left of the call's budget. The answer's body is read in full inside the attempt
//! (so a body that breaks off is retried too, and the error status's code can be checked), and
//! handed on to the generated code as a buffered response. Which failures are worth another
//! attempt is the operation's [`Classifier`]'s to say (`src/retry.rs`); whether the client
//! as a whole allows it (the retry budget), and when an attempt may go (the pacing, the cap on
//! requests in flight), is the `Fleet`'s (`src/fleet.rs`).

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use tracing::{debug, info};

use crate::{
    Credentials, RetryPolicy, auth,
    runtime::answer::{self, Answer, Body},
    runtime::guards::{Fleet, Turn},
    runtime::retry::{self, Classifier},
    spec::generated::Client,
};

/// The state the generated client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// How requests authenticate; `None` sends them without credentials. Shared, so that a
    /// clone of the client copies no secret.
    pub(crate) credentials: Option<Arc<Credentials>>,
    /// What the client learns from IAM: its project (sent as `X-Project-Id` with signed
    /// requests) and the token of a password login.
    pub(crate) session: Arc<auth::session::Session>,
    /// Which failures are tried again, how long to wait, and the budget of a call.
    pub(crate) retry: RetryPolicy,
    /// The timeout of one attempt (cut to what is left of the budget): the HTTP client's
    /// own timeout, which `build` set to the same value. `None` leaves it to that setting.
    pub(crate) attempt_timeout: Option<Duration>,
    /// The retry budget, pacing and in-flight cap that the client's clones share.
    pub(crate) fleet: Fleet,
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

    /// A plain `fn` returning the call's future, not an `async fn`: the future then holds
    /// the request once (an `async fn` keeps its by-value parameters beside its locals), and
    /// every attempt's request goes straight into `reqwest`, so the future the generated code
    /// awaits (and moves) stays small.
    ///
    /// With a password login, the attempts go through the login's token handling (a fresh
    /// token, and one new token and one more try after a 401: `auth::session`).
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        let call = Call::new(&request, info);
        async move {
            match self.inner().session.login() {
                None => self.attempts(&call, request).await,
                Some(login) => login.exec(request, |r| self.attempts(&call, r)).await,
            }
        }
    }
}

impl Client {
    /// The attempts of one call, under the client's retry policy. (The block `exec` had, kept
    /// as it was: the same future as an `async fn`.)
    #[allow(clippy::manual_async_fn)]
    fn attempts<'c>(
        &'c self,
        call: &'c Call,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'c {
        async move {
            let policy = &self.inner().retry;
            let mut attempt: u32 = 1;
            // Every attempt but the last sends a copy of the request; the last sends the
            // request itself, and so does the only attempt of a request whose body cannot be
            // copied (a stream).
            while attempt < policy.max_attempts() {
                let Some(copy) = request.try_clone() else {
                    break;
                };
                // The outcome is gone before the pause: the pause holds nothing of it.
                let delay = {
                    let outcome = self.attempt(call, copy, attempt).await;
                    let delay = outcome
                        .retryable
                        .then(|| {
                            policy.next_delay(attempt, call.started.elapsed(), outcome.retry_after)
                        })
                        .flatten();
                    let after_timeout = outcome.failure == Some("timeout");
                    let Some(delay) = delay
                        .filter(|_| self.inner().fleet.may_retry(call.operation, after_timeout))
                    else {
                        return outcome.finish(call);
                    };
                    info!(
                        operation = call.operation,
                        method = call.method,
                        path = call.path,
                        attempt,
                        status = outcome.status,
                        failure = outcome.failure,
                        delay_ms = millis(delay),
                        "retrying"
                    );
                    delay
                };
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            let outcome = self.attempt(call, request, attempt).await;
            outcome.finish(call)
        }
    }
}

/// What every attempt of one call shares: its operation's retry rules, its logs and its budget.
struct Call {
    method: String,
    path: String,
    operation: &'static str,
    classifier: Classifier,
    started: Instant,
}

impl Call {
    /// Starts the call's clock. The method and path are only for the logs: not copied when
    /// nobody listens.
    fn new(request: &reqwest::Request, info: &OperationInfo) -> Self {
        let logged = tracing::enabled!(tracing::Level::ERROR);
        let copied = |text: &str| {
            if logged {
                text.to_owned()
            } else {
                String::new()
            }
        };
        Self {
            method: copied(request.method().as_str()),
            path: copied(request.url().path()),
            operation: info.operation_id,
            classifier: Classifier::for_operation(info.operation_id),
            started: Instant::now(),
        }
    }
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
    /// Waits for the attempt's turn (the pacing, the cap on requests in flight: see
    /// `src/fleet.rs`), then authorizes and sends it (with its timeout cut to what is left of
    /// the budget) and reads its answer in full.
    fn attempt<'c>(
        &'c self,
        call: &'c Call,
        mut request: reqwest::Request,
        attempt: u32,
    ) -> impl Future<Output = Outcome> + use<'c> {
        let context = self.inner();
        async move {
            let budget_left = context
                .retry
                .total_budget()
                .saturating_sub(call.started.elapsed());
            let turn = context.fleet.turn(budget_left).await;
            auth::authorize(
                context.credentials.as_deref(),
                Some(&context.session),
                &mut request,
                SystemTime::now,
            );
            // Without a turn there is no time left: a zero timeout fails before sending.
            let (left, asked) = match &turn {
                Turn::Go(go) => (go.left, go.asked),
                Turn::TimeUp => (Duration::ZERO, None),
            };
            let timeout = context
                .attempt_timeout
                .or(request.timeout().copied())
                .map_or(left, |t| t.min(left));
            // The HTTP client's own timeout is the attempt timeout: a request carries one of
            // its own only when it differs (the budget's end is nearer, or the request had one).
            if request.timeout().is_some() || Some(timeout) != context.attempt_timeout {
                *request.timeout_mut() = Some(timeout);
            }
            debug!(
                method = call.method,
                path = call.path,
                attempt,
                timeout_ms = millis(timeout),
                "sending attempt"
            );
            let result = match self.client().execute(request).await {
                Ok(response) => answer::buffered(response).await,
                Err(e) => Err(e),
            };
            drop(turn);
            let outcome = Outcome::of(call, attempt, result);
            if let Some(status) = outcome.status {
                context
                    .fleet
                    .answered(asked, status, outcome.retryable && status == 400);
            }
            outcome
        }
    }
}

impl Outcome {
    /// Classifies what one attempt got: its status or failure, and whether it is worth
    /// another attempt.
    fn of(call: &Call, attempt: u32, result: reqwest::Result<(reqwest::Response, Body)>) -> Self {
        match result {
            Ok((response, body)) => {
                let status = response.status().as_u16();
                let retryable = call.classifier.is_retryable_answer(status, &body.bytes);
                let retry_after = retryable
                    .then(|| response.headers().get(reqwest::header::RETRY_AFTER))
                    .flatten()
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                debug!(
                    method = call.method,
                    path = call.path,
                    attempt,
                    status,
                    elapsed_ms = millis(call.started.elapsed()),
                    "answer"
                );
                Outcome {
                    retryable,
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
                    elapsed_ms = millis(call.started.elapsed()),
                    "attempt failed"
                );
                Outcome {
                    retryable: call.classifier.is_retryable_transport(&e),
                    result: Err(e),
                    status: None,
                    failure: Some(failure),
                    retry_after: None,
                }
            }
        }
    }

    /// Ends the call with this outcome: records the answer for the call's error and hands the
    /// buffered answer (or the transport error) to the generated code.
    fn finish(self, call: &Call) -> reqwest::Result<reqwest::Response> {
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
        answer::record(|| Answer {
            status: response.status().as_u16(),
            request_id: response.headers().get("x-request-id").cloned(),
            body: body.bytes.clone(),
            body_cut: body.cut,
        });
        Ok(answer::rebuilt(response, body.bytes))
    }
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
