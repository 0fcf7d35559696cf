//! What a command prints on standard output: the service as the API answers it, and the wait
//! for that answer on a terminal.

use std::{
    io::{IsTerminal, Write},
    time::Duration,
};

use otc_vpcep::{Error, types::EndpointService};

use crate::{args::Output, failure::Failure, table};

/// Prints `service` as `output` says.
pub fn print_service(service: &EndpointService, output: Output) -> Result<(), Failure> {
    match output {
        Output::Json => {
            let text = serde_json::to_string_pretty(service)
                .map_err(|e| Failure::Usage(format!("cannot print the answer: {e}")))?;
            println!("{}", crate::terminal::escape_json(&text));
        }
        Output::Table => print!("{}", table::render(service)),
    }
    Ok(())
}

/// Awaits `call`, telling a person at a terminal (standard error) that it is still waiting.
pub async fn awaited<T>(call: impl Future<Output = Result<T, Error>>) -> Result<T, Failure> {
    let terminal = std::io::stderr().is_terminal().then(std::io::stderr);
    with_progress(call, terminal).await
}

/// Awaits `send`, telling a person at a terminal (`progress`) that it is still waiting, once a
/// second after the first.
async fn with_progress<T>(
    send: impl Future<Output = Result<T, Error>>,
    mut progress: Option<impl Write>,
) -> Result<T, Failure> {
    let started = tokio::time::Instant::now();
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ticks.tick().await;
    tokio::pin!(send);
    let mut waited = false;
    loop {
        tokio::select! {
            result = &mut send => {
                if let (true, Some(out)) = (waited, progress.as_mut()) {
                    // Clears the progress line.
                    let _ = write!(out, "\r\x1b[2K");
                }
                return result.map_err(Failure::from);
            }
            _ = ticks.tick(), if progress.is_some() => {
                waited = true;
                if let Some(out) = progress.as_mut() {
                    let _ = write!(out, "\rwaiting for the service... {}s", started.elapsed().as_secs());
                    let _ = out.flush();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_long_wait_shows_progress_and_clears_it() {
        let slow = async {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            Ok::<_, Error>(7)
        };
        let mut shown = Vec::new();
        let result = with_progress(slow, Some(&mut shown)).await;
        assert!(matches!(result, Ok(7)));
        assert_eq!(
            String::from_utf8(shown).unwrap(),
            "\rwaiting for the service... 1s\rwaiting for the service... 2s\r\x1b[2K"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_quick_answer_or_no_terminal_shows_nothing() {
        let mut shown = Vec::new();
        let quick = async { Ok::<_, Error>(1) };
        assert!(with_progress(quick, Some(&mut shown)).await.is_ok());
        assert!(shown.is_empty());
        let slow = async {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Ok::<_, Error>(2)
        };
        assert!(with_progress(slow, None::<Vec<u8>>).await.is_ok());
    }
}
