//! `vpcep modify`: build the change from flags or a JSON body, check it, send it, print it.

use std::process::ExitCode;

use otc_vpcep::spec;
use serde_json::Value;

use crate::{
    args::{ChangeArgs, ModifyArgs},
    connection,
    failure::{self, Failure},
    input, output,
};

/// Runs `vpcep modify`, and says how it ended.
pub async fn run(args: ModifyArgs) -> ExitCode {
    failure::exit_code(modify(args).await)
}

async fn modify(args: ModifyArgs) -> Result<(), Failure> {
    let body = request_body(&args.change)?;
    let client = connection::client(&args.connection, !args.dry_run)?;
    let change = client
        .modify_endpoint_service(args.service_id.as_str())
        .json_body(&body);

    if args.dry_run {
        let body = change.build_body()?;
        let body =
            serde_json::to_string_pretty(&body).map_err(|e| Failure::Usage(e.to_string()))?;
        // The ID was checked with the body: in canonical form, as the request sends it.
        let id = uuid::Uuid::try_parse(&args.service_id)
            .map(|id| id.to_string())
            .unwrap_or_default();
        let operation = spec::MODIFY_ENDPOINT_SERVICE;
        let path = operation.path_with(&[
            ("project_id", client.project_id().as_str()),
            ("vpc_endpoint_service_id", &id),
        ]);
        println!(
            "{} {}{path}\ncontent-type: application/json\n\n{body}",
            operation.method,
            client.endpoint(),
        );
        return Ok(());
    }

    let service = output::awaited(change.send()).await?;
    output::print_service(&service, args.output)
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
