//! What one client may take of the emulator: sizes, timeouts and caps, each with a documented
//! default that [`EmulatorBuilder`](super::EmulatorBuilder) can change.

use std::time::Duration;

/// The largest request body the emulator reads, in bytes (1 MiB); a larger one is refused
/// with 413 `EndPoint.0002`, at once when its `Content-Length` says so.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// The most header lines a request may carry; more are refused with 431 `EndPoint.0002`.
pub const MAX_HEADERS: usize = 100;
/// The largest request head (request target and headers), in bytes (64 KiB); a larger one is
/// refused with 431 `EndPoint.0002`.
pub const MAX_HEAD_BYTES: usize = 64 << 10;
/// How many header lines hyper parses before it answers 431 itself (without a body or an
/// `X-Request-Id`): far above [`MAX_HEADERS`], so that the emulator answers first.
pub(crate) const PARSED_HEADERS: usize = 256;

/// Default of
/// [`EmulatorBuilder::header_read_timeout`](super::EmulatorBuilder::header_read_timeout): 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`EmulatorBuilder::idle_timeout`](super::EmulatorBuilder::idle_timeout): 60 s.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default of
/// [`EmulatorBuilder::body_read_timeout`](super::EmulatorBuilder::body_read_timeout): 30 s.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`EmulatorBuilder::max_connections`](super::EmulatorBuilder::max_connections): 256.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Default of [`EmulatorBuilder::max_body_reads`](super::EmulatorBuilder::max_body_reads): 32.
pub const DEFAULT_MAX_BODY_READS: usize = 32;
/// Default of [`EmulatorBuilder::shutdown_timeout`](super::EmulatorBuilder::shutdown_timeout): 5 s.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The timeouts and caps of one emulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// From a connection's opening, or from the first byte of a later request, to the end of
    /// the request's headers.
    pub(crate) header_read_timeout: Duration,
    /// How long a connection may wait, after an answer, for the next request's first byte.
    pub(crate) idle_timeout: Duration,
    /// From the end of the headers to the end of the body (waiting for a turn included).
    pub(crate) body_read_timeout: Duration,
    /// Connections served at once; more wait in the listen queue.
    pub(crate) max_connections: usize,
    /// Request bodies read at once; more wait for a turn.
    pub(crate) max_body_reads: usize,
    /// How long a shutdown waits for requests in flight before it cuts them.
    pub(crate) shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_body_reads: DEFAULT_MAX_BODY_READS,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        }
    }
}

impl Limits {
    /// Every limit that cannot work, by the name of its builder method.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, timeout) in [
            ("header_read_timeout", self.header_read_timeout),
            ("idle_timeout", self.idle_timeout),
            ("body_read_timeout", self.body_read_timeout),
        ] {
            if timeout.is_zero() {
                problems.push(format!("{name} must be above zero"));
            }
        }
        for (name, cap) in [
            ("max_connections", self.max_connections),
            ("max_body_reads", self.max_body_reads),
        ] {
            if !(1..=tokio::sync::Semaphore::MAX_PERMITS).contains(&cap) {
                problems.push(format!(
                    "{name} must be at least 1 and at most {}",
                    tokio::sync::Semaphore::MAX_PERMITS
                ));
            }
        }
        problems
    }
}
