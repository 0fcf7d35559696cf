//! `vpcep wait`: wait until a service (given by ID or by name) is available, then print it.

use std::process::ExitCode;

use crate::{args::WaitArgs, connection, failure, output, progress, resolve};

/// Runs `vpcep wait`, and says how it ended.
pub async fn run(args: WaitArgs) -> ExitCode {
    failure::exit_code(wait(args).await)
}

async fn wait(args: WaitArgs) -> Result<(), failure::Failure> {
    // Each poll takes the client's usual time; `--timeout` bounds the whole wait (the name's
    // lookup apart).
    let client = connection::client(&args.connection, None, true)?;
    let id = resolve::service_id(&client, &args.service).await?;
    let service = progress::waited(&client, &id, args.timeout).await?;
    output::print_service(&service, args.output)
}
