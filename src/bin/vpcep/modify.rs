//! `vpcep modify`: build the change from flags or a JSON body, check it, send it (as an edit
//! relative to what the service is, for `--add-port` and `--remove-port`), print it, and wait
//! for `available` if asked.

use std::process::ExitCode;

use otc_vpcep::{Client, spec, types::ModifyEndpointServiceRequest};
use serde_json::Value;

use crate::{
    args::{ChangeArgs, ModifyArgs},
    connection, edit,
    failure::{self, Failure},
    input, output, progress, request, resolve,
};

/// Runs `vpcep modify`, and says how it ended.
pub async fn run(args: ModifyArgs) -> ExitCode {
    failure::exit_code(modify(args).await)
}

async fn modify(mut args: ModifyArgs) -> Result<(), Failure> {
    let body = request_body(&args.change)?;
    let fields = &args.change.fields;
    let edits = !fields.add_ports.is_empty() || !fields.remove_ports.is_empty();

    if args.dry_run {
        // With credentials, a dry run looks a name up, reads the service and shows what would
        // change.
        if let Some(client) = connection::client_if_credentials(&args.connection, args.timeout)? {
            checked(&client, &args, &body)?;
            args.service = resolve::service_id(&client, &args.service).await?;
            return edit::preview(&client, &args, &body).await;
        }
        if edits {
            return Err(Failure::Usage(
                "--add-port and --remove-port read the service first, so their --dry-run needs \
                 credentials (OS_AUTH_TOKEN, or an access key): see vpcep --help"
                    .to_owned(),
            ));
        }
        let client = connection::client(&args.connection, args.timeout, false)?;
        let body = checked(&client, &args, &body)?;
        let id = resolve::as_id(&args.service);
        if id.is_none() {
            resolve::note_unresolved(&args.service);
        }
        let operation = spec::MODIFY_ENDPOINT_SERVICE;
        return request::print(&client, &operation, id.as_deref(), Some(&body));
    }

    let client = connection::client(&args.connection, args.timeout, true)?;
    // Every rule of the body is checked before a name is looked up.
    checked(&client, &args, &body)?;
    args.service = resolve::service_id(&client, &args.service).await?;
    if edits {
        return edit::send(&client, &args, &body).await;
    }
    let answered = progress::awaited(
        client
            .modify_endpoint_service(args.service.as_str())
            .json_body(&body)
            .send(),
    )
    .await?;
    let Some(timeout) = args.wait else {
        return output::print_service(&answered, args.output);
    };
    match progress::waited(&client, &args.service, timeout).await {
        Ok(service) => output::print_service(&service, args.output),
        Err(failure) => {
            // The change was made: show it as answered, then why the wait failed.
            output::print_service(&answered, args.output)?;
            Err(failure)
        }
    }
}

/// The request body of the change, checked like a real one: every rule of the spec, and the
/// service's ID when it is one (a name stands for a valid ID until it is looked up).
fn checked(
    client: &Client,
    args: &ModifyArgs,
    body: &Value,
) -> Result<ModifyEndpointServiceRequest, Failure> {
    let id = resolve::as_id(&args.service).unwrap_or_else(|| uuid::Uuid::nil().to_string());
    Ok(client
        .modify_endpoint_service(id)
        .json_body(body)
        .build_body()?)
}

/// The JSON request body: the `--body` file (or standard input), or the flags.
fn request_body(change: &ChangeArgs) -> Result<Value, Failure> {
    if let Some(path) = &change.body {
        return input::json("--body", path).map_err(Failure::Usage);
    }
    serde_json::to_value(&change.fields).map_err(|e| Failure::Usage(e.to_string()))
}
