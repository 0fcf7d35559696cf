//! The one attempt loop of every generated client (the VPCEP API's and IAM's): the attempts
//! of one call under a [`RetryPolicy`], each a fresh clone of the request, authorized anew (a
//! fresh signature date), waiting for its turn among the client's [`SharedGuards`], with its
//! timeout cut to what is left of the call's budget. The answer's body is read in full inside
//! the attempt (so a body that breaks off is retried too, and the error status's code can be
//! checked). Which failures are worth another attempt is the operation's [`Classifier`]'s to
//! say; whether the client as a whole allows it is the retry budget's, whose refusal the loop
//! returns in its [`Final`] outcome.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use tracing::{debug, info};

use crate::{
    RetryPolicy,
    runtime::{
        answer::{self, Answer, Body},
        guards::{SharedGuards, Turn},
        retry::{self, Classifier},
    },
};

/// What the attempts of one call share: how to send, the retry policy, the guards, the
/// attempt timeout (the HTTP client's own timeout, or `None` to leave it to the request), and
/// `authorize`, which sets each attempt's credentials.
pub(crate) struct Attempts<'c, A> {
    pub(crate) http: &'c reqwest::Client,
    pub(crate) retry: &'c RetryPolicy,
    pub(crate) guards: &'c SharedGuards,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) authorize: A,
}

/// What every attempt of one call shares: its operation's retry rules, its logs and its clock.
#[derive(Clone)]
pub(crate) struct Call {
    method: String,
    path: String,
    operation: &'static str,
    classifier: Classifier,
    /// When the call started; `None` until its first attempt, whose clock reading it is then.
    started: Option<Instant>,
}

impl Call {
    /// A call whose clock starts with its first attempt. The method and path are only for
    /// the logs: not copied when nobody listens.
    pub(crate) fn new(request: &reqwest::Request, operation: &'static str) -> Self {
        Self::with_classifier(request, operation, Classifier::for_operation(operation))
    }

