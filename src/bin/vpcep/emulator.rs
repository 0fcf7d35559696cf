//! `vpcep emulator`: the local emulator of the API, in the foreground until interrupted.

use std::{io::Write, process::ExitCode};

use otc_vpcep::{
    emulator::{Emulator, EmulatorBuilder, EmulatorError},
    types::{EndpointService, ServiceStatus},
};

use crate::{
    args::EmulatorArgs,
    failure::{FAILED, USAGE},
    input,
};

/// The exit status after a second signal cut the shutdown short (128 + SIGINT, as shells do).
const INTERRUPTED: u8 = 130;

/// Runs the emulator until Ctrl-C or SIGTERM; the first line on standard output is
/// `listening on http://ADDR`. A second signal during the shutdown stops at once.
pub async fn run(args: EmulatorArgs) -> ExitCode {
    let mut signals = match Signals::new() {
        Ok(signals) => signals,
        Err(error) => {
            eprintln!("error: cannot listen for Ctrl-C: {error}");
            return ExitCode::from(FAILED);
        }
    };
    let builder = match configure(args) {
        Ok(builder) => builder,
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(USAGE);
        }
    };
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(error @ otc_vpcep::emulator::EmulatorError::InvalidTls(_)) => {
            eprintln!("error: --tls-cert/--tls-key: {error}");
            return ExitCode::from(USAGE);
        }
        Err(error) => {
            eprintln!("error: {error}");
            let usage = matches!(
                error,
                EmulatorError::InvalidSeed(_) | EmulatorError::InvalidConfig(_)
            );
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
    signals.next().await;
    eprintln!("stopping: requests in flight may finish (interrupt again to stop at once)");
    tokio::select! {
        () = emulator.shutdown() => ExitCode::SUCCESS,
        () = signals.next() => {
            eprintln!("stopped at once");
            ExitCode::from(INTERRUPTED)
        }
    }
}

/// The builder that the flags and the environment describe.
fn configure(args: EmulatorArgs) -> Result<EmulatorBuilder, String> {
    if !args.token_flag.is_empty() {
        return Err("--token would show the token in process listings: \
                    set VPCEP_EMULATOR_TOKENS (comma-separated) instead"
            .to_owned());
    }
    if args.secret_key_flag.is_some() {
        return Err(
            "--secret-key would show the secret key in process listings: \
                    set VPCEP_EMULATOR_SECRET_KEY instead"
                .to_owned(),
        );
    }
    // A variable set to the empty string counts as unset, as on the client side.
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut builder = Emulator::builder()
        .address(args.listen)
        .region(args.region)
        .allow_any_token(args.allow_any_token)
        .settle_after_modify(args.settle_time.unwrap_or_default());
    if let Some(path) = &args.seed {
        let available_after = args.available_after;
        builder = seed(path)?.into_iter().fold(builder.empty(), |b, s| {
            match (available_after, &s.status) {
                (Some(delay), Some(status)) if *status == ServiceStatus::Creating => {
                    b.service_available_after(s, delay)
                }
                _ => b.service(s),
            }
        });
    }
    if let Some(tokens) = env("VPCEP_EMULATOR_TOKENS") {
        for token in tokens.split(',').map(str::trim) {
            if token.is_empty() {
                return Err("VPCEP_EMULATOR_TOKENS: a token is empty \
                            (tokens are separated by single commas)"
                    .to_owned());
            }
            builder = builder.token(token);
        }
    }
    match (
        args.access_key.filter(|k| !k.is_empty()),
        env("VPCEP_EMULATOR_SECRET_KEY"),
    ) {
        (Some(access_key), Some(secret_key)) => {
            builder = builder.access_key(access_key, secret_key);
        }
        (Some(_), None) => {
            return Err(
                "--access-key needs its secret key in VPCEP_EMULATOR_SECRET_KEY".to_owned(),
            );
        }
        (None, Some(_)) => {
            return Err("VPCEP_EMULATOR_SECRET_KEY needs its access key: \
                        --access-key or VPCEP_EMULATOR_ACCESS_KEY"
                .to_owned());
        }
        (None, None) => {}
    }
    if let Some(per_second) = args.rate_limit {
        builder = builder.rate_limit(per_second, args.rate_burst);
    }
    if let Some(share) = args.failure_rate {
        builder = builder.failure_rate(share);
    }
    if let Some(timeout) = args.header_read_timeout {
        builder = builder.header_read_timeout(timeout);
    }
    if let Some(timeout) = args.idle_timeout {
        builder = builder.idle_timeout(timeout);
    }
    if let Some(timeout) = args.body_read_timeout {
        builder = builder.body_read_timeout(timeout);
    }
    if let Some(timeout) = args.shutdown_timeout {
        builder = builder.shutdown_timeout(timeout);
    }
    if let Some(connections) = args.max_connections {
        builder = builder.max_connections(connections);
    }
    if let Some(bodies) = args.max_body_reads {
        builder = builder.max_body_reads(bodies);
    }
    builder = iam(
        builder,
        &args.users,
        args.users_file.as_deref(),
        &args.projects,
        args.token_ttl,
    )?;
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let cert = input::read("--tls-cert", cert, input::MAX_INPUT_BYTES)?;
        let key = input::read("--tls-key", key, input::MAX_INPUT_BYTES)?;
        builder = builder.tls(&cert, &key);
    }
    Ok(builder)
}

/// The IAM users (from --user, VPCEP_EMULATOR_USERS and --users-file), the projects and the
/// token lifetime.
fn iam(
    mut builder: EmulatorBuilder,
    flags: &[String],
    users_file: Option<&std::path::Path>,
    projects: &[String],
    token_ttl: Option<std::time::Duration>,
) -> Result<EmulatorBuilder, String> {
    let mut users: Vec<(String, String)> = flags
        .iter()
        .map(|u| ("--user".to_owned(), u.clone()))
        .collect();
    if let Some(list) = std::env::var("VPCEP_EMULATOR_USERS")
        .ok()
        .filter(|v| !v.is_empty())
    {
        users.extend(
            list.split(',')
                .map(|u| ("VPCEP_EMULATOR_USERS".to_owned(), u.trim().to_owned())),
        );
    }
    if let Some(path) = users_file {
        let bytes = input::read("--users-file", path, input::MAX_INPUT_BYTES)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("--users-file {}: not UTF-8 text", path.display()))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                let at = format!("--users-file {} line {}", path.display(), n + 1);
                users.push((at, line.to_owned()));
            }
        }
    }
    for (origin, user) in users {
        // NAME:PASSWORD:DOMAIN; the password may hold ':'. Messages never show it.
        let parsed = user.split_once(':').and_then(|(name, rest)| {
            let (password, domain) = rest.rsplit_once(':')?;
            Some((name, password, domain))
        });
        match parsed {
            Some((name, password, domain))
                if !name.is_empty() && !password.is_empty() && !domain.is_empty() =>
            {
                builder = builder.user(name, password, domain);
            }
            _ => {
                return Err(format!(
                    "{origin}: a user is NAME:PASSWORD:DOMAIN, none of them empty"
                ));
            }
        }
    }
    for project in projects {
        match project.split_once('=') {
            Some((name, id)) if !name.is_empty() && !id.is_empty() => {
                builder = builder.project(name, id);
            }
            _ => return Err(format!("--project {project:?}: a project is NAME=ID")),
        }
    }
    if let Some(ttl) = token_ttl {
        builder = builder.token_ttl(ttl);
    }
    Ok(builder)
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

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM, listened for from the start, so that a second
/// signal during the shutdown is not lost.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for the next signal.
    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
