//! What the generated client does around every request: its [`Context`] and its
//! `ClientHooks`, so that every generated operation is covered without per-call code.

use progenitor_client::{ClientHooks, Error, OperationInfo};

use crate::generated::Client;

/// The state the generated client carries for its hooks.
#[derive(Clone, Debug, Default)]
pub struct Context {}

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
}
