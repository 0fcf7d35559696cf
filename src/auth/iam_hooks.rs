//! What the generated IAM client does around every request: [`IamContext`].

use std::sync::Arc;

use progenitor_client::ClientHooks;

use super::iam_generated::Client;
use crate::{Credentials, RetryPolicy};

/// The state the generated IAM client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub(crate) struct IamContext {
    /// How project lookups authenticate (a token or an access key); `None` for a login, whose
    /// body carries the password.
    pub(crate) credentials: Option<Arc<Credentials>>,
    /// Which failures are tried again.
    pub(crate) retry: RetryPolicy,
}

impl ClientHooks<IamContext> for Client {}
