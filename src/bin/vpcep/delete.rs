//! `vpcep delete`: delete a service after confirmation (asked on a terminal, or given with
//! `--yes`; without either, nothing is sent), or show the request for a dry run; wait until it
//! is gone if asked.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use otc_vpcep::{Client, spec, types::EndpointService};

use crate::{
    args::WaitAfter,
    commands::DeleteEndpointServiceCommand,
    connection,
    failure::Failure,
    progress::{self, plain},
    request, resolve,
};

/// The flags of `vpcep delete` beside the request's.
#[derive(Debug, Args)]
pub struct Options {
    /// Delete without asking (needed when standard input is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Send nothing: show the request that would be sent. With credentials, a name is looked
    /// up and the service is read first (so a missing one fails); without, the request shows
    /// the placeholders of what is not known.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub wait: WaitAfter,
}

/// Runs `vpcep delete`.
pub async fn run(command: DeleteEndpointServiceCommand) -> Result<(), Failure> {
    let args = &command.options;
    let asks = !args.yes && !args.dry_run;
    if asks && !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(
            "not deleting without confirmation: standard input is not a terminal to ask on; \
             pass --yes to delete without asking"
                .to_owned(),
        ));
    }
    if args.dry_run {
        return dry_run(&command).await;
    }
    let call = &command.call;
    let client = connection::client(&call.connection, call.timeout, true)?;
    let id = resolve::service_id(&client, &command.vpc_endpoint_service_id).await?;
    if asks {
        let service = progress::awaited(client.get_endpoint_service(id.as_str()).send()).await?;
        confirm(&service)?;
    }
    let delete = client.delete_endpoint_service(id.as_str());
    match args.wait.wait {
        Some(timeout) => {
            progress::gone(delete.wait_until_gone(timeout).send(), &id).await?;
            eprintln!("deleted {id}: it is gone");
        }
        None => {
            progress::awaited(delete.send()).await?;
            eprintln!("deleting {id}: the deletion was accepted (--wait waits until it is gone)");
        }
    }
    Ok(())
}

/// Prints the request a delete would send. With credentials, a name is looked up and the
/// service read (so that a missing one fails as the delete would); without, what is not known
/// stays a placeholder.
async fn dry_run(command: &DeleteEndpointServiceCommand) -> Result<(), Failure> {
    let operation = spec::DELETE_ENDPOINT_SERVICE;
    let no_body = None::<&()>;
    let (call, given) = (&command.call, &command.vpc_endpoint_service_id);
    if let Some(client) = connection::client_if_credentials(&call.connection, call.timeout)? {
        let id = resolve::service_id(&client, given).await?;
        let service = read(&client, &id).await?;
        request::print(&client, &operation, &[(SERVICE, Some(&id))], no_body)?;
        eprintln!(
            "dry run: would delete {}; nothing sent",
            described(&service)
        );
        return Ok(());
    }
    let client = connection::client(&call.connection, call.timeout, false)?;
    let id = resolve::as_id(given);
    if id.is_none() {
        resolve::note_unresolved(given);
    }
    request::print(&client, &operation, &[(SERVICE, id.as_deref())], no_body)?;
    eprintln!("dry run: nothing sent");
    Ok(())
}

/// The path parameter of the service.
const SERVICE: &str = "vpc_endpoint_service_id";

async fn read(client: &Client, id: &str) -> Result<EndpointService, Failure> {
    progress::awaited(client.get_endpoint_service(id).send()).await
}

/// Asks on the terminal whether to delete `service`; anything but `y` or `yes` is no.
fn confirm(service: &EndpointService) -> Result<(), Failure> {
    let mut stderr = std::io::stderr();
    let _ = write!(
        stderr,
        "Delete the VPC endpoint service {}? [y/N] ",
        described(service)
    );
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::Declined(format!("no answer ({e}): nothing deleted")))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(Failure::Declined(
            "not confirmed: nothing deleted".to_owned(),
        )),
    }
}

/// The service as a confirmation names it: ID, name, status, and the VPC endpoints connected.
fn described(service: &EndpointService) -> String {
    let mut facts = Vec::new();
    if let Some(name) = &service.service_name {
        facts.push(plain(name));
    }
    if let Some(status) = &service.status {
        facts.push(plain(&status.to_string()));
    }
    match service.connection_count {
        Some(1) => facts.push("1 VPC endpoint connected".to_owned()),
        Some(n) if n > 0 => facts.push(format!("{n} VPC endpoints connected")),
        _ => {}
    }
    match facts.is_empty() {
        true => plain(&service.id),
        false => format!("{} ({})", plain(&service.id), facts.join(", ")),
    }
}
