//! [`WaitUntilAvailable`]: the wait until a VPC endpoint service is `available`, by polling
//! `GET` with backoff and jitter, within a time limit; why it ends without is a
//! [`WaitError`](crate::WaitError).

use std::{fmt, time::Duration};

use tokio::time::Instant;
use uuid::Uuid;

use crate::{
    Client, Error, OpenEnum, RetryPolicy, WaitError,
    spec::validation::Violations,
    types::{EndpointService, ServiceStatus},
};

/// The longest first pause between two polls (the pauses double from there).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The cap of the pause between two polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);

impl Client {
    /// Starts a wait until the service `service_id` (a UUID) is `available`, for at most
    /// `timeout`; it runs when [`send`](WaitUntilAvailable::send) is awaited.
    ///
    /// ```no_run
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// use std::time::Duration;
    ///
    /// let service = client
    ///     .wait_until_available("4189d3c2-8882-4871-a3c2-d380272eed88", Duration::from_secs(300))
    ///     .send()
    ///     .await?;
    /// assert_eq!(service.status.unwrap(), otc_vpcep::types::ServiceStatus::Available);
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_until_available(
        &self,
        service_id: impl Into<String>,
        timeout: Duration,
    ) -> WaitUntilAvailable<'_> {
        WaitUntilAvailable {
            client: self,
            service_id: service_id.into(),
            timeout,
            interval: DEFAULT_POLL_INTERVAL,
            max_interval: DEFAULT_MAX_POLL_INTERVAL,
            on_poll: None,
        }
    }
}

/// A wait until a service is `available`, made by [`Client::wait_until_available`].
///
/// It reads the service (`GET`, through the client's hooks: authenticated, retried as the
/// client's [`RetryPolicy`] says) until its status is `available`, and answers the service
/// as last read. Between two reads it pauses for a time drawn from the upper half of a
/// ceiling that starts at [`DEFAULT_POLL_INTERVAL`] and doubles up to
/// [`DEFAULT_MAX_POLL_INTERVAL`]. It ends with [`Error::Wait`] when the service is `failed`
/// ([`WaitError::Failed`], with the service's `error` entries), `deleting`
/// ([`WaitError::Deleting`]) or gone ([`WaitError::NotFound`], HTTP 404), and when the time
/// is up ([`WaitError::TimedOut`], naming the status last seen). Any other status (`creating`,
/// or one added to the API later) keeps it waiting, and so does a read that failed in a way
/// worth retrying (HTTP 5xx, the rate limit, a timeout) after the client's own retries; any
/// other failure ends it. Nothing runs past the time limit: a read in flight, or a
/// `Retry-After` it honours, is cut off there.
#[must_use = "nothing is sent until `send` is awaited"]
pub struct WaitUntilAvailable<'a> {
    client: &'a Client,
    service_id: String,
    timeout: Duration,
    interval: Duration,
    max_interval: Duration,
    on_poll: Option<OnPoll<'a>>,
}

/// What is called with the service after every successful poll.
type OnPoll<'a> = Box<dyn FnMut(&EndpointService) + Send + 'a>;

impl fmt::Debug for WaitUntilAvailable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitUntilAvailable")
            .field("service_id", &self.service_id)
            .field("timeout", &self.timeout)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .finish_non_exhaustive()
    }
}

impl<'a> WaitUntilAvailable<'a> {
    /// The pauses between polls: the first at most `initial`, each ceiling doubled up to
    /// `max` (defaults [`DEFAULT_POLL_INTERVAL`] and [`DEFAULT_MAX_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> Self {
        self.interval = initial;
        self.max_interval = max;
        self
    }

    /// Calls `f` with the service after every successful poll (for example to show its
    /// status while waiting).
    pub fn on_poll(mut self, f: impl FnMut(&EndpointService) + Send + 'a) -> Self {
        self.on_poll = Some(Box::new(f));
        self
    }

    /// Checks the settings, then polls until the service is `available` (see the type's
    /// documentation), and answers it as last read.
    pub fn send(self) -> impl Future<Output = Result<EndpointService, Error>> + Send + 'a {
        let mut v = Violations::default();
        let service_id = v.uuid("vpc_endpoint_service_id", &self.service_id);
        check_settings(self.timeout, self.interval, self.max_interval, &mut v);
        let client = self.client;
        let pauses = RetryPolicy::default().with_backoff(self.interval, self.max_interval);
        let mut on_poll = self.on_poll;
        let timeout = self.timeout;
        async move {
            let service_id = match service_id {
                Some(id) if v.is_empty() => id.to_string(),
                _ => return Err(Error::InvalidRequest(v)),
            };
            let poll = || client.get_endpoint_service(service_id.as_str()).send();
            poll_until_available(&service_id, timeout, &pauses, poll, |service| {
                if let Some(f) = on_poll.as_mut() {
                    f(service);
                }
            })
            .await
        }
    }
}

