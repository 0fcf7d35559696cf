//! `vpcep create`: build the request from flags or a JSON body, check it (every rule of the
//! spec, before anything is sent), then send it once, or print it for a dry run; print the
//! service, and wait for `available` if asked.

use std::process::ExitCode;

use otc_vpcep::spec;
use serde_json::Value;

use crate::{
    args::CreateArgs,
    connection,
    failure::{self, Failure},
    input, output, progress, request,
};

/// Runs `vpcep create`, and says how it ended.
pub async fn run(args: CreateArgs) -> ExitCode {
    failure::exit_code(create(args).await)
}

async fn create(args: CreateArgs) -> Result<(), Failure> {
    let body = match &args.body {
        Some(path) => input::json("--body", path).map_err(Failure::Usage)?,
        None => serde_json::to_value(&args.fields).map_err(|e| Failure::Usage(e.to_string()))?,
    };
    // A dry run needs no credentials: it asks nothing.
    let client = connection::client(&args.connection, args.timeout, !args.dry_run)?;
    let create = client.create_endpoint_service().json_body(&body);
    let checked = create.build_body()?;
    if args.dry_run {
        let operation = spec::CREATE_ENDPOINT_SERVICE;
        return request::print(&client, &operation, None, Some(&checked));
    }
    let what = match body.get("service_name").and_then(Value::as_str) {
        Some(name) => format!("creating {}", progress::plain(name)),
        None => "creating the service".to_owned(),
    };
    let created = progress::awaited_as(create.send(), &what).await?;
    let Some(timeout) = args.wait else {
        return output::print_service(&created, args.output);
    };
    match progress::waited(&client, &created.id, timeout).await {
        Ok(service) => output::print_service(&service, args.output),
        Err(failure) => {
            // The service was created: show it as answered, then why the wait failed.
            output::print_service(&created, args.output)?;
            Err(failure)
        }
    }
}
