//! `vpcep modify` as an edit (`--add-port`, `--remove-port`, and `--dry-run` with
//! credentials): read the service, change it relative to what it is, and show what changes.

use otc_vpcep::{Client, EditEndpointService, EditOutcome};
use serde_json::Value;

use crate::{
    args::{ModifyOptions, Output},
    failure::Failure,
    output, progress,
};

/// Shows what the edit would change, and sends nothing.
pub async fn preview(
    client: &Client,
    service: &str,
    args: &ModifyOptions,
    body: &Value,
) -> Result<(), Failure> {
    let outcome = progress::awaited(edit(client, service, args, body).preview()).await?;
    print(&outcome, args.output)?;
    notes(&outcome);
    eprintln!(
        "{}",
        if outcome.diff.is_empty() {
            "dry run: nothing would change"
        } else {
            "dry run: nothing sent"
        }
    );
    Ok(())
}

/// Makes the edit, shows what changed, and waits if asked; a conflict is a failure.
pub async fn send(
    client: &Client,
    service: &str,
    args: &ModifyOptions,
    body: &Value,
) -> Result<(), Failure> {
    let outcome = progress::awaited(edit(client, service, args, body).send()).await?;
    print(&outcome, args.output)?;
    notes(&outcome);
    if !outcome.was_sent() {
        eprintln!("nothing to change: no request sent");
    }
    if !outcome.conflicts.is_empty() {
        return Err(Failure::Conflict {
            service_id: outcome.diff.service_id,
            conflicts: outcome.conflicts,
        });
    }
    if let (Some(timeout), true) = (args.wait.wait, outcome.was_sent()) {
        progress::waited(client, &outcome.diff.service_id, timeout).await?;
    }
    Ok(())
}

/// The edit the arguments describe: the fields of `body`, then the mappings to remove and to
/// add.
fn edit<'c>(
    client: &'c Client,
    service: &str,
    args: &ModifyOptions,
    body: &Value,
) -> EditEndpointService<'c> {
    let edit = client.edit_endpoint_service(service).json_body(body);
    let edit = args.remove_ports.iter().fold(edit, |edit, m| {
        edit.remove_port(m.client, m.server, m.protocol)
    });
    args.add_ports.iter().fold(edit, |edit, m| {
        edit.add_port(m.client, m.server, m.protocol)
    })
}

/// Prints what changes: the diff as a table (`field  old -> new`, `+`/`-` mappings), or as
/// JSON.
fn print(outcome: &EditOutcome, output: Output) -> Result<(), Failure> {
    match output {
        Output::Table => print!("{}", outcome.diff),
        Output::Json => print!("{}", output::pretty(&outcome.diff)?),
        Output::Jsonl => print!("{}", output::line(&outcome.diff)?),
    }
    Ok(())
}

/// Tells, on standard error, which mappings needed no change.
fn notes(outcome: &EditOutcome) {
    for port in &outcome.already_present {
        eprintln!("note: {port} is mapped already: nothing to add");
    }
    for port in &outcome.not_present {
        eprintln!("note: {port} is not mapped: nothing to remove");
    }
}
