//! `vpcep emulator`: the local emulator of the API, in the foreground until interrupted.

use std::{io::Write, process::ExitCode, time::Duration};

use clap::Args;
use otc_vpcep::{
    emulator::{self, Emulator, EmulatorBuilder, EmulatorError, LostAnswer},
    spec::Operation,
    types::{EndpointService, ServiceStatus},
};

use crate::{
    args::{EmulatorArgs, parse_duration},
    failure::{FAILED, USAGE},
    input,
};

/// The flags of the services' lifecycle, their quota, many services at once, lost answers,
/// and the projects and whitelists of consumers (flattened into `vpcep emulator`'s).
#[derive(Debug, Args)]
pub struct LifecycleArgs {
    /// A new service is creating for this long, then available (for example 90s); 0, the
    /// default, makes it available from the next request on.
    #[arg(long, value_name = "DURATION", value_parser = parse_time)]
    pub create_time: Option<Duration>,

    /// A deleted service is deleting for this long, then gone (404); 0, the default, makes it
    /// gone at once.
    #[arg(long, value_name = "DURATION", value_parser = parse_time)]
    pub delete_time: Option<Duration>,

    #[arg(long, value_name = "N",
          help = format!("How many VPC endpoint services each project may have; a create past it is refused with Endpoint.1018 [default: {}]", emulator::DEFAULT_SERVICE_QUOTA))]
    pub service_quota: Option<u64>,

    #[arg(long, value_name = "N",
          help = format!("The quota of VPC endpoints the quota query answers [default: {}]", emulator::DEFAULT_ENDPOINT_QUOTA))]
    pub endpoint_quota: Option<u64>,

    #[arg(long, value_name = "N",
          help = format!("Seed this many generated services too (named seed-1 to seed-N, in the documented project; at most {})", emulator::MAX_SEED_COUNT))]
    pub seed_count: Option<usize>,

    /// Carry out the next N requests of an operation, then lose their answers:
    /// `OPERATION:N[:HOW]`, HOW `reset` (close the connection without an answer, the default) or
    /// `503`; OPERATION as the spec names it, for example create_endpoint_service or
    /// createEndpointService (may be repeated).
    #[arg(long = "lose-answers", value_name = "OPERATION:N[:HOW]", value_parser = parse_lost)]
    pub lose_answers: Vec<Lost>,

    #[arg(long = "project-domain", value_name = "PROJECT:DOMAIN", value_parser = parse_project_domain,
          help = format!("Put a project in a domain (account): its VPC endpoints connect as that domain (may be repeated). By default the documented project is in {} and the consumer project {} in {}; any other project is in a domain of its own", emulator::DOCUMENTED_DOMAIN_ID, emulator::DEFAULT_CONSUMER_PROJECT_ID, emulator::DEFAULT_CONSUMER_DOMAIN_ID))]
    pub project_domains: Vec<ProjectDomain>,

    #[arg(long, value_name = "N",
          help = format!("The most records a service's whitelist may hold; an add past it is refused with EndPoint.3049 [default: {}]", emulator::DEFAULT_MAX_WHITELIST_RECORDS))]
    pub max_whitelist_records: Option<usize>,
}

/// One `--project-domain`: a project and its domain.
#[derive(Clone, Debug)]
pub struct ProjectDomain {
    project_id: String,
    domain_id: String,
}

/// `PROJECT:DOMAIN` of `--project-domain` (each checked when the emulator starts).
fn parse_project_domain(text: &str) -> Result<ProjectDomain, String> {
    match text.split_once(':') {
        Some((project, domain)) if !project.is_empty() && !domain.is_empty() => Ok(ProjectDomain {
            project_id: project.to_owned(),
            domain_id: domain.to_owned(),
        }),
        _ => Err(format!("{text:?} is not PROJECT:DOMAIN")),
    }
}

