//! The integration tests, in one binary: one link of the crate and its dependencies instead of
//! one per file (each was about 60 MB, and 50 of them filled a CI machine's disk). Each module
//! is the file of the same name beside this one; [`support`] is what they share.

mod support;

mod auth_clouds;
mod auth_config;
mod auth_env;
mod auth_secrets;
mod auth_signed_exchange;
mod auth_vectors;
mod build_script;
mod cli_clouds;
mod cli_connect;
mod cli_dry_run;
mod cli_edit;
mod cli_emulator;
mod cli_emulator_load;
mod cli_iam;
mod cli_lifecycle;
mod cli_modify;
mod cli_tls;
mod cli_usage;
mod connect_story;
mod connections;
mod edit;
mod emulator_auth;
mod emulator_client;
mod emulator_connections;
mod emulator_get;
mod emulator_http;
mod emulator_lifecycle;
mod emulator_limits;
mod emulator_load;
mod emulator_props;
mod emulator_rules;
mod faults_decode;
mod faults_props;
mod faults_resign;
mod faults_retry;
mod faults_tracing;
mod fleet;
mod iam_login;
mod iam_projects;
mod json_body;
mod lifecycle;
mod lifecycle_emulator;
mod soak;
mod spec_drift;
mod tls;
mod validation;
mod wait;
mod whitelist;
mod wire_request;
mod wire_response;
