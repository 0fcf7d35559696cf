//! What the calls of a client and its clones share, for many tasks on one client: the
//! [`RetryBudget`], the [`Pacing`] after the rate limit, and the optional cap on requests in
//! flight. The attempt loop (`runtime::attempts`) asks it before each attempt and tells it each
//! outcome.

use std::{sync::Arc, time::Duration};

use tokio::{
    sync::{OwnedSemaphorePermit, Semaphore},
    time::Instant,
};
use tracing::warn;

use crate::{RetryBudget, runtime::pacing::Pacing};

/// The shared guards of one client and its clones; each is off when `None`.
#[derive(Clone, Debug, Default)]
pub(crate) struct SharedGuards {
    pub(crate) budget: Option<RetryBudget>,
    pub(crate) pacing: Option<Pacing>,
    pub(crate) in_flight: Option<Arc<Semaphore>>,
}

impl SharedGuards {
    /// No guards at all: every attempt goes at once, and every retry is allowed.
    pub(crate) const fn none() -> Self {
        Self {
            budget: None,
            pacing: None,
            in_flight: None,
        }
    }

    /// Waits for the attempt's turn, asked for at `asked`, for at most `left`: the pacing's
    /// slot, then a place among the requests in flight (held until the returned slot is
    /// dropped). When `left` runs out first, answers without a slot: the attempt then has no
    /// time left and times out without being sent. The clock is read again only after a wait.
    pub(crate) async fn turn(&self, asked: Instant, left: Duration) -> Turn {
        let mut waited = false;
        if let Some(pacing) = &self.pacing {
            let wait = pacing.reserve(left);
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
                waited = true;
            }
        }
        let permit = match &self.in_flight {
            None => None,
            Some(cap) => {
                let left = left.saturating_sub(asked.elapsed());
                waited = true;
                match tokio::time::timeout(left, cap.clone().acquire_owned()).await {
                    Ok(Ok(permit)) => Some(permit),
                    _ => return Turn::TimeUp,
                }
            }
        };
        Turn::Granted(Slot {
            _permit: permit,
            asked,
            left: if waited {
                left.saturating_sub(asked.elapsed())
            } else {
                left
            },
        })
    }

    /// Takes in the answer to an attempt that asked for its turn at `asked` (see [`Slot`]): for
    /// the pacing (whether it was the rate limit) and the budget (a success gives back).
    pub(crate) fn answered(&self, asked: Instant, status: u16, throttled: bool) {
        if let Some(pacing) = &self.pacing {
            pacing.answered(asked, throttled);
        }
        if let (Some(budget), true) = (&self.budget, status < 400) {
            budget.succeeded();
        }
    }

    /// Whether the budget allows a retry (after a timeout when `after_timeout`); a refusal
    /// is logged (the attempt loop returns it, and the call's error becomes
    /// [`Error::RetryBudgetSpent`](crate::Error::RetryBudgetSpent)).
    pub(crate) fn may_retry(&self, operation: &str, after_timeout: bool) -> bool {
        let Some(budget) = &self.budget else {
            return true;
        };
        if budget.try_retry(after_timeout) {
            return true;
        }
        warn!(
            operation,
            available = budget.available(),
            capacity = budget.capacity(),
            after_timeout,
            "retry budget spent: the failure is returned without a retry"
        );
        false
    }
}

/// The outcome of waiting for an attempt's turn.
pub(crate) enum Turn {
    /// The attempt may be sent now, within its slot's time.
    Granted(Slot),
    /// The call's time ran out while waiting.
    TimeUp,
}

/// An attempt's slot: its place among the requests in flight and the time it has left.
pub(crate) struct Slot {
    /// Its place among the requests in flight (if they are capped), held until dropped.
    _permit: Option<OwnedSemaphorePermit>,
    /// When it asked for its turn: the pacing weighs its answer by it.
    pub(crate) asked: Instant,
    /// The time left of what the turn was given.
    pub(crate) left: Duration,
}
