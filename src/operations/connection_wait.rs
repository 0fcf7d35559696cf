//! [`WaitForConnection`]: the wait until a VPC endpoint's connection to a service is
//! `accepted`, watched through the service's connections (its owner cannot read the
//! consumer's endpoint), with the poll and pauses of every wait (`wait.rs`).

use std::{fmt, time::Duration};

use crate::{
    Client, DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, Error, OpenEnum, RetryPolicy,
    WaitError,
    operations::wait,
    spec::validation::Violations,
    types::{Connection, EndpointStatus},
};

impl Client {
    /// Starts a wait until the VPC endpoint `endpoint_id` is `accepted` by the service
    /// `service_id` (both UUIDs), for at most `timeout`; it runs when
    /// [`send`](WaitForConnection::send) is awaited.
    ///
    /// ```no_run
    /// # async fn run(client: otc_vpcep::Client) -> Result<(), otc_vpcep::Error> {
    /// use std::time::Duration;
    ///
    /// let connection = client
    ///     .wait_for_connection(
    ///         "4189d3c2-8882-4871-a3c2-d380272eed88",
    ///         "705290f3-0d00-41f2-aedc-71f09844e879",
    ///         Duration::from_secs(300),
    ///     )
    ///     .send()
    ///     .await?;
    /// println!("accepted, from domain {:?}", connection.domain_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_for_connection(
        &self,
        service_id: impl Into<String>,
        endpoint_id: impl Into<String>,
        timeout: Duration,
    ) -> WaitForConnection<'_> {
        WaitForConnection {
            client: self,
            service_id: service_id.into(),
            endpoint_id: endpoint_id.into(),
            timeout,
            interval: DEFAULT_POLL_INTERVAL,
            max_interval: DEFAULT_MAX_POLL_INTERVAL,
        }
    }
}

/// A wait until a VPC endpoint's connection to a service is `accepted`, made by
/// [`Client::wait_for_connection`].
///
/// It reads the service's connections, filtered by the endpoint's `id` (through the client's
/// hooks: authenticated, retried as the client's [`RetryPolicy`] says), until the connection
/// is `accepted`, and answers it as last read, pausing between reads as
/// [`WaitUntilAvailable`](crate::WaitUntilAvailable) does. It ends with [`Error::Wait`] when
/// the connection is `rejected` ([`WaitError::Rejected`]) or `failed`
/// ([`WaitError::ConnectionFailed`], with its `error` entries), and when the time is up
/// ([`WaitError::ConnectionTimedOut`], naming the status last seen, or none when the service
/// never listed the endpoint). Any other status (`pendingAcceptance`, `creating`,
/// `deleting`, or one added later), an endpoint not listed yet, and a read that failed in a
/// way worth retrying keep it waiting; any other failure (the service does not exist, say)
/// ends it.
#[must_use = "nothing is sent until `send` is awaited"]
pub struct WaitForConnection<'a> {
    client: &'a Client,
    service_id: String,
    endpoint_id: String,
    timeout: Duration,
    interval: Duration,
    max_interval: Duration,
}

impl fmt::Debug for WaitForConnection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitForConnection")
            .field("service_id", &self.service_id)
            .field("endpoint_id", &self.endpoint_id)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<'a> WaitForConnection<'a> {
    /// The pauses between polls: the first at most `initial`, each ceiling doubled up to
    /// `max` (defaults [`DEFAULT_POLL_INTERVAL`] and [`DEFAULT_MAX_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> Self {
        self.interval = initial;
        self.max_interval = max;
        self
    }

    /// Checks the IDs and settings (before any I/O), then polls until the connection is
    /// `accepted` (see the type's documentation), and answers it as last read.
    pub fn send(self) -> impl Future<Output = Result<Connection, Error>> + Send + 'a {
        let mut v = Violations::default();
        let service = v.uuid("vpc_endpoint_service_id", &self.service_id);
        let endpoint = v.uuid("endpoint_id", &self.endpoint_id);
        wait::check_settings(self.timeout, self.interval, self.max_interval, &mut v);
        let client = self.client;
        let pauses = RetryPolicy::default().with_backoff(self.interval, self.max_interval);
        let timeout = self.timeout;
        async move {
            let (Some(service), Some(endpoint), true) = (service, endpoint, v.is_empty()) else {
                return Err(Error::InvalidRequest(v));
            };
            let (service_id, endpoint_id) = (service.to_string(), endpoint.to_string());
            let poll = || {
                client
                    .list_connections(service_id.as_str())
                    .id(endpoint_id.as_str())
                    .send()
            };
            let mut last_status = None;
            let mut last_error = None;
            let ended = wait::polled(timeout, &pauses, poll, |answer| {
                let list = match answer {
                    Ok(list) => list,
                    Err(error) if error.is_retryable() => {
                        last_error = Some(error);
                        return None;
                    }
                    Err(error) => return Some(Err(error)),
                };
                last_error = None;
                let connection = list
                    .connections
                    .into_iter()
                    .find(|c| uuid::Uuid::try_parse(&c.id).ok() == Some(endpoint))?;
                match connection.status.as_ref().and_then(OpenEnum::known) {
                    Some(EndpointStatus::Accepted) => return Some(Ok(connection)),
                    Some(EndpointStatus::Rejected) => {
                        return Some(Err(Error::from(WaitError::Rejected {
                            service_id: service_id.clone(),
                            endpoint_id: endpoint_id.clone(),
                        })));
                    }
                    Some(EndpointStatus::Failed) => {
                        return Some(Err(Error::from(WaitError::ConnectionFailed {
                            service_id: service_id.clone(),
                            endpoint_id: endpoint_id.clone(),
                            errors: connection.error,
                        })));
                    }
                    _ => {}
                }
                last_status = connection.status;
                None
            })
            .await;
            ended.unwrap_or_else(|| {
                Err(Error::from(WaitError::ConnectionTimedOut {
                    service_id: service_id.clone(),
                    endpoint_id: endpoint_id.clone(),
                    timeout,
                    last_status,
                    last_error: last_error.map(Box::new),
                }))
            })
        }
    }
}
