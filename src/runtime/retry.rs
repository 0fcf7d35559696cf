//! [`RetryPolicy`]: which failures are tried again, how long to wait between attempts, and the
//! time budget of a whole call; and the [`Classifier`] of each operation, which says which
//! failures are worth another attempt. The one attempt loop that applies them
//! (`runtime::attempts`) runs under the `exec` hooks of both generated clients, so every
//! generated operation is covered.

use std::time::{Duration, SystemTime};

use crate::{
    config::tls::rustls_error, runtime::answer::ErrorBody, spec::Operation,
    spec::validation::Violations,
};

/// The default number of attempts per call: the first one and up to three retries.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
/// The default upper bound of the first backoff; it doubles with each retry.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// The default cap of one backoff.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(10);
/// The default time budget of a whole call, all attempts and waits included.
pub const DEFAULT_TOTAL_BUDGET: Duration = Duration::from_secs(60);

/// The error code of the service's rate limit, which comes as HTTP 400 (not 429).
pub const RATE_LIMIT_CODE: &str = "EndPoint.0022";

/// When and how often a failed attempt is tried again.
///
/// A call is retried when the connection fails (refused, reset, closed early), when an attempt
/// times out, on HTTP 500, 502, 503 and 504, and on HTTP 400 with the rate-limit code
/// `EndPoint.0022` (compared case-insensitively); never on any other answer. The wait before
/// retry `n` (1-based) is drawn uniformly from `0..=min(max_backoff, initial_backoff * 2^(n-1))`
/// ("full jitter"), unless the answer carries `Retry-After`, which is then honoured as given.
/// No attempt starts, and no wait begins, that would end after the total budget; each attempt's
/// timeout is also cut to what is left of it.
///
/// ```
/// use std::time::Duration;
/// use otc_vpcep::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_attempts(6)
///     .with_backoff(Duration::from_millis(100), Duration::from_secs(5))
///     .with_total_budget(Duration::from_secs(120));
/// assert_eq!(policy.max_attempts(), 6);
/// assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    total_budget: Duration,
}

impl Default for RetryPolicy {
    /// [`DEFAULT_MAX_ATTEMPTS`] attempts, backoff from [`DEFAULT_INITIAL_BACKOFF`] up to
    /// [`DEFAULT_MAX_BACKOFF`], within [`DEFAULT_TOTAL_BUDGET`].
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            total_budget: DEFAULT_TOTAL_BUDGET,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: each call makes exactly one attempt (within the budget).
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The number of attempts per call, the first one included (at least 1; 1 disables retries).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The upper bound of the first backoff, doubled for each further retry up to `max`.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// The time budget of a whole call: every attempt and every wait together.
    pub fn with_total_budget(mut self, budget: Duration) -> Self {
        self.total_budget = budget;
        self
    }

    /// The number of attempts per call, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The upper bound of the first backoff.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The cap of one backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The time budget of a whole call.
    pub fn total_budget(&self) -> Duration {
        self.total_budget
    }

    /// The longest wait before retry `retry` (1 for the first retry): the initial backoff
    /// doubled `retry - 1` times, capped at the maximum backoff.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        self.initial_backoff
            .checked_mul(1 << doublings)
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff)
    }

    /// A wait before retry `retry` with full jitter: uniform in `0..=backoff_ceiling(retry)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The wait before the next attempt after attempt `attempt` failed in a retryable way,
    /// `elapsed` into the call, or `None` when the call must stop: no attempts left, or the
    /// wait would end after the total budget. `retry_after` (from the answer) replaces the
    /// jittered backoff.
    pub(crate) fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| self.backoff(attempt));
        (elapsed.saturating_add(delay) < self.total_budget).then_some(delay)
    }

    /// Adds a violation, named under `retry_policy`, for every setting that cannot work.
    pub(crate) fn check(&self, violations: &mut Violations) {
        if self.max_attempts == 0 {
            violations.push(
                "retry_policy.max_attempts",
                "must be at least 1 (1 disables retries)",
            );
        }
        if self.initial_backoff > self.max_backoff {
            violations.push(
                "retry_policy.initial_backoff",
                format!(
                    "{:?} must not exceed max_backoff {:?}",
                    self.initial_backoff, self.max_backoff
                ),
            );
        }
        if self.total_budget.is_zero() {
            violations.push("retry_policy.total_budget", "must be more than zero");
        }
    }
}

