//! What a person at a terminal sees while a command waits: a spinner on standard error
//! (indicatif), once an answer has taken a second, and at once while waiting for a service to
//! be available, with its last status and the time waited. Nothing is drawn when standard
//! error is not a terminal, and the spinner is cleared when the wait ends.

use std::{
    sync::{Mutex, PoisonError},
    time::Duration,
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use otc_vpcep::{Client, Error, types::EndpointService};
use tokio::time::Instant;

use crate::failure::Failure;

/// How often the spinner turns.
const TICK: Duration = Duration::from_millis(100);
/// How long an answer may take before the spinner shows.
const PATIENCE: Duration = Duration::from_secs(1);

/// Awaits `call`, with a spinner once it has taken a second.
pub async fn awaited<T>(call: impl Future<Output = Result<T, Error>>) -> Result<T, Failure> {
    awaited_as(call, "waiting for the answer").await
}

/// Awaits `call`, with a spinner that says `what` once it has taken a second.
pub async fn awaited_as<T>(
    call: impl Future<Output = Result<T, Error>>,
    what: &str,
) -> Result<T, Failure> {
    spinning(call, ProgressDrawTarget::stderr(), PATIENCE, |waited| {
        format!("{what} ({}s)", waited.as_secs())
    })
    .await
    .map_err(Failure::from)
}

/// Deletes with `delete`, which waits until the service `service_id` is gone, with a spinner
/// at once.
pub async fn gone(
    delete: impl Future<Output = Result<(), Error>>,
    service_id: &str,
) -> Result<(), Failure> {
    let service_id = plain(service_id);
    spinning(
        delete,
        ProgressDrawTarget::stderr(),
        Duration::ZERO,
        |waited| {
            format!(
                "deleting {service_id}, waiting until it is gone ({}s)",
                waited.as_secs()
            )
        },
    )
    .await
    .map_err(Failure::from)
}

/// Where a command prints while a spinner may be drawn: through the spinner, which is taken
/// off the terminal for the print and drawn again after.
pub struct Screen(Option<ProgressBar>);

impl Screen {
    /// Runs `print` with the spinner, if any, off the terminal.
    pub fn print<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(spinner) => spinner.suspend(print),
            None => print(),
        }
    }
}

/// Whether a walk goes on after an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    On,
    Stop,
}

/// Hands each item of `items` to `each` (which prints through the [`Screen`]) until the end,
/// the first error, or `each` says stop; once that has taken a second, a spinner says how
/// many `things` were read. Answers how many were.
pub async fn walked<T>(
    items: impl futures_util::Stream<Item = Result<T, Error>>,
    things: &str,
    each: impl FnMut(T, &Screen) -> Result<Walk, Failure>,
) -> Result<usize, Failure> {
    counted(items, ProgressDrawTarget::stderr(), PATIENCE, things, each).await
}

async fn counted<T>(
    items: impl futures_util::Stream<Item = Result<T, Error>>,
    target: ProgressDrawTarget,
    after: Duration,
    things: &str,
    mut each: impl FnMut(T, &Screen) -> Result<Walk, Failure>,
) -> Result<usize, Failure> {
    use futures_util::StreamExt;
    let mut items = std::pin::pin!(items);
    let started = Instant::now();
    let mut ticks = tokio::time::interval_at(started + after, TICK);
    let mut target = Some(target);
    let mut screen = Screen(None);
    let mut count = 0;
    let result = loop {
        tokio::select! {
            item = items.next() => match item {
                None => break Ok(count),
                Some(Err(error)) => break Err(Failure::from(error)),
                Some(Ok(item)) => {
                    count += 1;
                    match each(item, &screen) {
                        Ok(Walk::On) => {}
                        Ok(Walk::Stop) => break Ok(count),
                        Err(failure) => break Err(failure),
                    }
                }
            },
            _ = ticks.tick() => {
                let spinner = screen.0.get_or_insert_with(|| {
                    spinner(target.take().unwrap_or_else(ProgressDrawTarget::hidden))
                });
                spinner.set_message(format!(
                    "reading {things}: {count} so far ({}s)",
                    started.elapsed().as_secs()
                ));
                spinner.tick();
            }
        }
    };
    if let Some(spinner) = screen.0 {
        spinner.finish_and_clear();
    }
    result
}

