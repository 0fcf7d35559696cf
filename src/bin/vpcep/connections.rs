//! `vpcep connections`: the connections of a service (every page); `vpcep accept` and `vpcep
//! reject`: any number of VPC endpoints, one request each, and each endpoint's outcome.

use futures_util::TryStreamExt;
use otc_vpcep::{
    Client, ConnectionChange, EndpointOutcome, spec,
    types::{ConnectionAction, ConnectionStatusFilter},
};
use serde::Serialize;

use crate::{
    args::{ActArgs, Output},
    commands::ListConnectionsCommand,
    connection,
    failure::Failure,
    output::{self, Reader},
    progress, request, resolve, table, walk,
};

/// Runs `vpcep connections`.
pub async fn list(command: ListConnectionsCommand) -> Result<(), Failure> {
    let call = &command.call;
    let client = connection::client(&call.connection, call.timeout, true)?;
    let service = resolve::service_id(&client, &command.vpc_endpoint_service_id).await?;
    let args = &command.options;
    let connections = command
        .query(client.list_connections(service))
        .max_items(walk::most(args.most));
    let output = output::for_list(args.output);
    walk::print(
        connections.all(),
        "connections",
        output,
        args.most,
        |connections| {
            table::rows(
                connections,
                &["id", "status", "domain_id", "marker_id", "created_at"],
            )
        },
    )
    .await
}

/// Runs `vpcep accept` (`action` receive) or `vpcep reject`: every endpoint's outcome is
/// printed; any that failed makes the command fail.
pub async fn act(args: ActArgs, action: ConnectionAction) -> Result<(), Failure> {
    let verb = match action {
        ConnectionAction::Reject => "reject",
        _ => "accept",
    };
    if args.dry_run {
        return dry_run(&args, action, verb).await;
    }
    let call = &args.call;
    let client = connection::client(&call.connection, call.timeout, true)?;
    let service = resolve::service_id(&client, &args.service).await?;
    let endpoints = endpoints(&client, &service, &args).await?;
    if endpoints.is_empty() {
        eprintln!("no endpoint is pendingAcceptance: nothing to {verb}");
        return Ok(());
    }
    let what = format!("{verb}ing {} endpoints", endpoints.len());
    let act = client
        .accept_or_reject_connections(service.as_str())
        .action(action)
        .endpoints(endpoints);
    let outcomes = progress::awaited_as(act.send(), &what).await?;
    print(&outcomes, output::for_list(args.output))?;
    let failed = outcomes.iter().filter(|o| !o.is_ok()).count();
    match failed {
        0 => Ok(()),
        n => Err(Failure::Partial(format!(
            "{n} of {} endpoints could not be {verb}ed (see each one's error)",
            outcomes.len()
        ))),
    }
}

/// The endpoints to act on: those given, or every one pending.
async fn endpoints(client: &Client, service: &str, args: &ActArgs) -> Result<Vec<String>, Failure> {
    if !args.all_pending {
        return Ok(args.endpoints.clone());
    }
    let pending = client
        .list_connections(service)
        .status(ConnectionStatusFilter::PendingAcceptance)
        .all()
        .map_ok(|connection| connection.id)
        .try_collect::<Vec<_>>();
    let pending = progress::awaited_as(pending, "reading the pending connections").await?;
    Ok(pending)
}

/// Prints the request each endpoint would get. With credentials, a name is looked up, the
/// pending endpoints read for `--all-pending`, and the connections read, so that an endpoint
/// already where asked is said to get none (the library's preview).
async fn dry_run(args: &ActArgs, action: ConnectionAction, verb: &str) -> Result<(), Failure> {
    let call = &args.call;
    let credentials = connection::client_if_credentials(&call.connection, call.timeout)?;
    let (client, service, endpoints) = match credentials {
        Some(client) => {
            let service = resolve::service_id(&client, &args.service).await?;
            let endpoints = endpoints(&client, &service, args).await?;
            let preview = client
                .accept_or_reject_connections(service.as_str())
                .action(action)
                .endpoints(endpoints)
                .preview();
            let mut sent = Vec::new();
            for outcome in progress::awaited(preview).await? {
                match outcome.result {
                    Ok(ConnectionChange::AlreadyAccepted | ConnectionChange::AlreadyRejected) => {
                        eprintln!("{}: {verb}ed already: no request", outcome.endpoint_id);
                    }
                    Ok(_) => sent.push(outcome.endpoint_id),
                    Err(error) => return Err(error.into()),
                }
            }
            (client, Some(service), sent)
        }
        None if args.all_pending => {
            return Err(Failure::Usage(
                "--all-pending reads the connections first, so its --dry-run needs credentials \
                 (OS_AUTH_TOKEN, or an access key): see vpcep --help"
                    .to_owned(),
            ));
        }
        None => {
            let client = connection::client(&call.connection, call.timeout, false)?;
            let service = resolve::as_id(&args.service);
            if service.is_none() {
                resolve::note_unresolved(&args.service);
            }
            (client, service, args.endpoints.clone())
        }
    };
    let operation = spec::ACCEPT_OR_REJECT_CONNECTIONS;
    let path = [("vpc_endpoint_service_id", service.as_deref())];
    for endpoint in &endpoints {
        let body = client
            .accept_or_reject_connections(service.as_deref().unwrap_or_default())
            .action(action)
            .endpoints([endpoint.as_str()])
            .build_body()?;
        request::print(&client, &operation, &path, Some(&body))?;
    }
    eprintln!(
        "dry run: would {verb} {} endpoints, one request each; nothing sent",
        endpoints.len()
    );
    Ok(())
}

/// One endpoint's outcome, as printed.
#[derive(Serialize)]
struct Printed<'a> {
    endpoint_id: &'a str,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn printed(outcome: &EndpointOutcome) -> Printed<'_> {
    let (word, error) = match &outcome.result {
        Ok(ConnectionChange::Accepted) => ("accepted", None),
        Ok(ConnectionChange::Rejected) => ("rejected", None),
        Ok(ConnectionChange::AlreadyAccepted) => ("already_accepted", None),
        Ok(ConnectionChange::AlreadyRejected) => ("already_rejected", None),
        Ok(_) => ("done", None),
        Err(error) => ("failed", Some(error.to_string())),
    };
    let status = outcome
        .connection
        .as_ref()
        .and_then(|c| c.status.as_ref())
        .map(ToString::to_string);
    Printed {
        endpoint_id: &outcome.endpoint_id,
        outcome: word,
        status,
        error,
    }
}

fn print(outcomes: &[EndpointOutcome], output: Output) -> Result<(), Failure> {
    let printed: Vec<Printed<'_>> = outcomes.iter().map(printed).collect();
    match output {
        Output::Json => output::write(&output::pretty(&printed)?).map(drop),
        Output::Table => output::write(&table::rows(
            &printed,
            &["endpoint_id", "outcome", "status", "error"],
        ))
        .map(drop),
        Output::Jsonl => {
            for line in &printed {
                if output::write(&output::line(line)?)? == Reader::Gone {
                    break;
                }
            }
            Ok(())
        }
    }
}