/// Which failures of one operation's attempts are worth another attempt.
///
/// The rate limit (HTTP 400 `EndPoint.0022`) and a connection that could not be made are
/// retried for every operation: the request was refused, or never sent. The other failures
/// (HTTP 500, 502, 503, 504; a timeout; a connection, request or body that broke off) leave
/// unknown whether the request took effect, so they are retried only for an idempotent
/// operation (its HTTP method is idempotent, RFC 9110: the spec's GET and PUT are; a POST is
/// not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Classifier {
    idempotent: bool,
}

impl Classifier {
    /// The classifier of the operation named `operation_id` (as the generated client names
    /// it); an operation the spec does not have is treated as not idempotent.
    pub(crate) fn for_operation(operation_id: &str) -> Self {
        Self {
            idempotent: Operation::find(operation_id).is_some_and(Operation::is_idempotent),
        }
    }

    /// The classifier of an operation that is safe to repeat, whatever its method (IAM's
    /// login and project lookup).
    pub(crate) fn idempotent() -> Self {
        Self { idempotent: true }
    }

    /// Whether an answer with HTTP `status` and `body` is worth another attempt.
    pub(crate) fn is_retryable_answer(&self, status: u16, body: &[u8]) -> bool {
        (self.idempotent && is_unavailable(status))
            || (status == 400
                && ErrorBody::parse(body).is_some_and(|b| is_rate_limit(b.code.as_deref())))
    }

    /// Whether a failure to carry a request or its answer is worth another attempt.
    pub(crate) fn is_retryable_transport(&self, error: &reqwest::Error) -> bool {
        !is_tls_failure(error) && (error.is_connect() || (self.idempotent && is_interrupted(error)))
    }
}

