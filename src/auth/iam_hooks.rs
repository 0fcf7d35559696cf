//! What the generated IAM client does around every request: each attempt authorized anew (a
//! project lookup is signed, or carries a token), and the attempts of one call under the
//! client's [`RetryPolicy`].
//!
//! Both IAM calls are safe to repeat (a second login issues another token; a lookup reads), so
//! IAM's 500, 502, 503 and 504, a timeout and a broken connection are retried as the policy
//! allows, whatever the method; any other answer (a 401 above all) is final.

use std::{
    sync::Arc,
    time::{Instant, SystemTime},
};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::debug;

use super::iam_generated::Client;
use crate::{Credentials, RetryPolicy, runtime::retry};

/// The state the generated IAM client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub(crate) struct IamContext {
    /// How project lookups authenticate (a token or an access key); `None` for a login, whose
    /// body carries the password.
    pub(crate) credentials: Option<Arc<Credentials>>,
    /// Which failures are tried again, how long to wait, and the budget of a call.
    pub(crate) retry: RetryPolicy,
}

impl ClientHooks<IamContext> for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let context = self.inner();
        let policy = &context.retry;
        let started = Instant::now();
        let mut attempt: u32 = 1;
        let mut next = request;
        loop {
            let spare = (attempt < policy.max_attempts())
                .then(|| next.try_clone())
                .flatten();
            let mut request = next;
            request.headers_mut().remove("api-version");
            super::authorize(
                context.credentials.as_deref(),
                None,
                &mut request,
                SystemTime::now,
            );
            let result = self.client().execute(request).await;
            let (retryable, retry_after) = match &result {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let retryable = retry::is_retryable_answer(status, None);
                    let retry_after = answer
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    (retryable, retry_after)
                }
                Err(e) => (retry::is_retryable_transport(e), None),
            };
            let delay = retryable
                .then(|| policy.next_delay(attempt, started.elapsed(), retry_after))
                .flatten();
            let (Some(spare), Some(delay)) = (spare, delay) else {
                return result;
            };
            debug!(
                operation = info.operation_id,
                attempt,
                status = result.as_ref().ok().map(|a| a.status().as_u16()),
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying an IAM call"
            );
            drop(result);
            tokio::time::sleep(delay).await;
            next = spare;
            attempt += 1;
        }
    }
}
