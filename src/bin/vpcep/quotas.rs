//! `vpcep quotas`: the project's quotas, and how much of each is used.

use crate::{
    args::Output,
    commands::ListQuotasCommand,
    connection,
    failure::Failure,
    output::{self, Reader},
    progress, table,
};

/// Runs `vpcep quotas`.
pub async fn run(command: ListQuotasCommand) -> Result<(), Failure> {
    let call = &command.call;
    let client = connection::client(&call.connection, call.timeout, true)?;
    let answer = progress::awaited(command.query(client.list_quotas()).send()).await?;
    let resources = answer.quotas.resources;
    match output::for_list(command.options.output) {
        Output::Json => output::write(&output::pretty(&resources)?).map(drop),
        Output::Table => {
            output::write(&table::rows(&resources, &["type", "used", "quota"])).map(drop)
        }
        Output::Jsonl => {
            for resource in &resources {
                if output::write(&output::line(resource)?)? == Reader::Gone {
                    break;
                }
            }
            Ok(())
        }
    }
}
