//! The client of a command: the flags, over the environment, over the cloud of clouds.yaml
//! (no credentials for a dry run).

use std::time::Duration;

use otc_vpcep::{Client, ClientBuilder, Error, RetryPolicy};

use crate::{args::ConnectionArgs, failure::Failure};

/// The client the flags and the environment describe, whose requests each take at most
/// `timeout` (retries included) when given; `credentials: false` leaves the credentials out
/// (a dry run needs none).
pub fn client(
    connection: &ConnectionArgs,
    timeout: Option<Duration>,
    credentials: bool,
) -> Result<Client, Failure> {
    Ok(built(connection, timeout, credentials)?)
}

/// The client with the configured credentials, or `None` when no source has any (half-set
/// ones are an error).
pub fn client_if_credentials(
    connection: &ConnectionArgs,
    timeout: Option<Duration>,
) -> Result<Option<Client>, Failure> {
    match built(connection, timeout, true) {
        Ok(client) => Ok(Some(client)),
        Err(Error::InvalidConfig(v)) if v.iter().any(|v| v.field == "credentials") => Ok(None),
        Err(other) => Err(other.into()),
    }
}

fn built(
    connection: &ConnectionArgs,
    timeout: Option<Duration>,
    credentials: bool,
) -> Result<Client, Error> {
    let mut builder = ClientBuilder::from_env();
    if !credentials {
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
    // `--timeout` bounds each request: its attempts and the retries together.
    let mut policy = RetryPolicy::default();
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
        policy = policy.with_total_budget(timeout);
    }
    if let Some(retries) = connection.retries {
        policy = policy.with_max_attempts(retries.saturating_add(1));
    }
    builder.retry_policy(policy).build()
}