/// What a change of `service_id` (whose answer was `answered`) ends with: with `wait`, the
/// service once it is `available` again, as the wait last read it, for at most the timeout;
/// without, `answered`. When the wait fails, the change was made: the error is the wait's.
pub(crate) async fn after_change(
    client: &Client,
    service_id: Uuid,
    answered: EndpointService,
    wait: Option<Duration>,
) -> Result<EndpointService, Error> {
    match wait {
        // Boxed: the wait's future is large, and most changes do not wait.
        Some(timeout) => {
            Box::pin(
                client
                    .wait_until_available(service_id.to_string(), timeout)
                    .send(),
            )
            .await
        }
        None => Ok(answered),
    }
}

/// Records what is wrong with a wait's `timeout` and pauses (the first at most `interval`,
/// capped at `max_interval`).
pub(crate) fn check_settings(
    timeout: Duration,
    interval: Duration,
    max_interval: Duration,
    v: &mut Violations,
) {
    if timeout.is_zero() {
        v.push("timeout", "must be more than zero");
    }
    if interval.is_zero() || interval > max_interval {
        v.push(
            "poll_interval",
            format!(
                "the first pause {interval:?} must be more than zero and at most the cap \
                 {max_interval:?}"
            ),
        );
    }
}

/// The poll of every wait: polls with `poll` until `judge` ends the wait with what a poll
/// answered (`Some`), pausing as `pauses` says between polls (the upper half of each
/// ceiling), for at most `timeout` in all: `None` when the time is up (a poll in flight is
/// cut off there).
pub(crate) async fn polled<T, R, F: Future<Output = T>>(
    timeout: Duration,
    pauses: &RetryPolicy,
    mut poll: impl FnMut() -> F,
    mut judge: impl FnMut(T) -> Option<Result<R, Error>>,
) -> Option<Result<R, Error>> {
    let started = Instant::now();
    let deadline = started
        .checked_add(timeout)
        .unwrap_or_else(|| far_future(started));
    for round in 1.. {
        if Instant::now() >= deadline {
            break;
        }
        let Ok(answer) = tokio::time::timeout_at(deadline, poll()).await else {
            break;
        };
        if let Some(ended) = judge(answer) {
            return Some(ended);
        }
        pause(pauses, round, deadline).await;
    }
    None
}

/// Polls with `poll` until the service is `available` or the wait must end (see
/// [`WaitUntilAvailable`]), pausing as `pauses` says between polls (the upper half of each
/// ceiling), and for at most `timeout` in all.
pub(crate) async fn poll_until_available<F: Future<Output = Result<EndpointService, Error>>>(
    service_id: &str,
    timeout: Duration,
    pauses: &RetryPolicy,
    poll: impl FnMut() -> F,
    mut on_poll: impl FnMut(&EndpointService),
) -> Result<EndpointService, Error> {
    let mut last_status = None;
    let mut last_error = None;
    let ended = polled(timeout, pauses, poll, |answer| {
        match answer {
            Ok(service) => {
                on_poll(&service);
                match service.status.as_ref().and_then(OpenEnum::known) {
                    Some(ServiceStatus::Available) => return Some(Ok(service)),
                    Some(ServiceStatus::Failed) => {
                        return Some(Err(Error::from(WaitError::Failed {
                            service_id: service_id.to_owned(),
                            errors: service.error,
                        })));
                    }
                    Some(ServiceStatus::Deleting) => {
                        return Some(Err(Error::from(WaitError::Deleting {
                            service_id: service_id.to_owned(),
                        })));
                    }
                    Some(ServiceStatus::Creating) | None => {}
                }
                last_status = service.status;
                last_error = None;
            }
            Err(Error::Api(error)) if error.status == 404 => {
                return Some(Err(Error::from(WaitError::NotFound {
                    service_id: service_id.to_owned(),
                    error,
                })));
            }
            Err(error) if error.is_retryable() => last_error = Some(error),
            Err(error) => return Some(Err(error)),
        }
        None
    })
    .await;
    ended.unwrap_or_else(|| {
        Err(Error::from(WaitError::TimedOut {
            service_id: service_id.to_owned(),
            timeout,
            last_status,
            last_error: last_error.map(Box::new),
        }))
    })
}

