//! The client of a command: the flags, over the environment, over the cloud of clouds.yaml
//! (no credentials for a dry run).

use otc_vpcep::{Client, ClientBuilder, RetryPolicy};

use crate::{
    args::{self, ConnectionArgs},
    failure::Failure,
};

/// The client the flags and the environment describe; `credentials: false` leaves the
/// credentials out (a dry run needs none).
pub fn client(connection: &ConnectionArgs, credentials: bool) -> Result<Client, Failure> {
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
    // `--timeout` bounds the whole command: each attempt and the retries together.
    let mut policy = RetryPolicy::default();
    if let Some(seconds) = connection.timeout {
        let timeout = args::seconds(seconds).ok_or_else(|| {
            Failure::Usage(format!(
                "--timeout: {seconds} is not a number of seconds above 0 and at most {} (one day)",
                args::MAX_SECONDS.as_secs()
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
