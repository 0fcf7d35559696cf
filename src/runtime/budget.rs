//! [`RetryBudget`]: a retry quota shared by a client and its clones (a token bucket, as the
//! standard retry mode of aws-sdk-rust has it). A retry takes tokens from it, a success gives
//! one back; when it is spent, a retryable failure is returned at once as
//! [`Error::RetryBudgetSpent`](crate::Error::RetryBudgetSpent). First attempts never cost.
//! The attempt loop (`runtime::attempts`) returns a refusal with the call's last outcome, so
//! that the call's error says so.

use std::sync::{
    Arc,
    atomic::{AtomicU32, AtomicU64, Ordering},
};

use crate::spec::validation::Violations;

/// The default size of the budget, in tokens.
pub const DEFAULT_RETRY_BUDGET: u32 = 500;
/// The default cost of a retry, in tokens.
pub const DEFAULT_RETRY_COST: u32 = 5;
/// The default cost of a retry after an attempt that timed out, in tokens.
pub const DEFAULT_TIMEOUT_RETRY_COST: u32 = 10;
/// The tokens a successful answer gives back (up to the budget's size).
pub const SUCCESS_REFILL: u32 = 1;

/// A client-wide budget for retries: a bucket of tokens that starts full.
///
/// Each retry takes [`retry_cost`](Self::retry_cost) tokens
/// ([`timeout_retry_cost`](Self::timeout_retry_cost) after a timeout), each successful answer
/// gives [`SUCCESS_REFILL`] back, up to the [`capacity`](Self::capacity). When a retry would
/// take more than is left, it is not made: the call ends at once with
/// [`Error::RetryBudgetSpent`](crate::Error::RetryBudgetSpent), which carries the last failure.
/// First attempts never cost and are never refused, so in an outage N tasks send about N
/// requests plus `capacity / retry_cost` retries in all, not `max_attempts * N`.
///
/// Clones share the bucket: a client's clones (and clients built with clones of one budget)
/// draw from the same tokens.
///
/// ```
/// use otc_vpcep::RetryBudget;
///
/// let budget = RetryBudget::new(100).with_costs(5, 10);
/// assert_eq!(budget.available(), 100);
/// let client = otc_vpcep::Client::builder()
///     .region("eu-de")
///     .project_id("6e9dfd51d1124e8d8498dce894923a0d")
///     .retry_budget(budget.clone())
///     .build()?;
/// assert_eq!(client.retry_budget().map(RetryBudget::capacity), Some(100));
/// # Ok::<(), otc_vpcep::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RetryBudget {
    shared: Arc<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    capacity: u32,
    retry_cost: u32,
    timeout_retry_cost: u32,
    tokens: AtomicU32,
    granted: AtomicU64,
    refused: AtomicU64,
}

impl Default for RetryBudget {
    /// [`DEFAULT_RETRY_BUDGET`] tokens, [`DEFAULT_RETRY_COST`] a retry,
    /// [`DEFAULT_TIMEOUT_RETRY_COST`] a retry after a timeout.
    fn default() -> Self {
        Self::new(DEFAULT_RETRY_BUDGET)
    }
}

impl RetryBudget {
    /// A full budget of `capacity` tokens with the default costs.
    pub fn new(capacity: u32) -> Self {
        Self::build(capacity, DEFAULT_RETRY_COST, DEFAULT_TIMEOUT_RETRY_COST)
    }

    /// The same size, with these costs of a retry and of a retry after a timeout (each at
    /// least 1). A new, full bucket: it is not shared with `self`'s clones.
    pub fn with_costs(self, retry: u32, after_timeout: u32) -> Self {
        Self::build(self.shared.capacity, retry, after_timeout)
    }

    fn build(capacity: u32, retry_cost: u32, timeout_retry_cost: u32) -> Self {
        Self {
            shared: Arc::new(Bucket {
                capacity,
                retry_cost,
                timeout_retry_cost,
                tokens: AtomicU32::new(capacity),
                granted: AtomicU64::new(0),
                refused: AtomicU64::new(0),
            }),
        }
    }

    /// The size of the bucket, in tokens.
    pub fn capacity(&self) -> u32 {
        self.shared.capacity
    }

    /// The tokens a retry takes.
    pub fn retry_cost(&self) -> u32 {
        self.shared.retry_cost
    }

