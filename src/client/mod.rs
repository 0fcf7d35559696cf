//! [`Client`] and its [`ClientBuilder`].

mod builder;

pub use builder::ClientBuilder;

use std::time::Duration;

use crate::{
    Error, Pacing, RetryBudget, RetryPolicy, auth::session::Session,
    operations::lock::ServiceLocks, runtime::hooks::Context, spec::generated, types::ProjectId,
};

/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time for a whole request, from sending to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client of the VPC Endpoint API of one project, at one endpoint.
///
/// Cheap to clone; clones share the connection pool, and the per-service lock that keeps the
/// changes of one service from running at once (see
/// [`edit_endpoint_service`](Client::edit_endpoint_service)).
///
/// ```
/// let client = otc_vpcep::Client::builder()
///     .region("eu-de")
///     .project_id("6e9dfd51d1124e8d8498dce894923a0d")
///     .build()?;
/// assert_eq!(client.endpoint(), "https://vpcep.eu-de.otc.t-systems.com");
/// # Ok::<(), otc_vpcep::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(super) raw: generated::Client,
    pub(super) locks: ServiceLocks,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The generated client underneath, for callers who want the raw operations.
    pub fn raw(&self) -> &generated::Client {
        &self.raw
    }

    /// The base URL requests go to, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        progenitor_client::ClientInfo::<Context>::baseurl(&self.raw)
    }

    /// The project whose services this client changes: the one configured, or else learnt
    /// from IAM on first use (the scope of a password login's token, or a lookup of the
    /// project's name) and kept for the client and its clones. Every call does this itself;
    /// a failure here is the error of that call.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otc_vpcep::Error> {
    /// let client = otc_vpcep::Client::builder()
    ///     .region("eu-de")
    ///     .project_id("6e9dfd51d1124e8d8498dce894923a0d")
    ///     .build()?;
    /// assert_eq!(client.project_id().await?.as_str(), "6e9dfd51d1124e8d8498dce894923a0d");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn project_id(&self) -> Result<&ProjectId, Error> {
        let session = self.session();
        match session.known_project() {
            Some(project) => Ok(project),
            None => Ok(session.prepare().await?),
        }
    }

    /// The project ID, if it is known without asking IAM (configured, or learnt already).
    pub fn known_project_id(&self) -> Option<&ProjectId> {
        self.session().known_project()
    }

    /// What the client learns from IAM.
    pub(crate) fn session(&self) -> &Session {
        &progenitor_client::ClientInfo::<Context>::inner(&self.raw).session
    }

    /// The retry policy of every call.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &progenitor_client::ClientInfo::<Context>::inner(&self.raw).retry
    }

    /// The retry budget this client and its clones share, or `None` when it is off.
    pub fn retry_budget(&self) -> Option<&RetryBudget> {
        self.context().guards.budget.as_ref()
    }

    /// The send-rate pacing this client and its clones share, or `None` when it is off.
    pub fn pacing(&self) -> Option<&Pacing> {
        self.context().guards.pacing.as_ref()
    }

    fn context(&self) -> &Context {
        progenitor_client::ClientInfo::<Context>::inner(&self.raw)
    }

    /// The locks of the services being changed through this client and its clones.
    pub(crate) fn locks(&self) -> &ServiceLocks {
        &self.locks
    }
}
