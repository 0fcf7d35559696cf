//! `vpcep wait`: wait until a service is available, then print it.

use std::process::ExitCode;

use crate::{args::WaitArgs, connection, failure, output, progress};

/// Runs `vpcep wait`, and says how it ended.
pub async fn run(args: WaitArgs) -> ExitCode {
    failure::exit_code(wait(args).await)
}

async fn wait(args: WaitArgs) -> Result<(), failure::Failure> {
    // Each poll takes the client's usual time; `--timeout` bounds the whole wait.
    let client = connection::client(&args.connection, None, true)?;
    let service = progress::waited(&client, &args.service_id, args.timeout).await?;
    output::print_service(&service, args.output)
}
