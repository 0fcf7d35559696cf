//! Answers lost after the change was made: the fault that proves a client never sends a
//! create again whose answer it did not get (a create is not idempotent: a second one makes a
//! second service).
//!
//! A test queues, for one operation of the spec, how many of its next successful requests lose
//! their answer, and how: the connection is closed without any answer ([`LostAnswer::Reset`]:
//! the client sees the connection end before an answer, as after a reset or a proxy's
//! timeout), or the answer is replaced by 503 `EndPoint.0001` ([`LostAnswer::Unavailable`]: a
//! gateway that gave up waiting). Either way the request was carried out: the state has the
//! change.
//!
//! Only a request the operation carries out counts (its answer would have been a 2xx); a
//! request it refuses is answered as usual and leaves the queue as it is, since it changed
//! nothing to lose.

use std::{
    collections::VecDeque,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

/// How the answer of a request that was carried out is lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LostAnswer {
    /// The connection is closed without an answer.
    Reset,
    /// The answer is 503 `EndPoint.0001` instead of the operation's.
    Unavailable,
}

impl LostAnswer {
    /// The name of the way on the command line: `reset` or `503`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Unavailable => "503",
        }
    }

    /// The way named `name` on the command line (`reset`, or `503` or `unavailable`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "reset" => Some(Self::Reset),
            "503" | "unavailable" => Some(Self::Unavailable),
            _ => None,
        }
    }
}

/// The marker, in an answer's extensions, that tells the connection to close without sending
/// the answer (see `connection::serve`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CutConnection;

impl std::fmt::Display for CutConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the emulator cut the connection instead of answering (an injected fault)")
    }
}

impl std::error::Error for CutConnection {}

/// One entry of the queue: an operation, how its answers are lost, and how many more.
#[derive(Debug)]
struct Queued {
    operation: &'static str,
    how: LostAnswer,
    remaining: usize,
}

/// The answers still to lose, per operation, in the order they were queued; and how many were.
#[derive(Debug, Default)]
pub(crate) struct LostAnswers {
    queue: Mutex<VecDeque<Queued>>,
    lost: AtomicU64,
}

impl LostAnswers {
    /// Loses the answers of the next `times` successful requests of `operation` (its id in the
    /// spec's table), after those already queued for it.
    pub(crate) fn queue(&self, operation: &'static str, times: usize, how: LostAnswer) {
        if times > 0 {
            self.entries().push_back(Queued {
                operation,
                how,
                remaining: times,
            });
        }
    }

    /// How the answer of this successful request of `operation` is lost, if it is.
    pub(crate) fn take(&self, operation: &str) -> Option<LostAnswer> {
        let mut queue = self.entries();
        let at = queue.iter().position(|q| q.operation == operation)?;
        let entry = queue.get_mut(at)?;
        let how = entry.how;
        entry.remaining -= 1;
        if entry.remaining == 0 {
            queue.remove(at);
        }
        drop(queue);
        self.lost.fetch_add(1, Ordering::Relaxed);
        Some(how)
    }

    /// How many answers were lost so far.
    pub(crate) fn count(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<Queued>> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_has_its_own_queue_in_order() {
        let lost = LostAnswers::default();
        lost.queue("create", 2, LostAnswer::Reset);
        lost.queue("create", 1, LostAnswer::Unavailable);
        lost.queue("delete", 1, LostAnswer::Unavailable);
        lost.queue("get", 0, LostAnswer::Reset);
        assert_eq!(lost.take("get"), None);
        assert_eq!(lost.take("delete"), Some(LostAnswer::Unavailable));
        assert_eq!(lost.take("delete"), None);
        assert_eq!(lost.take("create"), Some(LostAnswer::Reset));
        assert_eq!(lost.take("create"), Some(LostAnswer::Reset));
        assert_eq!(lost.take("create"), Some(LostAnswer::Unavailable));
        assert_eq!(lost.take("create"), None);
        assert_eq!(lost.count(), 4);
        for how in [LostAnswer::Reset, LostAnswer::Unavailable] {
            assert_eq!(LostAnswer::from_name(how.name()), Some(how));
        }
        assert_eq!(LostAnswer::from_name("drop"), None);
    }
}
