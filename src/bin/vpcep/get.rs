//! `vpcep get`: read a service and print it.

use std::process::ExitCode;

use crate::{args::GetArgs, connection, failure, output};

/// Runs `vpcep get`, and says how it ended.
pub async fn run(args: GetArgs) -> ExitCode {
    failure::exit_code(get(args).await)
}

async fn get(args: GetArgs) -> Result<(), failure::Failure> {
    let client = connection::client(&args.connection, true)?;
    let service =
        output::awaited(client.get_endpoint_service(args.service_id.as_str()).send()).await?;
    output::print_service(&service, args.output)
}
