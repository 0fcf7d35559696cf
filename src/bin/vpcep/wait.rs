//! `vpcep wait`: wait until a service (given by ID or by name) is available, then print it.

use crate::{args::WaitArgs, connection, failure, output, progress, resolve};

/// Runs `vpcep wait`.
pub async fn run(args: WaitArgs) -> Result<(), failure::Failure> {
    // Each poll takes the client's usual time; `--timeout` bounds the whole wait (the name's
    // lookup apart).
    let client = connection::client(&args.connection, None, true)?;
    let id = resolve::service_id(&client, &args.service).await?;
    let service = progress::waited(&client, &id, args.timeout).await?;
    output::print_answer(&service, args.output)
}
