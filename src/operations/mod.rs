//! The operations of the ergonomic layer: one fluent builder per call of the spec, the body
//! it builds ([`input`]), the way it runs through the generated client ([`call`]), and what
//! is built on top: edits relative to the service as it is, their diffs, waits, and the
//! per-service locks that keep edits of one service apart.

pub(crate) mod call;
pub(crate) mod connection_wait;
pub(crate) mod connections;
pub(crate) mod create;
pub(crate) mod delete;
pub(crate) mod diff;
pub(crate) mod edit;
pub(crate) mod generated;
pub(crate) mod input;
pub(crate) mod list;
pub(crate) mod lock;
pub(crate) mod modify;
pub(crate) mod permissions;
pub(crate) mod wait;
pub(crate) mod walk;
pub(crate) mod whitelist_edit;
pub(crate) mod whitelist_entry;
