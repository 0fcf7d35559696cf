//! What the generated IAM client does around every request: the attempts of one call through
//! the one attempt loop (`runtime::attempts`), each attempt authorized anew (a project lookup
//! is signed, or carries a token).
//!
//! Both IAM calls are safe to repeat (a second login issues another token; a lookup reads), so
//! IAM's 500, 502, 503 and 504, a timeout and a broken connection are retried as the policy
//! allows, whatever the method; any other answer (a 401 above all) is final. IAM's calls
//! are not paced or counted against the retry budget: they are few, and each client's first.

use std::time::SystemTime;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use super::iam_generated::Client;
use crate::{
    RetryPolicy,
    runtime::{
        attempts::{Attempts, Call},
        guards::SharedGuards,
        retry::Classifier,
    },
};

/// The state the generated IAM client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub(crate) struct IamContext {
    /// How project lookups authenticate (a token or an access key); none for a login, whose
    /// body carries the password.
    pub(crate) authorization: super::Authorization,
    /// Which failures are tried again, how long to wait, and the budget of a call.
    pub(crate) retry: RetryPolicy,
}

/// No guards: IAM's calls are neither paced nor counted against the retry budget.
static NO_GUARDS: SharedGuards = SharedGuards::none();

impl ClientHooks<IamContext> for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let context = self.inner();
        let call = Call::with_classifier(&request, info.operation_id, Classifier::idempotent());
        let attempts = Attempts {
            http: self.client(),
            retry: &context.retry,
            guards: &NO_GUARDS,
            attempt_timeout: None,
            authorize: |request: &mut reqwest::Request| {
                super::authorize(&context.authorization, None, request, SystemTime::now);
            },
        };
        attempts.send(call, request).await.into_response()
    }
}
