//! `vpcep modify`: build the change from flags or a JSON body, check it, send it (as an edit
//! relative to what the service is, for `--add-port` and `--remove-port`), print it, and wait
//! for `available` if asked.

use otc_vpcep::{Client, spec, types::ModifyEndpointServiceRequest};
use serde_json::Value;

use crate::{
    commands::ModifyEndpointServiceCommand, connection, edit, failure::Failure, output, progress,
    request, resolve,
};

/// Runs `vpcep modify`.
pub async fn run(command: ModifyEndpointServiceCommand) -> Result<(), Failure> {
    let body = command.json_body()?;
    let (call, args) = (&command.call, &command.options);
    let given = &command.vpc_endpoint_service_id;
    let edits = !args.add_ports.is_empty() || !args.remove_ports.is_empty();

    if args.dry_run {
        // With credentials, a dry run looks a name up, reads the service and shows what would
        // change.
        if let Some(client) = connection::client_if_credentials(&call.connection, call.timeout)? {
            checked(&client, given, &body)?;
            let service = resolve::service_id(&client, given).await?;
            return edit::preview(&client, &service, args, &body).await;
        }
        if edits {
            return Err(Failure::Usage(
                "--add-port and --remove-port read the service first, so their --dry-run needs \
                 credentials (OS_AUTH_TOKEN, or an access key): see vpcep --help"
                    .to_owned(),
            ));
        }
        let client = connection::client(&call.connection, call.timeout, false)?;
        let body = checked(&client, given, &body)?;
        let id = resolve::as_id(given);
        if id.is_none() {
            resolve::note_unresolved(given);
        }
        let operation = spec::MODIFY_ENDPOINT_SERVICE;
        let path = [("vpc_endpoint_service_id", id.as_deref())];
        return request::print(&client, &operation, &path, Some(&body));
    }

    let client = connection::client(&call.connection, call.timeout, true)?;
    // Every rule of the body is checked before a name is looked up.
    checked(&client, given, &body)?;
    let service = resolve::service_id(&client, given).await?;
    if edits {
        return edit::send(&client, &service, args, &body).await;
    }
    let answered = progress::awaited(
        client
            .modify_endpoint_service(service.as_str())
            .json_body(&body)
            .send(),
    )
    .await?;
    let Some(timeout) = args.wait.wait else {
        return output::print_answer(&answered, args.output);
    };
    match progress::waited(&client, &service, timeout).await {
        Ok(service) => output::print_answer(&service, args.output),
        Err(failure) => {
            // The change was made: show it as answered, then why the wait failed.
            output::print_answer(&answered, args.output)?;
            Err(failure)
        }
    }
}

/// The request body of the change, checked like a real one: every rule of the spec, and the
/// service's ID when it is one (a name stands for a valid ID until it is looked up).
fn checked(
    client: &Client,
    given: &str,
    body: &Value,
) -> Result<ModifyEndpointServiceRequest, Failure> {
    let id = resolve::as_id(given).unwrap_or_else(|| uuid::Uuid::nil().to_string());
    Ok(client
        .modify_endpoint_service(id)
        .json_body(body)
        .build_body()?)
}
