//! `vpcep list`: walk every page of the services that match, and print them: JSON lines as
//! they are read, or a table or a JSON array once all are read.

use clap::Args;
use otc_vpcep::{DEFAULT_MAX_LIST_ITEMS, spec, types::EndpointService};

use crate::{
    args::{Output, limit_help},
    commands::ListEndpointServicesCommand,
    connection,
    failure::Failure,
    output::{self, Reader},
    progress::{self, Walk},
    table,
};

/// The flags of `vpcep list` beside the query's.
#[derive(Debug, Args)]
pub struct Options {
    #[arg(long = "limit", value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help = limit_help())]
    pub most: Option<u64>,

    /// How to print the services [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub output: Option<Output>,
}

/// Runs `vpcep list`.
pub async fn run(command: ListEndpointServicesCommand) -> Result<(), Failure> {
    let call = &command.call;
    let client = connection::client(&call.connection, call.timeout, true)?;
    let mut walk = command.query(client.list_endpoint_services());
    let args = &command.options;
    let most = args.most.map_or(DEFAULT_MAX_LIST_ITEMS, |n| {
        usize::try_from(n).unwrap_or(usize::MAX)
    });
    walk = walk.max_items(most);
    // Pages no larger than the services wanted (but a walk's pages overlap by one).
    let page = command.limit.unwrap_or_else(|| {
        let wanted = most.clamp(2, spec::MAX_LIST_LIMIT);
        i32::try_from(wanted).unwrap_or(i32::MAX)
    });
    walk = walk.limit(page);

    let output = output::for_list(args.output);
    let mut kept: Vec<EndpointService> = Vec::new();
    let read = progress::walked(walk.all(), "VPC endpoint services", |service, screen| {
        if output != Output::Jsonl {
            kept.push(service);
            return Ok(Walk::On);
        }
        let line = output::line(&service)?;
        match screen.print(|| output::write(&line))? {
            Reader::There => Ok(Walk::On),
            Reader::Gone => Ok(Walk::Stop),
        }
    })
    .await?;
    if args.most.is_none() && read >= DEFAULT_MAX_LIST_ITEMS {
        eprintln!(
            "warning: stopped after {read} services, the most a walk reads unless told: there \
             may be more (--limit N reads up to N)"
        );
    }
    match output {
        Output::Jsonl => Ok(()),
        Output::Json => output::write(&output::pretty(&kept)?).map(drop),
        Output::Table if kept.is_empty() => {
            eprintln!("no VPC endpoint services");
            Ok(())
        }
        Output::Table => output::write(&table::services(&kept)).map(drop),
    }
}
