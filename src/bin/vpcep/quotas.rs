//! `vpcep quotas`: the project's quotas, and how much of each is used.

use std::process::ExitCode;

use crate::{
    args::{Output, QuotasArgs},
    connection,
    failure::{self, Failure},
    list::parsed,
    output::{self, Reader},
    progress, table,
};

/// Runs `vpcep quotas`, and says how it ended.
pub async fn run(args: QuotasArgs) -> ExitCode {
    failure::exit_code(quotas(args).await)
}

async fn quotas(args: QuotasArgs) -> Result<(), Failure> {
    let client = connection::client(&args.connection, args.timeout, true)?;
    let mut call = client.list_quotas();
    if let Some(type_) = &args.type_ {
        call = call.type_(parsed("--type", type_)?);
    }
    let answer = progress::awaited(call.send()).await?;
    let resources = answer.quotas.resources;
    match output::for_list(args.output) {
        Output::Json => output::write(&output::pretty(&resources)?).map(drop),
        Output::Table => output::write(&table::quotas(&resources)).map(drop),
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
