//! [`Pacing`]: the send rate of a client and its clones after the rate limit (HTTP 400
//! `EndPoint.0022`), after the adaptive retry mode of aws-sdk-rust (`client_rate_limiter` in
//! smithy-rs): a token bucket that is idle until the first rate-limit answer, then fills at a
//! rate cut to 70 % of the rate measured when the limit hit, and grows back along a CUBIC
//! curve (slowly near the rate that was limited, faster beyond it) until the next one.
//!
//! Sends reserve a token each (the bucket may go into debt), so concurrent tasks are spaced
//! out rather than woken together. A wait never runs past what the caller allows.

use std::{
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering::Relaxed},
    },
    time::Duration,
};

use tokio::time::Instant;
use tracing::info;

/// The factor the send rate is cut by on a rate-limit answer.
const BETA: f64 = 0.7;
/// How fast the rate grows back after a cut (CUBIC's scale).
const SCALE: f64 = 0.4;
/// The weight of the newest measurement of the send rate.
const SMOOTH: f64 = 0.8;
/// The lowest fill rate, in requests per second.
const MIN_FILL_RATE: f64 = 0.5;
/// The smallest bucket, in requests.
const MIN_CAPACITY: f64 = 1.0;
/// The measured send rate is counted over this many seconds.
const MEASURE_WINDOW: f64 = 0.5;

/// The send-rate pacing shared by a client and its clones (on by default: see
/// [`ClientBuilder::pacing`](crate::ClientBuilder::pacing)). Until a rate-limit answer comes,
/// it never delays a request.
#[derive(Clone, Debug, Default)]
pub struct Pacing {
    shared: Arc<Shared>,
}

/// What a client and its clones share of the pacing.
#[derive(Debug, Default)]
struct Shared {
    /// Whether a rate-limit answer came: only then are sends paced. Read without the lock,
    /// so that a send before the first rate limit takes none; set under it.
    enabled: AtomicBool,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Whether the bucket was given its first token (at the first cut).
    paced_before: bool,
    fill_rate: f64,
    capacity: f64,
    /// Tokens in the bucket (negative: reserved by sends still waiting).
    tokens: f64,
    last_refill: Option<Instant>,
    /// The rate the last cut was made from, and when.
    last_max_rate: f64,
    last_throttle: Option<Instant>,
    /// CUBIC's time to grow back to `last_max_rate`, in seconds.
    time_window: f64,
    /// Whether the rate has grown back to `last_max_rate` since the last cut.
    recovered: bool,
    measured_rate: f64,
    window_start: Option<Instant>,
    window_count: u64,
}

impl Default for State {
    fn default() -> Self {
        Self {
            paced_before: false,
            fill_rate: MIN_FILL_RATE,
            capacity: MIN_CAPACITY,
            tokens: 0.0,
            last_refill: None,
            last_max_rate: 0.0,
            last_throttle: None,
            time_window: 0.0,
            recovered: true,
            measured_rate: 0.0,
            window_start: None,
            window_count: 0,
        }
    }
}

impl Pacing {
    /// The send rate now, in requests per second, or `None` while sends are not paced.
    pub fn send_rate(&self) -> Option<f64> {
        let state = self.lock();
        self.enabled().then_some(state.fill_rate)
    }