/// Polls with `poll` until the service `service_id` is gone (its read answers 404
/// `EndPoint.0005`, which is success here), for at most `timeout`: any status keeps it
/// waiting (a deletion that fails leaves the service there, and the time then runs out
/// naming its last status), and so does a read that failed in a way worth retrying.
pub(crate) async fn poll_until_gone<F: Future<Output = Result<EndpointService, Error>>>(
    service_id: &str,
    timeout: Duration,
    pauses: &RetryPolicy,
    poll: impl FnMut() -> F,
) -> Result<(), Error> {
    let mut last_status = None;
    let mut last_error = None;
    let ended = polled(timeout, pauses, poll, |answer| {
        match answer {
            Ok(service) => {
                last_status = service.status;
                last_error = None;
            }
            // The service's own 404, not a gateway's (a wrong path is not a deletion).
            Err(Error::Api(error)) if error.status == 404 && error.code_is("EndPoint.0005") => {
                return Some(Ok(()));
            }
            Err(error) if error.is_retryable() => last_error = Some(error),
            Err(error) => return Some(Err(error)),
        }
        None
    })
    .await;
    ended.unwrap_or_else(|| {
        Err(Error::from(WaitError::NotGone {
            service_id: service_id.to_owned(),
            timeout,
            last_status,
            last_error: last_error.map(Box::new),
        }))
    })
}

/// Pauses before poll `round + 1`: a time drawn from the upper half of the round's backoff
/// ceiling, and never past `deadline`.
async fn pause(pauses: &RetryPolicy, round: u32, deadline: Instant) {
    let ceiling = pauses.backoff_ceiling(round);
    let half = ceiling / 2;
    let jitter = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
    let pause = half + Duration::from_nanos(fastrand::u64(0..=jitter));
    let wake = Instant::now()
        .checked_add(pause)
        .map_or(deadline, |wake| wake.min(deadline));
    tokio::time::sleep_until(wake).await;
}

/// A deadline that never comes in practice (about 30 years on), for a timeout too large to add.
fn far_future(now: Instant) -> Instant {
    now + Duration::from_secs(86_400 * 365 * 30)
}

#[cfg(test)]
mod tests {
    use crate::ApiError;
    use std::{
        collections::VecDeque,
        sync::{Arc, Mutex},
    };

    use super::*;

    const ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";

    fn service(status: &str) -> EndpointService {
        serde_json::from_value(serde_json::json!({"id": ID, "status": status})).unwrap()
    }

    /// Why the wait ended, or a panic naming what came instead.
    fn ended(error: &Error) -> &WaitError {
        match error {
            Error::Wait(wait) => wait,
            other => panic!("expected the wait's error, got {other:?}"),
        }
    }

    fn pauses() -> RetryPolicy {
        RetryPolicy::default().with_backoff(DEFAULT_POLL_INTERVAL, DEFAULT_MAX_POLL_INTERVAL)
    }

    type Answer = Box<dyn Fn() -> Result<EndpointService, Error> + Send>;

    fn status(status: &'static str) -> Answer {
        Box::new(move || Ok(service(status)))
    }

    fn api(status: u16, body: &'static str) -> Answer {
        Box::new(move || {
            Err(Error::Api(ApiError::from_answer(
                status,
                None,
                body.as_bytes(),
            )))
        })
    }

    /// When each poll started.
    type Started = Arc<Mutex<Vec<Instant>>>;

    /// A poll that answers `answers` in turn (the last one again and again), recording when
    /// each poll started.
    fn scripted(
        answers: Vec<Answer>,
    ) -> (
        impl FnMut() -> std::future::Ready<Result<EndpointService, Error>>,
        Started,
    ) {
        let started = Arc::new(Mutex::new(Vec::new()));
        let record = started.clone();
        let mut answers = VecDeque::from(answers);
        let poll = move || {
            record.lock().unwrap().push(Instant::now());
            let answer = answers.front().unwrap()();
            if answers.len() > 1 {
                answers.pop_front();
            }
            std::future::ready(answer)
        };
        (poll, started)
    }

    /// The error a wait of a minute ends with, whose polls answer `answers` in turn.
    async fn error_after(answers: Vec<Answer>) -> Error {
        let (poll, _) = scripted(answers);
        poll_until_available(ID, Duration::from_secs(60), &pauses(), poll, |_| {})
            .await
            .unwrap_err()
    }

