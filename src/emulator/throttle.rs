//! The emulator's load faults: a rate limit per project (a token bucket of requests per
//! second with a burst; past it, 400 `EndPoint.0022` as the service answers it) and an
//! injected failure rate (a share of requests answered 503 `EndPoint.0001`). Both are applied
//! in the guard, before authentication and before anything reaches the state, so a refused
//! request changes nothing. Both are off by default.

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use axum::http::StatusCode;
use tokio::time::Instant;

use super::errors::{Code, Failure};

/// A rate limit: `per_second` requests on average, `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct RateLimit {
    pub(crate) per_second: f64,
    pub(crate) burst: u32,
}

/// The load faults of one emulator, and what they did.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    pub(crate) limit: Option<RateLimit>,
    /// The share of requests answered 503 (0 to 1).
    pub(crate) failure_rate: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) failed: AtomicU64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Throttle {
    /// A throttle with this limit and failure rate.
    pub(crate) fn new(limit: Option<RateLimit>, failure_rate: f64) -> Self {
        Self {
            limit,
            failure_rate,
            ..Self::default()
        }
    }

    /// Every setting that cannot work, by the name of its builder method.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(limit) = self.limit {
            if !(limit.per_second.is_finite() && limit.per_second > 0.0) {
                problems.push(format!(
                    "rate_limit: requests per second must be a number above zero, not {}",
                    limit.per_second
                ));
            }
            if limit.burst == 0 {
                problems.push("rate_limit: the burst must be at least 1".to_owned());
            }
        }
        if !(0.0..=1.0).contains(&self.failure_rate) {
            problems.push(format!(
                "failure_rate must be between 0 and 1, not {}",
                self.failure_rate
            ));
        }
        problems
    }

    /// The answer for a request to `path` that the rate limit or the failure rate refuses,
    /// if one does. The project is the path's first segment after `/v1/`; a path without one
    /// counts against the empty project.
    pub(crate) fn refusal(&self, path: &str) -> Option<Failure> {
        if let Some(limit) = self.limit
            && !self.admit(project_of(path), limit)
        {
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
            return Some(Failure::new(Code::RateLimited, ""));
        }
        if self.failure_rate > 0.0 && fastrand::f64() < self.failure_rate {
            self.failed.fetch_add(1, Ordering::Relaxed);
            return Some(Failure::with_status(
                Code::SystemError,
                StatusCode::SERVICE_UNAVAILABLE,
                "injected failure: nothing was changed",
            ));
        }
        None
    }

    /// Takes a token from the project's bucket, if it has one.
    fn admit(&self, project: &str, limit: RateLimit) -> bool {
        let now = Instant::now();
        let burst = f64::from(limit.burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(project.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let earned = now.duration_since(bucket.at).as_secs_f64() * limit.per_second;
        bucket.tokens = (bucket.tokens + earned).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The project of an API path `/v1/{project_id}/...`.
fn project_of(path: &str) -> &str {
    path.strip_prefix("/v1/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limited(per_second: f64, burst: u32) -> Throttle {
        Throttle::new(Some(RateLimit { per_second, burst }), 0.0)
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_the_rate() {
        let throttle = limited(10.0, 3);
        let path = "/v1/p1/vpc-endpoint-services/x";
        let admitted = (0..5).filter(|_| throttle.refusal(path).is_none()).count();
        assert_eq!(admitted, 3);
        tokio::time::advance(Duration::from_millis(100)).await;
        assert!(throttle.refusal(path).is_none(), "one token in 100 ms");
        assert!(throttle.refusal(path).is_some());
        assert_eq!(throttle.rate_limited.load(Ordering::Relaxed), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn each_project_has_its_own_bucket() {
        let throttle = limited(1.0, 1);
        assert!(throttle.refusal("/v1/a/x").is_none());
        assert!(throttle.refusal("/v1/a/y").is_some());
        assert!(throttle.refusal("/v1/b/x").is_none());
    }

    #[test]
    fn the_answer_is_the_documented_one() {
        let throttle = limited(1.0, 1);
        let _ = throttle.refusal("/v1/a/x");
        let failure = throttle
            .refusal("/v1/a/x")
            .unwrap_or_else(|| Failure::new(Code::NotFound, ""));
        assert_eq!(failure.status, StatusCode::BAD_REQUEST);
        assert_eq!(failure.code, "EndPoint.0022");
        assert_eq!(
            failure.message,
            "The number of requests exceeded the limit. Please try later."
        );
    }

    #[test]
    fn failure_rates_all_and_none() {
        let all = Throttle::new(None, 1.0);
        let none = Throttle::new(None, 0.0);
        for _ in 0..100 {
            let failure = all.refusal("/v1/a/x").map(|f| f.status);
            assert_eq!(failure, Some(StatusCode::SERVICE_UNAVAILABLE));
            assert!(none.refusal("/v1/a/x").is_none());
        }
    }

    #[test]
    fn bad_settings_are_named() {
        let text = Throttle::new(
            Some(RateLimit {
                per_second: 0.0,
                burst: 0,
            }),
            1.5,
        )
        .problems()
        .join("; ");
        assert!(text.contains("requests per second"), "{text}");
        assert!(text.contains("burst"), "{text}");
        assert!(text.contains("failure_rate"), "{text}");
    }
}
