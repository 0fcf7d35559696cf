//! `vpcep modify`: build the change from flags or a JSON body, check it, send it (as an edit
//! relative to what the service is, for `--add-port` and `--remove-port`), print it, and wait
//! for `available` if asked.

use std::process::ExitCode;

use otc_vpcep::{Client, spec};
use serde_json::Value;

use crate::{
    args::{ChangeArgs, ModifyArgs},
    connection, edit,
    failure::{self, Failure},
    input, output, progress,
};

/// Runs `vpcep modify`, and says how it ended.
pub async fn run(args: ModifyArgs) -> ExitCode {
    failure::exit_code(modify(args).await)
}

async fn modify(args: ModifyArgs) -> Result<(), Failure> {
    let body = request_body(&args.change)?;
    let fields = &args.change.fields;
    let edits = !fields.add_ports.is_empty() || !fields.remove_ports.is_empty();

    if args.dry_run {
        // With credentials, a dry run reads the service and shows what would change.
        if let Some(client) = connection::client_if_credentials(&args.connection, args.timeout)? {
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
        return print_request(&client, &args, &body);
    }

    let client = connection::client(&args.connection, args.timeout, true)?;
    if edits {
        return edit::send(&client, &args, &body).await;
    }
    let answered = progress::awaited(
        client
            .modify_endpoint_service(args.service_id.as_str())
            .json_body(&body)
            .send(),
    )
    .await?;
    let Some(timeout) = args.wait else {
        return output::print_service(&answered, args.output);
    };
    match progress::waited(&client, &args.service_id, timeout).await {
        Ok(service) => output::print_service(&service, args.output),
        Err(failure) => {
            // The change was made: show it as answered, then why the wait failed.
            output::print_service(&answered, args.output)?;
            Err(failure)
        }
    }
}

/// Prints the request a modify would send (method, URL, body), checked like a real one.
fn print_request(client: &Client, args: &ModifyArgs, body: &Value) -> Result<(), Failure> {
    let change = client
        .modify_endpoint_service(args.service_id.as_str())
        .json_body(body);
    let body = change.build_body()?;
    let body = serde_json::to_string_pretty(&body).map_err(|e| Failure::Usage(e.to_string()))?;
    // The ID was checked with the body: in canonical form, as the request sends it.
    let id = uuid::Uuid::try_parse(&args.service_id)
        .map(|id| id.to_string())
        .unwrap_or_default();
    let operation = spec::MODIFY_ENDPOINT_SERVICE;
    let path = operation.path_with(&[
        // A dry run asks IAM nothing: a project known only by name stays a placeholder.
        (
            "project_id",
            client
                .known_project_id()
                .map_or("{project_id}", |p| p.as_str()),
        ),
        ("vpc_endpoint_service_id", &id),
    ]);
    println!(
        "{} {}{path}\ncontent-type: application/json\n\n{body}",
        operation.method,
        client.endpoint(),
    );
    Ok(())
}

/// The JSON request body: the `--body` file (or standard input), or the flags.
fn request_body(change: &ChangeArgs) -> Result<Value, Failure> {
    if let Some(path) = &change.body {
        let bytes = input::read("--body", path, input::MAX_INPUT_BYTES).map_err(Failure::Usage)?;
        return otc_vpcep::json::from_slice(&bytes).map_err(|e| {
            let problem = if e.is_data() {
                "repeats a key"
            } else {
                "not JSON"
            };
            Failure::Usage(format!("--body {}: {problem}: {e}", path.display()))
        });
    }
    serde_json::to_value(&change.fields).map_err(|e| Failure::Usage(e.to_string()))
}
