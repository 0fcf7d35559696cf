//! `vpcep modify`: build the change from flags or a JSON body, check it, send it, print it.

use std::{
    io::{IsTerminal, Read, Write},
    process::ExitCode,
    time::Duration,
};

use otc_vpcep::{Client, ClientBuilder, Error, RetryPolicy};
use serde_json::{Map, Value, json};

use crate::{
    FAILED, USAGE,
    args::{ChangeArgs, ConnectionArgs, ModifyArgs, Output},
    table,
};

/// Runs `vpcep modify`, and says how it ended.
pub async fn run(args: ModifyArgs) -> ExitCode {
    match modify(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(USAGE)
        }
        Err(Failure::Sent(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(FAILED)
        }
    }
}

/// Why `vpcep modify` did not succeed.
enum Failure {
    /// A usage or validation problem: nothing was sent.
    Usage(String),
    /// The request was sent, or tried, and failed.
    Sent(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::InvalidConfig(v) => Self::Usage(listed("invalid configuration", &v)),
            Error::InvalidRequest(v) => Self::Usage(listed("invalid request", &v)),
            other => Self::Sent(other),
        }
    }
}

/// A heading followed by one violation per line.
fn listed(heading: &str, violations: &otc_vpcep::Violations) -> String {
    let mut text = format!("{heading}:");
    for violation in violations {
        text.push_str("\n  ");
        text.push_str(&violation.to_string());
    }
    text
}

async fn modify(args: ModifyArgs) -> Result<(), Failure> {
    let body = request_body(&args.change)?;
    let client = client(&args.connection, args.dry_run)?;
    let change = client
        .modify_endpoint_service(args.service_id.as_str())
        .json_body(&body);

    if args.dry_run {
        let body = change.build_body()?;
        let id = uuid::Uuid::parse_str(&args.service_id)
            .map_err(|_| Failure::Usage("the service ID is not a UUID".into()))?;
        let body =
            serde_json::to_string_pretty(&body).map_err(|e| Failure::Usage(e.to_string()))?;
        println!(
            "PUT {}/v1/{}/vpc-endpoint-services/{id}\ncontent-type: application/json\n\n{body}",
            client.endpoint(),
            client.project_id().as_str(),
        );
        return Ok(());
    }

    let terminal = std::io::stderr().is_terminal().then(std::io::stderr);
    let service = with_progress(change.send(), terminal).await?;
    match args.output {
        Output::Json => {
            let text = serde_json::to_string_pretty(&service)
                .map_err(|e| Failure::Usage(format!("cannot print the answer: {e}")))?;
            println!("{text}");
        }
        Output::Table => print!("{}", table::render(&service)),
    }
    Ok(())
}

/// The JSON request body: the `--body` file (or standard input), or the flags.
fn request_body(change: &ChangeArgs) -> Result<Value, Failure> {
    if let Some(path) = &change.body {
        let mut text = String::new();
        let read = if path.as_os_str() == "-" {
            std::io::stdin().read_to_string(&mut text).map(|_| ())
        } else {
            std::fs::read_to_string(path).map(|t| text = t)
        };
        read.map_err(|e| Failure::Usage(format!("--body {}: {e}", path.display())))?;
        return serde_json::from_str(&text)
            .map_err(|e| Failure::Usage(format!("--body {}: not JSON: {e}", path.display())));
    }
    let mut body = Map::new();
    let mut set = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            body.insert(name.to_owned(), value);
        }
    };
    set("approval_enabled", change.approval_enabled.map(Value::Bool));
    set("service_name", change.name.clone().map(Value::String));
    set("port_id", change.port_id.clone().map(Value::String));
    set("vip_port_id", change.vip_port_id.clone().map(Value::String));
    set("tcp_proxy", change.tcp_proxy.clone().map(Value::String));
    set("description", change.description.clone().map(Value::String));
    if !change.ports.is_empty() {
        let ports = change
            .ports
            .iter()
            .map(|p| json!({"client_port": p.client, "server_port": p.server, "protocol": p.protocol}))
            .collect();
        set("ports", Some(Value::Array(ports)));
    }
    Ok(Value::Object(body))
}

/// The client: the flags, over the environment, over the cloud of clouds.yaml (no credentials
/// for a dry run).
fn client(connection: &ConnectionArgs, dry_run: bool) -> Result<Client, Failure> {
    let mut builder = ClientBuilder::from_env();
    if dry_run {
        builder = builder.no_credentials();
    }
    if let Some(cloud) = &connection.os_cloud {
        builder = builder.cloud(cloud);
    }
    if let Some(path) = &connection.os_client_config_file {
        builder = builder.clouds_file(path);
    }
    if let Some(region) = &connection.region {
        builder = builder.region(region);
    }
    if let Some(endpoint) = &connection.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if let Some(project) = &connection.project_id {
        builder = builder.project_id(project);
    }
    // `--timeout` bounds the whole command: each attempt and the retries together.
    let mut policy = RetryPolicy::default();
    if let Some(seconds) = connection.timeout {
        let timeout = Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "--timeout: {seconds} is not a positive number of seconds"
                ))
            })?;
        builder = builder.timeout(timeout);
        policy = policy.with_total_budget(timeout);
    }
    if let Some(retries) = connection.retries {
        policy = policy.with_max_attempts(retries.saturating_add(1));
    }
    builder = builder.retry_policy(policy);
    Ok(builder.build()?)
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