/// One `--lose-answers`: which operation, how many of its answers, and how.
#[derive(Clone, Debug)]
pub struct Lost {
    operation: &'static Operation,
    times: usize,
    how: LostAnswer,
}

/// A duration of `--create-time` and `--delete-time`: 0, or as `parse_duration` reads it.
fn parse_time(text: &str) -> Result<Duration, String> {
    match text.trim() {
        "0" => Ok(Duration::ZERO),
        other => parse_duration(other),
    }
}

/// `OPERATION:N[:HOW]` of `--lose-answers`.
fn parse_lost(text: &str) -> Result<Lost, String> {
    let mut parts = text.split(':');
    let (name, times, how) = (parts.next(), parts.next(), parts.next());
    if parts.next().is_some() {
        return Err(format!("{text:?} is not OPERATION:N[:reset|503]"));
    }
    let name = name.unwrap_or_default();
    let operation = operation_named(name).ok_or_else(|| {
        let known: Vec<&str> = otc_vpcep::spec::ALL.iter().map(|o| o.id).collect();
        format!(
            "{name:?} is not an operation of the spec ({})",
            known.join(", ")
        )
    })?;
    let times = times
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or_else(|| format!("{text:?}: N must be a number of requests"))?;
    let how = match how {
        None => LostAnswer::Reset,
        Some(how) => LostAnswer::from_name(how)
            .ok_or_else(|| format!("{text:?}: HOW is reset or 503, not {how:?}"))?,
    };
    Ok(Lost {
        operation,
        times,
        how,
    })
}

/// The operation `name` names, as the generated client (`create_endpoint_service`) or the
/// spec's `operationId` (`createEndpointService`) spells it.
fn operation_named(name: &str) -> Option<&'static Operation> {
    let squashed = |id: &str| id.replace('_', "").to_ascii_lowercase();
    let wanted = squashed(name);
    Operation::find(name).or_else(|| {
        otc_vpcep::spec::ALL
            .iter()
            .find(|operation| !wanted.is_empty() && squashed(operation.id) == wanted)
    })
}

/// The builder with the lifecycle flags applied.
fn lifecycle(mut builder: EmulatorBuilder, args: LifecycleArgs) -> EmulatorBuilder {
    if let Some(time) = args.create_time {
        builder = builder.create_time(time);
    }
    if let Some(time) = args.delete_time {
        builder = builder.delete_time(time);
    }
    if let Some(quota) = args.service_quota {
        builder = builder.service_quota(quota);
    }
    if let Some(quota) = args.endpoint_quota {
        builder = builder.endpoint_quota(quota);
    }
    if let Some(count) = args.seed_count {
        builder = builder.seed_count(count);
    }
    for lost in args.lose_answers {
        builder = builder.lose_answers(lost.operation, lost.times, lost.how);
    }
    for pair in args.project_domains {
        builder = builder.project_domain(pair.project_id, pair.domain_id);
    }
    if let Some(records) = args.max_whitelist_records {
        builder = builder.max_whitelist_records(records);
    }
    builder
}

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
    builder = lifecycle(builder, args.lifecycle);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_answers_name_an_operation_a_count_and_a_way() {
        let lost = parse_lost("create_endpoint_service:2").unwrap();
        assert_eq!(
            (lost.operation.id, lost.times, lost.how),
            ("create_endpoint_service", 2, LostAnswer::Reset)
        );
        let lost = parse_lost("deleteEndpointService:1:503").unwrap();
        assert_eq!(
            (lost.operation.id, lost.how),
            ("delete_endpoint_service", LostAnswer::Unavailable)
        );
        for bad in [
            "",
            "create",
            "create_endpoint_service",
            "create_endpoint_service:x",
            "create_endpoint_service:1:drop",
            "create_endpoint_service:1:reset:more",
        ] {
            assert!(parse_lost(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_time("0"), Ok(Duration::ZERO));
        assert_eq!(parse_time("90s"), Ok(Duration::from_secs(90)));
    }
}
