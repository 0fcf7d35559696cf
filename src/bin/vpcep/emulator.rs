//! `vpcep emulator`: the local emulator of the API, in the foreground until interrupted.

use std::{io::Write, process::ExitCode};

use otc_vpcep::{
    emulator::{Emulator, EmulatorError},
    types::EndpointService,
};

use crate::{FAILED, USAGE, args::EmulatorArgs, input};

/// Runs the emulator until Ctrl-C or SIGTERM; the first line on standard output is
/// `listening on http://ADDR`.
pub async fn run(args: EmulatorArgs) -> ExitCode {
    let mut builder = Emulator::builder().address(args.listen).region(args.region);
    if let Some(path) = &args.seed {
        match seed(path) {
            Ok(services) => {
                builder = services
                    .into_iter()
                    .fold(builder.empty(), |b, s| b.service(s));
            }
            Err(problem) => {
                eprintln!("error: {problem}");
                return ExitCode::from(USAGE);
            }
        }
    }
    for token in args.tokens {
        builder = builder.token(token);
    }
    if let (Some(access_key), Some(secret_key)) = (args.access_key, args.secret_key) {
        builder = builder.access_key(access_key, secret_key);
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("error: {error}");
            let usage = matches!(error, EmulatorError::InvalidSeed(_));
            return ExitCode::from(if usage { USAGE } else { FAILED });
        }
    };
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "listening on {}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(FAILED);
    }
    eprintln!("stop with Ctrl-C");
    interrupted().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// The services of a seed file: a JSON list of services as the API answers them.
fn seed(path: &std::path::Path) -> Result<Vec<EndpointService>, String> {
    let bytes = input::read("--seed", path, input::MAX_INPUT_BYTES)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "--seed {}: not a JSON list of services: {e}",
            path.display()
        )
    })
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
