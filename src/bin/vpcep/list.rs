//! `vpcep list`: walk every page of the services that match, and print them: JSON lines as
//! they are read, or a table or a JSON array once all are read.

use std::process::ExitCode;

use otc_vpcep::{DEFAULT_MAX_LIST_ITEMS, spec, types::EndpointService};

use crate::{
    args::{ListArgs, Output},
    connection,
    failure::{self, Failure},
    output::{self, Reader},
    progress::{self, Walk},
    table,
};

/// Runs `vpcep list`, and says how it ended.
pub async fn run(args: ListArgs) -> ExitCode {
    failure::exit_code(list(args).await)
}

async fn list(args: ListArgs) -> Result<(), Failure> {
    let client = connection::client(&args.connection, args.timeout, true)?;
    let mut walk = client.list_endpoint_services();
    if let Some(name) = &args.name {
        walk = walk.endpoint_service_name(name);
    }
    if let Some(status) = &args.status {
        walk = walk.status(parsed("--status", status)?);
    }
    if let Some(key) = &args.sort_key {
        walk = walk.sort_key(parsed("--sort-key", key)?);
    }
    if let Some(direction) = &args.sort_dir {
        walk = walk.sort_dir(parsed("--sort-dir", direction)?);
    }
    let most = args.limit.map_or(DEFAULT_MAX_LIST_ITEMS, |n| {
        usize::try_from(n).unwrap_or(usize::MAX)
    });
    walk = walk.max_items(most);
    // Pages no larger than the services wanted (but a walk's pages overlap by one).
    let page = args.page_size.unwrap_or_else(|| {
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
    if args.limit.is_none() && read >= DEFAULT_MAX_LIST_ITEMS {
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

/// The value of `flag`, one of the spec's (clap checked it), as its type.
pub fn parsed<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, Failure> {
    value
        .parse()
        .map_err(|_| Failure::Usage(format!("{flag}: {value:?} is not a value of the spec")))
}
