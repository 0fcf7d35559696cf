//! `vpcep get`: read a service (given by ID or by name) and print it.

use std::process::ExitCode;

use crate::{args::GetArgs, connection, failure, output, progress, resolve};

/// Runs `vpcep get`, and says how it ended.
pub async fn run(args: GetArgs) -> ExitCode {
    failure::exit_code(get(args).await)
}

async fn get(args: GetArgs) -> Result<(), failure::Failure> {
    let client = connection::client(&args.connection, args.timeout, true)?;
    let id = resolve::service_id(&client, &args.service).await?;
    let service = progress::awaited(client.get_endpoint_service(id.as_str()).send()).await?;
    output::print_service(&service, args.output)
}
