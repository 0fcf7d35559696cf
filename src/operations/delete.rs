//! What the delete call adds by hand to its generated builder ([`DeleteEndpointService`]):
//! the wait until the service is gone, the success of a retried delete whose first answer
//! was lost, and the typed error of a service still in use.

use std::time::Duration;

use crate::{
    DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DeleteEndpointService, Error, RetryPolicy,
    operations::wait,
};

/// The code of a service that does not exist.
const NOT_FOUND: &str = "EndPoint.0005";
/// The code of a service that cannot be deleted while VPC endpoints are connected to it.
const IN_USE: &str = "EndPoint.3006";

/// What the delete builder keeps.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeleteOptions {
    /// How long to wait for the service to be gone, if at all.
    wait: Option<Duration>,
}

impl<'a> DeleteEndpointService<'a> {
    /// After the delete is accepted, waits until the service is gone (its query answers 404,
    /// which is success here), for at most `timeout`; a service still there then is
    /// [`WaitError::NotGone`](crate::WaitError::NotGone), naming its last status.
    pub fn wait_until_gone(mut self, timeout: Duration) -> Self {
        self.custom.wait = Some(timeout);
        self
    }

    /// Checks the service ID and deletes the service: the deletion is accepted (HTTP 200 or
    /// 204, which the reference pages disagree on), and the service is `deleting` until it is
    /// gone (see [`wait_until_gone`](Self::wait_until_gone)).
    ///
    /// A delete is safe to repeat, and is retried as the client's
    /// [`RetryPolicy`](crate::RetryPolicy) says: when a retry answers 404 `EndPoint.0005`
    /// after an earlier attempt's answer was lost, that attempt deleted it, and this is
    /// success. A first answer 404 is the error it is (no such service). A service that VPC
    /// endpoints are still connected to is [`Error::InUse`].
    pub fn send(self) -> impl Future<Output = Result<(), Error>> + Send + 'a {
        let client = self.client;
        let wait = self.custom.wait;
        let service_id = self.vpc_endpoint_service_id.clone();
        async move {
            match self.send_once().await {
                Ok(()) => {}
                Err(Error::Api(api)) if api.code_is(NOT_FOUND) && api.attempts > 1 => {}
                Err(Error::Api(error)) if error.code_is(IN_USE) => {
                    return Err(Error::InUse {
                        service_id,
                        error: Box::new(error),
                    });
                }
                Err(error) => return Err(error),
            }
            match wait {
                Some(timeout) => {
                    let pauses = RetryPolicy::default()
                        .with_backoff(DEFAULT_POLL_INTERVAL, DEFAULT_MAX_POLL_INTERVAL);
                    let poll = || client.get_endpoint_service(service_id.as_str()).send();
                    Box::pin(wait::poll_until_gone(&service_id, timeout, &pauses, poll)).await
                }
                None => Ok(()),
            }
        }
    }
}
