//! A spec-first client for the VPC Endpoint (VPCEP) API of Open Telekom Cloud and Huawei
//! Cloud: read a VPC endpoint service with
//! `GET /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}` and change it with
//! `PUT` on the same path.
//!
//! The OpenAPI document `spec/vpcep.yaml` is the source of truth: `build.rs` generates the
//! [`types`] and the [raw client](raw::Client) from it with progenitor. This crate adds a small
//! ergonomic face: [`Client`], its [`ClientBuilder`], and one fluent builder per operation,
//! [`GetEndpointService`] and [`ModifyEndpointService`], which check every documented rule
//! before anything is sent. On top of both: [`EditEndpointService`], a change relative to what
//! the service is (add or remove one port mapping, send only what differs, see the [`Diff`]
//! first, lose no update), and [`WaitUntilAvailable`]. The spec itself is in [`spec`].
//! With the feature `emulator`, the module `emulator` is a local emulator of the API, to try
//! the crate and test code that uses it offline.
//!
//! ```no_run
//! use otc_vpcep::{Client, types::Protocol};
//!
//! # async fn run() -> Result<(), otc_vpcep::Error> {
//! let client = Client::builder()
//!     .region("eu-de")
//!     .project_id("6e9dfd51d1124e8d8498dce894923a0d")
//!     .build()?;
//! let service = client
//!     .modify_endpoint_service("4189d3c2-8882-4871-a3c2-d380272eed88")
//!     .approval_enabled(true)
//!     .service_name("test")
//!     .port(8081, 22, Protocol::Tcp)
//!     .port(8082, 23, Protocol::Udp)
//!     .send()
//!     .await?;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod auth;
mod client;
mod config;
#[cfg(feature = "emulator")]
pub mod emulator;
mod error;
pub mod json;
mod operations;
mod runtime;
pub mod spec;

pub use auth::{
    Credentials, DEFAULT_TOKEN_REFRESH_MARGIN, IamError, IamFailure, UserDomain, signer,
};
pub use client::{Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use config::clouds::CloudsSearch;
pub use config::files::MAX_CONFIG_FILE_BYTES;
pub use config::tls::TlsError;
pub use error::{ApiError, Error, WaitError};
pub use operations::connection_wait::WaitForConnection;
pub use operations::connections::{ConnectionChange, EndpointOutcome};
pub use operations::diff::{Conflict, Diff, FieldChange};
pub use operations::edit::{EditEndpointService, EditOutcome};
pub use operations::generated::*;
pub use operations::modify::ModifyEndpointService;
pub use operations::wait::{DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, WaitUntilAvailable};
pub use operations::walk::DEFAULT_MAX_LIST_ITEMS;
pub use operations::whitelist_edit::{SetWhitelist, WhitelistOutcome};
pub use operations::whitelist_entry::WhitelistEntry;
pub use runtime::budget::{
    DEFAULT_RETRY_BUDGET, DEFAULT_RETRY_COST, DEFAULT_TIMEOUT_RETRY_COST, RetryBudget,
    SUCCESS_REFILL,
};
pub use runtime::pacing::Pacing;
pub use runtime::retry::{
    DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BACKOFF, DEFAULT_TOTAL_BUDGET,
    RATE_LIMIT_CODE, RetryPolicy,
};
pub use spec::MAX_PORT_MAPPINGS;
pub use spec::generated::types;
pub use spec::open_enum::OpenEnum;
pub use spec::validation::{Violation, Violations};

/// The generated client, as progenitor makes it from the spec, for callers who want it.
pub mod raw {
    pub use crate::runtime::hooks::Context;
    pub use crate::spec::generated::{Client, Error, ResponseValue, builder};
}

/// The README's examples, compiled as doctests so that they stay true (one uses the emulator).
#[cfg(all(doctest, feature = "emulator"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