    /// Like [`new`](Self::new), with the retry rules `classifier`.
    pub(crate) fn with_classifier(
        request: &reqwest::Request,
        operation: &'static str,
        classifier: Classifier,
    ) -> Self {
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
            operation,
            classifier,
            started: None,
        }
    }

    /// Reads the clock as an attempt starts; the first reading starts the call's clock.
    fn attempt_starts(&mut self) -> Instant {
        let now = Instant::now();
        self.started.get_or_insert(now);
        now
    }

    /// How long the call's clock had run at `now` (zero before its first attempt).
    fn elapsed_at(&self, now: Instant) -> Duration {
        self.started.map_or(Duration::ZERO, |started| {
            now.saturating_duration_since(started)
        })
    }

    /// How long since the call's clock started (zero before its first attempt).
    fn elapsed(&self) -> Duration {
        self.elapsed_at(Instant::now())
    }

    /// The call with its clock started now, before its first attempt (for a call that may
    /// wait for something else first: its budget counts that wait too).
    pub(crate) fn started_now(self) -> Self {
        Self {
            started: Some(Instant::now()),
            ..self
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

/// The outcome of a call's last attempt.
pub(crate) struct Final {
    /// The answer, read in full, or why there is none.
    pub(crate) result: reqwest::Result<(reqwest::Response, Body)>,
    /// Whether the retry budget refused the retry this outcome was worth.
    pub(crate) retry_refused: bool,
    /// How many attempts were made.
    pub(crate) attempts: u32,
}

impl Final {
    /// The record of the answer, for the call's error.
    pub(crate) fn answer(&self) -> Option<Answer> {
        let (response, body) = self.result.as_ref().ok()?;
        Some(Answer {
            status: response.status().as_u16(),
            request_id: response.headers().get(answer::REQUEST_ID).cloned(),
            body: body.bytes.clone(),
            body_cut: body.cut,
        })
    }

    /// The buffered answer (or the transport error), for the generated code.
    pub(crate) fn into_response(self) -> reqwest::Result<reqwest::Response> {
        let (response, body) = self.result?;
        Ok(answer::rebuilt(response, body.bytes))
    }
}

impl<'c, A: Fn(&mut reqwest::Request) + Send + Sync + 'c> Attempts<'c, A> {
    /// The attempts of `call`. (A plain `fn` returning the future, so that the future holds
    /// the request once.)
    #[allow(clippy::manual_async_fn)]
    pub(crate) fn send(
        self,
        call: Call,
        mut request: reqwest::Request,
    ) -> impl Future<Output = Final> + Send + 'c {
        async move {
            let mut call = call;
            // progenitor sends the spec's version as `api-version`; the provider has no use
            // for it.
            request.headers_mut().remove("api-version");
            let policy = self.retry;
            let mut attempt: u32 = 1;
            // Every attempt but the last sends a copy of the request; the last sends the
            // request itself, and so does the only attempt of a request whose body cannot be
            // copied (a stream).
            while attempt < policy.max_attempts() {
                let Some(copy) = request.try_clone() else {
                    break;
                };
                let now = call.attempt_starts();
                // The outcome is gone before the pause: the pause holds nothing of it.
                let delay = {
                    let outcome = self.attempt(&call, copy, attempt, now).await;
                    let delay = outcome
                        .retryable
                        .then(|| policy.next_delay(attempt, call.elapsed(), outcome.retry_after))
                        .flatten();
                    let Some(delay) = delay else {
                        return outcome.finish(&call, false, attempt);
                    };
                    let after_timeout = outcome.failure == Some("timeout");
                    if !self.guards.may_retry(call.operation, after_timeout) {
                        return outcome.finish(&call, true, attempt);
                    }
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
            let now = call.attempt_starts();
            let outcome = self.attempt(&call, request, attempt, now).await;
            outcome.finish(&call, false, attempt)
        }
    }

    /// Waits for the attempt's turn (the pacing, the cap on requests in flight), then
    /// authorizes and sends it (with its timeout cut to what is left of the budget) and reads
    /// its answer in full. `now` is the clock read as the attempt starts (the call's start
    /// for its first): what the budget and the turn count from.
    #[allow(clippy::manual_async_fn)]
    fn attempt<'a>(
        &'a self,
        call: &'a Call,
        mut request: reqwest::Request,
        attempt: u32,
        now: Instant,
    ) -> impl Future<Output = Outcome> + use<'a, 'c, A> {
        async move {
            let budget_left = self
                .retry
                .total_budget()
                .saturating_sub(call.elapsed_at(now));
            let turn = self.guards.turn(now, budget_left).await;
            (self.authorize)(&mut request);
            // Without a turn there is no time left: a zero timeout fails before sending.
            let (left, asked) = match &turn {
                Turn::Granted(slot) => (slot.left, Some(slot.asked)),
                Turn::TimeUp => (Duration::ZERO, None),
            };
            let timeout = self
                .attempt_timeout
                .or(request.timeout().copied())
                .map_or(left, |t| t.min(left));
            // The HTTP client's own timeout is the attempt timeout: a request carries one of
            // its own only when it differs (the budget's end is nearer, or the request had one).
            if request.timeout().is_some() || Some(timeout) != self.attempt_timeout {
                *request.timeout_mut() = Some(timeout);
            }
            debug!(
                method = call.method,
                path = call.path,
                attempt,
                timeout_ms = millis(timeout),
                "sending attempt"
            );
            let result = match self.http.execute(request).await {
                Ok(response) => answer::buffered(response).await,
                Err(e) => Err(e),
            };
            drop(turn);
            let outcome = Outcome::of(call, attempt, result);
            if let (Some(status), Some(asked)) = (outcome.status, asked) {
                self.guards
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
                    elapsed_ms = millis(call.elapsed()),
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
                    elapsed_ms = millis(call.elapsed()),
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

    /// Ends the call with this outcome.
    fn finish(self, call: &Call, retry_refused: bool, attempts: u32) -> Final {
        if self.retryable {
            debug!(
                method = call.method,
                path = call.path,
                status = self.status,
                failure = self.failure,
                "giving up: no attempts or time left"
            );
        }
        Final {
            result: self.result,
            retry_refused,
            attempts,
        }
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
