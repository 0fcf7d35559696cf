//! `vpcep whitelist`: the whitelist of a service (every record); `--add` and `--remove`
//! records in any spelling (a bare domain ID, `iam:domain::ID` or `*`); `--set` the whole
//! whitelist to a list, as an edit (only the difference is sent; `--dry-run` shows it).

use clap::Args;
use otc_vpcep::{Client, WhitelistEntry, spec, types::PermissionAction};
use serde_json::json;

use crate::{
    args::{Output, WalkArgs},
    commands::ListPermissionsCommand,
    connection,
    failure::Failure,
    output, progress, request, resolve, table, walk,
};

/// The flags of `vpcep whitelist` beside the query's.
#[derive(Debug, Args)]
pub struct Options {
    /// Add these records: domain IDs, bare or as iam:domain::ID, or * (every account); repeat
    /// the flag or separate them with commas.
    #[arg(long, value_name = "ID", value_delimiter = ',', conflicts_with = "set")]
    pub add: Vec<String>,

    /// Remove these records (spelled as for --add).
    #[arg(long, value_name = "ID", value_delimiter = ',', conflicts_with = "set")]
    pub remove: Vec<String>,

    /// Set the whole whitelist to these records (spelled as for --add; --set= empties it):
    /// every record is read, and only the records to add and to remove are sent.
    #[arg(long, value_name = "ID,ID", value_delimiter = ',', num_args = 1)]
    pub set: Option<Vec<String>>,

    /// The domain ID of the service's owner, whose account may always connect: --set keeps
    /// its record even when the list leaves it out.
    #[arg(long, value_name = "ID", requires = "set")]
    pub own_domain: Option<String>,

    /// Send nothing: for --set, read the whitelist and show what would change (+ and -
    /// records); for --add and --remove, show the requests.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub walk: WalkArgs,
}

/// Runs `vpcep whitelist`.
pub async fn run(command: ListPermissionsCommand) -> Result<(), Failure> {
    let args = &command.options;
    let changes = !args.add.is_empty() || !args.remove.is_empty();
    // Every record is checked before anything is looked up or sent.
    let (add, remove) = (
        records("--add", &args.add)?,
        records("--remove", &args.remove)?,
    );
    let set = args
        .set
        .as_deref()
        .map(|given| records("--set", given))
        .transpose()?;

    let call = &command.call;
    if args.dry_run && set.is_none() && changes {
        return dry_run(&command, &add, &remove).await;
    }
    if args.dry_run && set.is_none() {
        return Err(Failure::Usage(
            "--dry-run goes with --add, --remove or --set: a list sends nothing anyway".to_owned(),
        ));
    }
    let client = connection::client(&call.connection, call.timeout, true)?;
    let service = resolve::service_id(&client, &command.vpc_endpoint_service_id).await?;
    if let Some(records) = set {
        return set_whole(&client, &service, records, args).await;
    }
    if changes {
        for (action, records, verb) in [
            (PermissionAction::Add, &add, "added"),
            (PermissionAction::Remove, &remove, "removed"),
        ] {
            if records.is_empty() {
                continue;
            }
            let given = records.iter().map(ToString::to_string);
            let change = client
                .add_or_remove_permissions(service.as_str())
                .action(action)
                .records(given.collect::<Vec<_>>());
            progress::awaited(change.send()).await?;
            for record in records {
                eprintln!("{verb} {record}");
            }
        }
        return Ok(());
    }
    let output = output::for_list(args.walk.output);
    let records = command
        .query(client.list_permissions(service))
        .max_items(walk::most(args.walk.most));
    walk::print(
        records.all(),
        "whitelist records",
        output,
        args.walk.most,
        |records| {
            table::rows(
                records,
                &["permission", "permission_type", "created_at", "id"],
            )
        },
    )
    .await
}

/// The records given with `flag`, each checked against the spec's rule (empty ones, as in
/// `--set=`, left out); the first that breaks it is a usage error naming the flag and the
/// record.
fn records(flag: &str, given: &[String]) -> Result<Vec<WhitelistEntry>, Failure> {
    given
        .iter()
        .map(|record| record.trim())
        .filter(|record| !record.is_empty())
        .map(|record| {
            record.parse::<WhitelistEntry>().map_err(|violations| {
                let rules: Vec<String> = violations.iter().map(|v| v.rule.clone()).collect();
                Failure::Usage(format!("{flag} {record:?}: {}", rules.join("; ")))
            })
        })
        .collect()
}

/// Sets the whole whitelist (or, for a dry run, shows what that would change).
async fn set_whole(
    client: &Client,
    service: &str,
    records: Vec<WhitelistEntry>,
    args: &Options,
) -> Result<(), Failure> {
    let records: Vec<String> = records.iter().map(ToString::to_string).collect();
    let mut set = client.set_whitelist(service, records);
    if let Some(own) = &args.own_domain {
        set = set.own_domain(own);
    }
    let outcome = if args.dry_run {
        progress::awaited(set.preview()).await?
    } else {
        progress::awaited(set.send()).await?
    };
    match output::for_list(args.walk.output) {
        Output::Table => print!("{}", outcome.diff),
        Output::Json => print!("{}", output::pretty(&outcome.diff)?),
        Output::Jsonl => print!("{}", output::line(&outcome.diff)?),
    }
    if let Some(kept) = &outcome.kept_own_domain {
        eprintln!("note: kept {kept}, the owner's own account (--own-domain)");
    }
    for record in &outcome.unrecognised {
        eprintln!(
            "note: left {} alone: not a record this client can name",
            output::line(record)?.trim_end()
        );
    }
    eprintln!(
        "{}",
        match (args.dry_run, outcome.diff.is_empty()) {
            (_, true) => "nothing to change: no request sent",
            (true, false) => "dry run: nothing sent",
            (false, false) => "whitelist set",
        }
    );
    Ok(())
}

/// Prints the requests of `--add` and `--remove` (the records in their documented form).
async fn dry_run(
    command: &ListPermissionsCommand,
    add: &[WhitelistEntry],
    remove: &[WhitelistEntry],
) -> Result<(), Failure> {
    let call = &command.call;
    let given = &command.vpc_endpoint_service_id;
    let (client, service) = match connection::client_if_credentials(&call.connection, call.timeout)?
    {
        Some(client) => {
            let service = resolve::service_id(&client, given).await?;
            (client, Some(service))
        }
        None => {
            let client = connection::client(&call.connection, call.timeout, false)?;
            let service = resolve::as_id(given);
            if service.is_none() {
                resolve::note_unresolved(given);
            }
            (client, service)
        }
    };
    let operation = spec::ADD_OR_REMOVE_PERMISSIONS;
    let path = [("vpc_endpoint_service_id", service.as_deref())];
    for (action, records) in [("add", add), ("remove", remove)] {
        let batches = records.chunks(spec::MAX_PERMISSIONS_PER_REQUEST.max(1));
        for batch in batches.filter(|b| !b.is_empty()) {
            let permissions: Vec<_> = batch.iter().map(WhitelistEntry::to_request).collect();
            let body = json!({ "action": action, "permissions": permissions });
            request::print(&client, &operation, &path, Some(&body))?;
        }
    }
    eprintln!("dry run: nothing sent");
    Ok(())
}
