//! `vpcep create`: build the request from flags or a JSON body, check it (every rule of the
//! spec, before anything is sent), then send it once, or print it for a dry run; print the
//! service, and wait for `available` if asked.

use clap::Args;
use otc_vpcep::spec;
use serde_json::Value;

use crate::{
    args::{Output, WaitAfter},
    commands::CreateEndpointServiceCommand,
    connection,
    failure::Failure,
    output, progress, request,
};

/// The flags of `vpcep create` beside the request's.
#[derive(Debug, Args)]
pub struct Options {
    /// Send nothing, and need no credentials: show the request that would be sent (method,
    /// URL, body), checked like a real one.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub wait: WaitAfter,

    /// How to print the service the API answers (or the wait last read).
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// Runs `vpcep create`.
pub async fn run(command: CreateEndpointServiceCommand) -> Result<(), Failure> {
    let body = command.json_body()?;
    let (call, args) = (&command.call, &command.options);
    // A dry run needs no credentials: it asks nothing.
    let client = connection::client(&call.connection, call.timeout, !args.dry_run)?;
    let create = client.create_endpoint_service().json_body(&body);
    let checked = create.build_body()?;
    if args.dry_run {
        let operation = spec::CREATE_ENDPOINT_SERVICE;
        return request::print(&client, &operation, &[], Some(&checked));
    }
    let what = match body.get("service_name").and_then(Value::as_str) {
        Some(name) => format!("creating {}", progress::plain(name)),
        None => "creating the service".to_owned(),
    };
    let created = progress::awaited_as(create.send(), &what).await?;
    let Some(timeout) = args.wait.wait else {
        return output::print_answer(&created, args.output);
    };
    match progress::waited(&client, &created.id, timeout).await {
        Ok(service) => output::print_answer(&service, args.output),
        Err(failure) => {
            // The service was created: show it as answered, then why the wait failed.
            output::print_answer(&created, args.output)?;
            Err(failure)
        }
    }
}