/// Whether `status` says the service is unavailable for now: 500, 502, 503 or 504.
fn is_unavailable(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Whether `code` is the rate-limit code `EndPoint.0022` (in any case).
fn is_rate_limit(code: Option<&str>) -> bool {
    code.is_some_and(|c| c.eq_ignore_ascii_case(RATE_LIMIT_CODE))
}

/// Whether an answer with HTTP `status` and error code `code` may succeed when the same
/// (idempotent) call is tried again: 500, 502, 503, 504, or the rate limit.
pub(crate) fn is_retryable_answer(status: u16, code: Option<&str>) -> bool {
    is_unavailable(status) || (status == 400 && is_rate_limit(code))
}

/// Whether a transport failure may pass when the same (idempotent) call is tried again: a
/// timeout, a failed connection, or a request or body that broke off; not a TLS failure.
pub(crate) fn is_retryable_transport(error: &reqwest::Error) -> bool {
    !is_tls_failure(error) && (error.is_connect() || is_interrupted(error))
}

/// Whether the TLS handshake failed (an untrusted or expired certificate, another name, a
/// protocol the server refuses): trying again does not change that.
fn is_tls_failure(error: &reqwest::Error) -> bool {
    rustls_error(error).is_some()
}

/// Whether the exchange broke off after the request may have left: a timeout, or a request or
/// body that broke off.
fn is_interrupted(error: &reqwest::Error) -> bool {
    error.is_timeout() || error.is_request() || body_broke_off(error)
}

/// Whether the answer's body broke off: a body error, which reqwest reports as a decode error
/// around a body error when the body is read chunk by chunk.
pub(crate) fn body_broke_off(error: &reqwest::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if e.downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_body)
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// The wait a `Retry-After` value asks for, as of `now`: whole seconds, or an HTTP date
/// (a date in the past means no wait). `None` when it is neither.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> RetryPolicy {
        RetryPolicy::default()
            .with_max_attempts(4)
            .with_backoff(Duration::from_millis(10), Duration::from_millis(40))
            .with_total_budget(Duration::from_secs(1))
    }

    #[test]
    fn ceiling_doubles_then_caps() {
        let p = tiny();
        let ceilings: Vec<_> = (1..=5).map(|n| p.backoff_ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [10, 20, 40, 40, 40]);
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_millis(40));
    }

    #[test]
    fn huge_settings_do_not_overflow() {
        let p = RetryPolicy::default()
            .with_backoff(Duration::MAX, Duration::MAX)
            .with_total_budget(Duration::MAX);
        assert_eq!(p.backoff_ceiling(40), Duration::MAX);
        assert!(p.backoff(40) <= Duration::MAX);
        assert_eq!(p.next_delay(1, Duration::MAX, Some(Duration::MAX)), None);
    }

    #[test]
    fn stops_when_attempts_are_spent() {
        let p = tiny();
        assert!(p.next_delay(3, Duration::ZERO, None).is_some());
        assert_eq!(p.next_delay(4, Duration::ZERO, None), None);
        assert_eq!(
            RetryPolicy::disabled().next_delay(1, Duration::ZERO, None),
            None
        );
    }

    #[test]
    fn retry_after_replaces_backoff_and_respects_the_budget() {
        let p = tiny();
        let wait = Duration::from_millis(700);
        assert_eq!(p.next_delay(1, Duration::ZERO, Some(wait)), Some(wait));
        assert_eq!(
            p.next_delay(1, Duration::from_millis(400), Some(wait)),
            None
        );
    }

    #[test]
    fn retryable_answers() {
        for status in [500, 502, 503, 504] {
            assert!(is_retryable_answer(status, None), "{status}");
        }
        assert!(is_retryable_answer(400, Some("EndPoint.0022")));
        assert!(is_retryable_answer(400, Some("endpoint.0022")));
        for (status, code) in [
            (400, Some("EndPoint.0002")),
            (400, None),
            (401, Some("EndPoint.0003")),
            (403, Some("EndPoint.0004")),
            (404, Some("EndPoint.0005")),
            (429, None),
            (501, None),
            (505, None),
            (200, None),
        ] {
            assert!(!is_retryable_answer(status, code), "{status} {code:?}");
        }
    }

    #[test]
    fn classifiers_know_their_operation() {
        let get = Classifier::for_operation("get_endpoint_service");
        let put = Classifier::for_operation("modify_endpoint_service");
        let post = Classifier::for_operation("no_such_operation");
        let rate_limit = br#"{"error_code":"EndPoint.0022","error_msg":"slow down"}"#;
        for idempotent in [get, put] {
            assert!(idempotent.is_retryable_answer(503, b""));
            assert!(idempotent.is_retryable_answer(400, rate_limit));
            assert!(!idempotent.is_retryable_answer(404, b""));
            assert!(!idempotent.is_retryable_answer(400, b"{}"));
        }
        assert!(!post.is_retryable_answer(503, b""));
        assert!(post.is_retryable_answer(400, rate_limit));
    }

    #[test]
    fn retry_after_forms() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:39 GMT", now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn check_names_each_broken_setting() {
        let mut v = Violations::default();
        RetryPolicy::default()
            .with_max_attempts(0)
            .with_backoff(Duration::from_secs(2), Duration::from_secs(1))
            .with_total_budget(Duration::ZERO)
            .check(&mut v);
        let text = v.to_string();
        for field in ["max_attempts", "initial_backoff", "total_budget"] {
            assert!(text.contains(field), "{text}");
        }
        let mut ok = Violations::default();
        RetryPolicy::default().check(&mut ok);
        assert!(ok.is_empty());
    }
}