    /// The tokens a retry after a timed-out attempt takes.
    pub fn timeout_retry_cost(&self) -> u32 {
        self.shared.timeout_retry_cost
    }

    /// The tokens left now.
    pub fn available(&self) -> u32 {
        self.shared.tokens.load(Ordering::Relaxed)
    }

    /// How many retries the budget has allowed so far.
    pub fn retries_granted(&self) -> u64 {
        self.shared.granted.load(Ordering::Relaxed)
    }

    /// How many retries the budget has refused so far (each ended its call).
    pub fn retries_refused(&self) -> u64 {
        self.shared.refused.load(Ordering::Relaxed)
    }

    /// Takes the cost of one retry (of a retry after a timeout when `after_timeout`); `false`,
    /// taking nothing, when fewer tokens are left.
    pub(crate) fn try_retry(&self, after_timeout: bool) -> bool {
        let cost = if after_timeout {
            self.shared.timeout_retry_cost
        } else {
            self.shared.retry_cost
        };
        let taken = self
            .shared
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok();
        let counter = if taken {
            &self.shared.granted
        } else {
            &self.shared.refused
        };
        counter.fetch_add(1, Ordering::Relaxed);
        taken
    }

    /// Gives back what a successful answer earns, up to the capacity.
    pub(crate) fn succeeded(&self) {
        let capacity = self.shared.capacity;
        let _ = self
            .shared
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < capacity).then(|| t.saturating_add(SUCCESS_REFILL).min(capacity))
            });
    }

    /// Adds a violation, named under `retry_budget`, for every setting that cannot work.
    pub(crate) fn check(&self, violations: &mut Violations) {
        for (field, cost) in [
            ("retry_budget.retry_cost", self.shared.retry_cost),
            (
                "retry_budget.timeout_retry_cost",
                self.shared.timeout_retry_cost,
            ),
        ] {
            if cost == 0 {
                violations.push(
                    field,
                    "must be at least 1 (no_retry_budget() switches the budget off)",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_cost_and_successes_refill_up_to_the_cap() {
        let budget = RetryBudget::new(12);
        assert!(budget.try_retry(false));
        assert_eq!(budget.available(), 7);
        assert!(!budget.try_retry(true), "10 > 7: refused");
        assert_eq!(budget.available(), 7, "a refusal takes nothing");
        assert!(budget.try_retry(false));
        assert_eq!(budget.available(), 2);
        assert!(!budget.try_retry(false));
        for _ in 0..20 {
            budget.succeeded();
        }
        assert_eq!(budget.available(), 12, "capped");
        assert_eq!((budget.retries_granted(), budget.retries_refused()), (2, 2));
    }

    #[test]
    fn defaults_are_the_standard_mode() {
        let budget = RetryBudget::default();
        assert_eq!(budget.capacity(), 500);
        assert_eq!(budget.retry_cost(), 5);
        assert_eq!(budget.timeout_retry_cost(), 10);
        // 500 tokens: exactly 100 retries, then none.
        let granted = (0..1000).filter(|_| budget.try_retry(false)).count();
        assert_eq!(granted, 100);
    }

    #[test]
    fn clones_share_the_bucket() {
        let budget = RetryBudget::new(10);
        let clone = budget.clone();
        assert!(clone.try_retry(false));
        assert_eq!(budget.available(), 5);
        assert!(budget.try_retry(false));
        assert!(!clone.try_retry(false));
    }

    #[test]
    fn concurrent_takers_never_overdraw() {
        let budget = RetryBudget::new(500);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let b = budget.clone();
                std::thread::spawn(move || (0..100).filter(|_| b.try_retry(false)).count())
            })
            .collect();
        let granted: usize = threads.into_iter().map(|t| t.join().unwrap_or(0)).sum();
        assert_eq!(granted, 100);
        assert_eq!(budget.available(), 0);
    }

    #[test]
    fn zero_costs_are_refused() {
        let mut v = Violations::default();
        RetryBudget::new(5).with_costs(0, 0).check(&mut v);
        let text = v.to_string();
        assert!(text.contains("retry_budget.retry_cost"), "{text}");
        assert!(text.contains("retry_budget.timeout_retry_cost"), "{text}");
    }
}
