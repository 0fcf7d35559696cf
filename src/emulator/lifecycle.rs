//! How long a service's asynchronous changes take in the emulator, and the change each stored
//! service still has to come.
//!
//! The provider documents that a create and a delete each take "1 to 2 minutes"; the emulator
//! makes them as long as a test wants (zero by default, so that trying the crate needs no
//! waiting), and answers the intermediate status meanwhile: `creating` after a create (and,
//! when [`Timing::settle_after_modify`] is set, after a modify), `deleting` after a delete.
//!
//! Every time is counted on tokio's clock (`tokio::time::Instant`), so a test with a paused
//! clock (`#[tokio::test(start_paused = true)]`, `tokio::time::advance`) moves a service on
//! without sleeping. A change is made when the service is next looked at (no task runs in the
//! background): a query, a list, a quota count or any change looks at the clock first.

use std::time::Duration;

use tokio::time::Instant;

/// How long each asynchronous change takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Timing {
    /// How long a service stays `creating` after a modify (zero: it stays `available`).
    pub(crate) settle_after_modify: Duration,
    /// How long a new service stays `creating` before it is `available`.
    pub(crate) create_time: Duration,
    /// How long a deleted service stays `deleting` before it is gone.
    pub(crate) delete_time: Duration,
}

/// What becomes of a service once its time has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// It is `available`.
    Available,
    /// It no longer exists: a query answers 404 `EndPoint.0005`.
    Gone,
}

/// A change still to come: `next`, at `at`; `at` is `None` for a time too far to count, which
/// never comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    at: Option<Instant>,
    pub(crate) next: Next,
}

impl Pending {
    /// `next`, once `delay` has passed from now.
    pub(crate) fn after(delay: Duration, next: Next) -> Self {
        Self {
            at: Instant::now().checked_add(delay),
            next,
        }
    }

    /// Whether its time has come.
    pub(crate) fn is_due(&self, now: Instant) -> bool {
        self.at.is_some_and(|at| at <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_change_is_due_once_its_time_has_passed() {
        let pending = Pending::after(Duration::from_secs(90), Next::Available);
        assert!(!pending.is_due(Instant::now()));
        tokio::time::advance(Duration::from_secs(89)).await;
        assert!(!pending.is_due(Instant::now()));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(pending.is_due(Instant::now()));
        assert!(Pending::after(Duration::ZERO, Next::Gone).is_due(Instant::now()));
        assert!(!Pending::after(Duration::MAX, Next::Gone).is_due(Instant::now()));
    }
}
