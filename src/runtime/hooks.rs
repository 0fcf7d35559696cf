//! What the generated VPCEP client does around every request: its [`Context`] and its
//! `ClientHooks`, so that every generated operation is covered without per-call code.
//!
//! `exec` runs the attempts of one call through the one attempt loop (`runtime::attempts`)
//! and leaves the final answer (and whether the retry budget refused a retry) in the call's
//! record (`runtime::answer`), for the error of that call.

use std::{sync::Arc, time::Duration};

use futures_util::{FutureExt, future::Either};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::{
    RetryPolicy, auth,
    runtime::{
        answer,
        attempts::{Attempts, Call},
        guards::SharedGuards,
    },
    spec::generated::Client,
};

/// The state the generated client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// How requests authenticate (without credentials, none). Shared, so that a clone of the
    /// client copies no secret.
    pub(crate) authorization: auth::Authorization,
    /// What the client learns from IAM: its project (sent as `X-Project-Id` with signed
    /// requests) and the token of a password login.
    pub(crate) session: Arc<auth::session::Session>,
    /// Which failures are tried again, how long to wait, and the budget of a call.
    pub(crate) retry: RetryPolicy,
    /// The timeout of one attempt (cut to what is left of the budget): the HTTP client's
    /// own timeout, which `build` set to the same value. `None` leaves it to that setting.
    pub(crate) attempt_timeout: Option<Duration>,
    /// The retry budget, pacing and in-flight cap that the client's clones share.
    pub(crate) guards: SharedGuards,
}

impl ClientHooks<Context> for Client {
    /// A plain `fn` returning the call's future, not an `async fn`: without a login, the
    /// future is the attempt loop's own (with the call's record kept when it ends), so that
    /// the future the generated code awaits (and moves) holds the request once and stays small.
    ///
    /// With a password login, the attempts go through the login's token handling (a fresh
    /// token, and one new token and one more try after a 401: `auth::session`).
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        let call = Call::new(&request, info.operation_id);
        match self.inner().session.login() {
            None => Either::Left(self.attempts(call, request)),
            // Both passes of a login's call share the call's clock and its time budget, which
            // counts the wait for a token too.
            Some(login) => {
                let call = call.started_now();
                Either::Right(login.exec(request, move |r| self.attempts(call.clone(), r)))
            }
        }
    }
}

impl Client {
    /// The attempts of one call, with the final answer left in the call's record.
    fn attempts(
        &self,
        call: Call,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + '_ {
        let context = self.inner();
        let attempts = Attempts {
            http: self.client(),
            retry: &context.retry,
            guards: &context.guards,
            attempt_timeout: context.attempt_timeout,
            authorize: move |request: &mut reqwest::Request| {
                auth::authorize(
                    &context.authorization,
                    Some(&context.session),
                    request,
                    std::time::SystemTime::now,
                );
            },
        };
        attempts.send(call, request).map(|last| {
            answer::record(|| last.answer(), last.retry_refused, last.attempts);
            last.into_response()
        })
    }
}