    fn enabled(&self) -> bool {
        self.shared.enabled.load(Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserves a send and answers how long to wait before it (zero while not paced). When the
    /// wait would be longer than `at_most`, nothing is reserved and `at_most` is answered: the
    /// caller's time ends first.
    pub(crate) fn reserve(&self, at_most: Duration) -> Duration {
        if !self.enabled() {
            return Duration::ZERO;
        }
        let mut state = self.lock();
        let now = Instant::now();
        state.refill(now);
        let debt = (1.0 - state.tokens).max(0.0);
        let wait = Duration::try_from_secs_f64(debt / state.fill_rate).unwrap_or(Duration::MAX);
        if wait > at_most {
            return at_most;
        }
        state.tokens -= 1.0;
        wait
    }

    /// Takes in one answer to a request that asked for its turn at `sent`: `throttled` when
    /// it was the rate limit. The rate is cut at most once per round trip: a rate-limit answer
    /// to a request scheduled before the last cut (in flight then, or waiting at the old
    /// rate) tells nothing new. A cut, and the recovery to the rate before the cut, are logged.
    pub(crate) fn answered(&self, sent: Instant, throttled: bool) {
        let mut state = self.lock();
        let enabled = self.enabled();
        if !throttled && !enabled {
            // Until the first rate limit, an answer is only counted, as of when its request
            // asked to go: the clock is not read again.
            state.measure(sent);
            return;
        }
        let now = Instant::now();
        state.measure(now);
        let measured = state.estimate(now);
        let stale = state.last_throttle.is_some_and(|cut| sent < cut);
        let rate = if throttled && stale {
            return;
        } else if throttled {
            let from = if enabled {
                measured.min(state.fill_rate)
            } else {
                measured
            };
            let from = from.max(MIN_FILL_RATE);
            state.last_max_rate = from;
            state.time_window = (from * (1.0 - BETA) / SCALE).cbrt();
            state.last_throttle = Some(now);
            self.shared.enabled.store(true, Relaxed);
            state.recovered = false;
            let cut = from * BETA;
            info!(
                from_per_s = round(from),
                to_per_s = round(cut.max(MIN_FILL_RATE)),
                "pacing: rate limit answered, send rate cut"
            );
            cut
        } else if enabled {
            let since = state
                .last_throttle
                .map_or(0.0, |t| now.duration_since(t).as_secs_f64());
            let grown = SCALE * (since - state.time_window).powi(3) + state.last_max_rate;
            if !state.recovered && grown >= state.last_max_rate {
                state.recovered = true;
                info!(
                    rate_per_s = round(state.last_max_rate),
                    "pacing: send rate recovered to where the rate limit hit"
                );
            }
            grown.min(2.0 * measured.max(MIN_FILL_RATE))
        } else {
            return;
        };
        state.refill(now);
        if throttled && !state.paced_before {
            // The first cut leaves one send free, so that a lone caller's retry waits only
            // its backoff; the sends after it are paced.
            state.tokens = 1.0;
            state.paced_before = true;
        }
        state.fill_rate = rate.max(MIN_FILL_RATE);
        state.capacity = rate.max(MIN_CAPACITY);
        state.tokens = state.tokens.min(state.capacity);
    }
}

impl State {
    /// Adds the tokens earned since the last refill, up to the capacity.
    fn refill(&mut self, now: Instant) {
        if let Some(last) = self.last_refill {
            let earned = now.duration_since(last).as_secs_f64() * self.fill_rate;
            self.tokens = (self.tokens + earned).min(self.capacity);
        }
        self.last_refill = Some(now);
    }

    /// The measured send rate; before the first window has ended, the rate of the answers
    /// so far (over at least a tenth of a window), so that a burst that meets the rate limit
    /// at once is not cut to the lowest rate.
    fn estimate(&self, now: Instant) -> f64 {
        if self.measured_rate > 0.0 {
            return self.measured_rate;
        }
        let elapsed = self
            .window_start
            .map_or(0.0, |start| now.duration_since(start).as_secs_f64());
        self.window_count as f64 / elapsed.max(MEASURE_WINDOW / 10.0)
    }

    /// Counts an answer into the measured send rate (smoothed over half-second windows).
    fn measure(&mut self, now: Instant) {
        self.window_count += 1;
        let start = *self.window_start.get_or_insert(now);
        let elapsed = now.duration_since(start).as_secs_f64();
        if elapsed >= MEASURE_WINDOW {
            let rate = self.window_count as f64 / elapsed;
            self.measured_rate = rate * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.window_count = 0;
            self.window_start = Some(now);
        }
    }
}

/// A rate rounded to a tenth, for logs.
fn round(rate: f64) -> f64 {
    (rate * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` answers, evenly spread over one second each `per_s` of them.
    async fn answers(pacing: &Pacing, n: u32, per_s: f64, throttled: bool) {
        for _ in 0..n {
            tokio::time::advance(Duration::from_secs_f64(1.0 / per_s)).await;
            pacing.answered(Instant::now(), throttled);
        }
    }

    /// A rate-limit answer to a request sent now.
    fn throttled(pacing: &Pacing) {
        pacing.answered(Instant::now(), true);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_until_the_rate_limit_then_cut() {
        let pacing = Pacing::default();
        answers(&pacing, 200, 100.0, false).await;
        assert_eq!(pacing.send_rate(), None, "never paced before a rate limit");
        assert_eq!(pacing.reserve(Duration::from_secs(1)), Duration::ZERO);
        throttled(&pacing);
        let rate = pacing.send_rate().unwrap_or_default();
        assert!((60.0..=80.0).contains(&rate), "100/s cut by 0.7: {rate}");
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_sends_are_spaced_and_bounded() {
        let pacing = Pacing::default();
        answers(&pacing, 100, 100.0, false).await;
        throttled(&pacing);
        let rate = pacing.send_rate().unwrap_or_default();
        let waits: Vec<_> = (0..10)
            .map(|_| pacing.reserve(Duration::from_secs(10)))
            .collect();
        // Each send waits one more slot of 1/rate than the one before.
        for pair in waits.windows(2) {
            let step = (pair[1] - pair[0]).as_secs_f64();
            assert!((step - 1.0 / rate).abs() < 1e-6, "{waits:?}");
        }
        // A wait longer than allowed is not reserved.
        let short = Duration::from_millis(1);
        assert_eq!(pacing.reserve(short), short);
        let next = pacing.reserve(Duration::from_secs(10));
        assert!((next - waits[9]).as_secs_f64() - 1.0 / rate < 1e-6);
    }

    #[tokio::test(start_paused = true)]
    async fn grows_back_along_the_cubic_curve() {
        let pacing = Pacing::default();
        answers(&pacing, 200, 100.0, false).await;
        throttled(&pacing);
        let cut = pacing.send_rate().unwrap_or_default();
        // Successes at the paced rate: the rate climbs back past where it was cut from.
        let mut rates = Vec::new();
        for _ in 0..12 {
            answers(&pacing, 50, 100.0, false).await;
            rates.push(pacing.send_rate().unwrap_or_default());
        }
        assert!(rates[0] > cut, "{cut} {rates:?}");
        assert!(rates.windows(2).all(|w| w[1] >= w[0] - 1e-9), "{rates:?}");
        let last = rates.last().copied().unwrap_or_default();
        assert!(last > 95.0, "recovered: {rates:?}");
        // Another rate limit cuts again.
        throttled(&pacing);
        assert!(pacing.send_rate().unwrap_or_default() < last);
    }

    #[tokio::test(start_paused = true)]
    async fn one_cut_per_round_trip() {
        let pacing = Pacing::default();
        answers(&pacing, 100, 100.0, false).await;
        let sent = Instant::now();
        tokio::time::advance(Duration::from_millis(10)).await;
        throttled(&pacing);
        let cut = pacing.send_rate().unwrap_or_default();
        // Requests in flight at the cut meet the limit too: no further cut.
        for _ in 0..20 {
            pacing.answered(sent, true);
        }
        assert_eq!(pacing.send_rate(), Some(cut));
        // A request sent after the cut that meets the limit cuts again.
        tokio::time::advance(Duration::from_millis(10)).await;
        throttled(&pacing);
        assert!(pacing.send_rate().unwrap_or_default() < cut);
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_the_pace() {
        let pacing = Pacing::default();
        let clone = pacing.clone();
        answers(&pacing, 10, 10.0, false).await;
        throttled(&clone);
        assert!(pacing.send_rate().is_some());
    }
}
