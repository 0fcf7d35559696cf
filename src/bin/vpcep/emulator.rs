//! `vpcep emulator`: the local emulator of the API, in the foreground until interrupted.

use std::{io::Write, process::ExitCode};

use otc_vpcep::{emulator::Emulator, types::EndpointService};

use crate::{
    args::EmulatorArgs,
    failure::{FAILED, USAGE},
};

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
                eprintln!("error: --seed {}: {problem}", path.display());
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
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        match (read_pem(cert), read_pem(key)) {
            (Ok(cert), Ok(key)) => builder = builder.tls(&cert, &key),
            (Err(problem), _) => {
                eprintln!("error: --tls-cert {}: {problem}", cert.display());
                return ExitCode::from(USAGE);
            }
            (_, Err(problem)) => {
                eprintln!("error: --tls-key {}: {problem}", key.display());
                return ExitCode::from(USAGE);
            }
        }
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(error @ otc_vpcep::emulator::EmulatorError::InvalidTls(_)) => {
            eprintln!("error: --tls-cert/--tls-key: {error}");
            return ExitCode::from(USAGE);
        }
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(FAILED);
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
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("not a JSON list of services: {e}"))
}

/// A PEM file (a certificate chain or a key), at most 1 MiB.
fn read_pem(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let limit = otc_vpcep::MAX_CONFIG_FILE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("is larger than {limit} bytes"));
    }
    Ok(bytes)
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
