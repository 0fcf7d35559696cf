//! What a dry run prints: the request that would be sent, as `METHOD URL`, then, for a request
//! with a body, its content type and the body as pretty JSON, after a blank line.

use otc_vpcep::{Client, spec::Operation};
use serde::Serialize;

use crate::failure::Failure;

/// The request of `operation` to the client's endpoint for the service `service` (its ID,
/// when the operation's path names one) with `body`, as a dry run prints it.
///
/// What is not known is left as the path's placeholder: the project when it is known only by
/// name (a dry run asks IAM nothing), the service when it is known only by name (a dry run
/// without credentials lists nothing).
pub fn text(
    client: &Client,
    operation: &Operation,
    service: Option<&str>,
    body: Option<&impl Serialize>,
) -> Result<String, Failure> {
    let mut known = Vec::new();
    if let Some(project) = client.known_project_id() {
        known.push(("project_id", project.as_str()));
    }
    if let Some(service) = service {
        known.push(("vpc_endpoint_service_id", service));
    }
    let mut text = format!(
        "{} {}{}",
        operation.method,
        client.endpoint(),
        operation.path_with(&known)
    );
    if let Some(body) = body {
        let body = serde_json::to_string_pretty(body)
            .map_err(|e| Failure::Usage(format!("cannot print the request: {e}")))?;
        text.push_str("\ncontent-type: application/json\n\n");
        text.push_str(&crate::terminal::escape_json(&body));
    }
    Ok(text)
}

/// Prints the request (see [`text`]) on standard output.
pub fn print(
    client: &Client,
    operation: &Operation,
    service: Option<&str>,
    body: Option<&impl Serialize>,
) -> Result<(), Failure> {
    println!("{}", text(client, operation, service, body)?);
    Ok(())
}