    #[tokio::test(start_paused = true)]
    async fn the_timeout_ends_the_wait_at_its_bound_naming_the_last_status() {
        let (poll, started) = scripted(vec![status("creating"), status("frozen")]);
        let begin = Instant::now();
        let timeout = Duration::from_secs(60);
        let error = poll_until_available(ID, timeout, &pauses(), poll, |_| {})
            .await
            .unwrap_err();
        assert_eq!(begin.elapsed(), timeout);
        match ended(&error) {
            WaitError::TimedOut {
                last_status: Some(status),
                timeout: reported,
                ..
            } => {
                assert_eq!(status, &OpenEnum::Unknown("frozen".into()));
                assert_eq!(*reported, timeout);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            format!("service {ID} is not available after 60s: its last status was frozen")
        );
        // Polls back off: the pauses grow (each from the upper half of a doubling ceiling),
        // up to the cap.
        let polls = started.lock().unwrap().clone();
        let pauses: Vec<Duration> = polls.windows(2).map(|w| w[1] - w[0]).collect();
        // At most as many polls as fit with every pause at its floor (half its ceiling:
        // 0.5, 1, 2, 4, then 5 s), and at least as many as fit with every pause at its ceiling.
        let fits = |pause_of: &dyn Fn(Duration) -> Duration| {
            let (mut at, mut polls) = (Duration::ZERO, 1);
            while let Some(next) = Some(at + pause_of(self::pauses().backoff_ceiling(polls)))
                .filter(|next| *next < timeout)
            {
                at = next;
                polls += 1;
            }
            polls as usize
        };
        let (fewest, most) = (fits(&|ceiling| ceiling), fits(&|ceiling| ceiling / 2));
        assert!(
            (fewest..=most).contains(&polls.len()),
            "{} polls, not {fewest}..={most}: {pauses:?}",
            polls.len()
        );
        for (i, pause) in pauses.iter().enumerate() {
            let ceiling = self::pauses().backoff_ceiling(i as u32 + 1);
            assert!(*pause >= ceiling / 2 && *pause <= ceiling, "{i}: {pause:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_that_hangs_is_cut_at_the_timeout() {
        let begin = Instant::now();
        let hangs = || async {
            // A Retry-After far beyond the limit, as the hooks would honour it.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(service("available"))
        };
        let error = poll_until_available(ID, Duration::from_secs(5), &pauses(), hangs, |_| {})
            .await
            .unwrap_err();
        assert_eq!(begin.elapsed(), Duration::from_secs(5));
        assert!(
            matches!(
                ended(&error),
                WaitError::TimedOut {
                    last_status: None,
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn available_ends_the_wait_with_the_service() {
        let (poll, started) = scripted(vec![
            status("creating"),
            status("creating"),
            status("available"),
        ]);
        let mut seen = Vec::new();
        let service = poll_until_available(ID, Duration::from_secs(60), &pauses(), poll, |s| {
            seen.push(s.status.as_ref().unwrap().to_string())
        })
        .await
        .unwrap();
        assert_eq!(service.status.unwrap(), ServiceStatus::Available);
        assert_eq!(seen, ["creating", "creating", "available"]);
        assert_eq!(started.lock().unwrap().len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_deleting_and_other_errors_end_the_wait() {
        let failed: Answer = Box::new(|| {
            Ok(serde_json::from_value(serde_json::json!({
                "id": ID, "status": "failed",
                "error": [
                    {"error_code": "EndPoint.3008", "error_message": "The port does not exist."},
                    {"code": "EndPoint.0001", "message": "System error."}
                ]
            }))
            .unwrap())
        });
        let error = error_after(vec![status("creating"), failed]).await;
        assert_eq!(
            error.to_string(),
            format!(
                "service {ID} is failed: EndPoint.3008: The port does not exist.; \
                 EndPoint.0001: System error."
            )
        );

        let error = error_after(vec![status("deleting")]).await;
        assert!(
            matches!(ended(&error), WaitError::Deleting { .. }),
            "{error:?}"
        );

        let gone = r#"{"error_code":"EndPoint.0005","error_msg":"gone"}"#;
        let error = error_after(vec![api(404, gone)]).await;
        assert!(
            matches!(ended(&error), WaitError::NotFound { error, .. } if error.code_is("EndPoint.0005")),
            "{error:?}"
        );

        let (poll, started) = scripted(vec![api(
            401,
            r#"{"error_code":"EndPoint.0003","error_msg":"no"}"#,
        )]);
        let error = poll_until_available(ID, Duration::from_secs(60), &pauses(), poll, |_| {})
            .await
            .unwrap_err();
        assert_eq!(error.error_code(), Some("EndPoint.0003"));
        assert_eq!(started.lock().unwrap().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_worth_retrying_keeps_the_wait_going() {
        let unavailable = || api(503, "<html>503</html>");
        let (poll, _) = scripted(vec![
            unavailable(),
            status("creating"),
            unavailable(),
            status("available"),
        ]);
        assert!(
            poll_until_available(ID, Duration::from_secs(60), &pauses(), poll, |_| {})
                .await
                .is_ok()
        );

        // Still failing when the time is up: the timeout says why.
        let (poll, _) = scripted(vec![status("creating"), unavailable()]);
        let error = poll_until_available(ID, Duration::from_secs(30), &pauses(), poll, |_| {})
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("its last status was creating; the last poll failed: HTTP 503"),
            "{text}"
        );
    }
}