/// A spinner drawn on `target`.
fn spinner(target: ProgressDrawTarget) -> ProgressBar {
    let style = ProgressStyle::with_template("{spinner} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    ProgressBar::with_draw_target(None, target).with_style(style)
}

/// Waits until the service `service_id` is available, for at most `timeout`, with a spinner
/// that shows its last status.
pub async fn waited(
    client: &Client,
    service_id: &str,
    timeout: Duration,
) -> Result<EndpointService, Failure> {
    let status = Mutex::new(None);
    let wait = client
        .wait_until_available(service_id, timeout)
        .on_poll(|service| {
            let seen = service.status.as_ref().map(|s| plain(&s.to_string()));
            *status.lock().unwrap_or_else(PoisonError::into_inner) = seen;
        })
        .send();
    let service_id = plain(service_id);
    spinning(
        wait,
        ProgressDrawTarget::stderr(),
        Duration::ZERO,
        |waited| {
            let status = status
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            format!(
                "waiting for {service_id} to be available: {} ({}s)",
                status.as_deref().unwrap_or("no status yet"),
                waited.as_secs()
            )
        },
    )
    .await
    .map_err(Failure::from)
}

/// Awaits `work`, drawing a spinner on `target` from `after` on, with the `message` for the
/// time waited so far; clears it when the work is done.
async fn spinning<T>(
    work: impl Future<Output = T>,
    target: ProgressDrawTarget,
    after: Duration,
    message: impl Fn(Duration) -> String,
) -> T {
    tokio::pin!(work);
    let started = Instant::now();
    let mut ticks = tokio::time::interval_at(started + after, TICK);
    let mut target = Some(target);
    let mut spinner: Option<ProgressBar> = None;
    loop {
        tokio::select! {
            done = &mut work => {
                if let Some(spinner) = spinner {
                    spinner.finish_and_clear();
                }
                return done;
            }
            _ = ticks.tick() => {
                let spinner = spinner.get_or_insert_with(|| {
                    self::spinner(target.take().unwrap_or_else(ProgressDrawTarget::hidden))
                });
                spinner.set_message(message(started.elapsed()));
                spinner.tick();
            }
        }
    }
}

/// `text` as is when it is plain (letters, digits, `-`, `_`, `.`), else quoted as JSON, so that
/// what the service answers cannot move the cursor or change colours.
pub fn plain(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        text.to_owned()
    } else {
        serde_json::Value::String(text.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use indicatif::TermLike;

    use super::*;

    /// A terminal that records what is drawn on it, a line per write.
    #[derive(Clone, Debug, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl Recorder {
        fn lines(&self) -> Vec<String> {
            self.0.lock().unwrap().clone()
        }

        fn push(&self, text: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(text.to_owned());
            Ok(())
        }
    }

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, text: &str) -> std::io::Result<()> {
            self.push(text)
        }
        fn write_str(&self, text: &str) -> std::io::Result<()> {
            self.push(text)
        }
        fn clear_line(&self) -> std::io::Result<()> {
            self.push("<clear>")
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn drawn_on(recorder: &Recorder) -> ProgressDrawTarget {
        ProgressDrawTarget::term_like(Box::new(recorder.clone()))
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_wait_shows_a_spinner_with_the_time_and_clears_it() {
        let recorder = Recorder::default();
        let slow = async {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            7
        };
        let result = spinning(slow, drawn_on(&recorder), PATIENCE, |waited| {
            format!("waiting ({}s)", waited.as_secs())
        })
        .await;
        assert_eq!(result, 7);
        let lines = recorder.lines();
        let texts: Vec<&String> = lines.iter().filter(|l| l.contains("waiting")).collect();
        assert!(
            texts.first().is_some_and(|l| l.ends_with("waiting (1s)")),
            "{lines:?}"
        );
        assert!(
            texts.last().is_some_and(|l| l.ends_with("waiting (2s)")),
            "{lines:?}"
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some("<clear>"),
            "{lines:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_quick_answer_shows_nothing() {
        let recorder = Recorder::default();
        let quick = async { 1 };
        assert_eq!(
            spinning(quick, drawn_on(&recorder), PATIENCE, |_| "x".into()).await,
            1
        );
        assert!(recorder.lines().is_empty(), "{:?}", recorder.lines());
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_shows_at_once() {
        let recorder = Recorder::default();
        let slow = tokio::time::sleep(Duration::from_millis(150));
        spinning(slow, drawn_on(&recorder), Duration::ZERO, |_| {
            "creating".into()
        })
        .await;
        assert!(
            recorder.lines().iter().any(|l| l.ends_with("creating")),
            "{:?}",
            recorder.lines()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_walk_shows_how_many_were_read_and_prints_off_the_spinner() {
        let recorder = Recorder::default();
        let slow = futures_util::stream::unfold(0, |n| async move {
            if n == 3 {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(700)).await;
            Some((Ok::<_, Error>(n), n + 1))
        });
        let printed = Mutex::new(Vec::new());
        let count = counted(
            slow,
            drawn_on(&recorder),
            PATIENCE,
            "services",
            |n, screen| {
                screen.print(|| printed.lock().unwrap().push(n));
                Ok(Walk::On)
            },
        )
        .await;
        assert_eq!(count.ok(), Some(3));
        assert_eq!(*printed.lock().unwrap(), [0, 1, 2]);
        let lines = recorder.lines();
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with("reading services: 1 so far (1s)")),
            "{lines:?}"
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some("<clear>"),
            "{lines:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_walk_stops_when_told() {
        let items = futures_util::stream::iter((0..10).map(Ok::<_, Error>));
        let count = counted(
            items,
            ProgressDrawTarget::hidden(),
            PATIENCE,
            "x",
            |n, _| Ok(if n == 4 { Walk::Stop } else { Walk::On }),
        )
        .await;
        assert_eq!(count.ok(), Some(5));
    }

    #[test]
    fn what_the_service_says_cannot_drive_the_terminal() {
        assert_eq!(plain("creating"), "creating");
        assert_eq!(plain("\u{1b}[2Jgone"), "\"\\u001b[2Jgone\"");
    }
}
