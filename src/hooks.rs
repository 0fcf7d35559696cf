//! What the generated client does around every request: its [`Context`] and its
//! `ClientHooks`, so that every generated operation is covered without per-call code.

use std::time::SystemTime;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

use crate::{Credentials, auth, generated::Client};

/// The state the generated client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// How requests authenticate; `None` sends them without credentials.
    pub(crate) credentials: Option<Credentials>,
    /// The client's project, sent as `X-Project-Id` with signed requests.
    pub(crate) project_id: String,
}

impl ClientHooks<Context> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // progenitor sends the spec's version as `api-version`; the provider has no use for it.
        request.headers_mut().remove("api-version");
        Ok(())
    }

    async fn exec(
        &self,
        mut request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        auth::authorize(
            self.inner().credentials.as_ref(),
            &self.inner().project_id,
            &mut request,
            SystemTime::now(),
        );
        self.client().execute(request).await
    }
}
