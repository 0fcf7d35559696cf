//! What a dry run prints: the request that would be sent, as `METHOD URL`, then, for a request
//! with a body, its content type and the body as pretty JSON, after a blank line.

use otc_vpcep::{Client, spec::Operation};
use serde::Serialize;

use crate::failure::Failure;

/// The request of `operation` to the client's endpoint with the values of its path's
/// parameters (`(name, value)`, the project's apart) and `body`, as a dry run prints it.
///
/// What is not known is left as the path's placeholder: the project when it is known only by
/// name (a dry run asks IAM nothing), a service when it is known only by name (a dry run
/// without credentials lists nothing).
pub fn text(
    client: &Client,
    operation: &Operation,
    path: &[(&str, Option<&str>)],
    body: Option<&impl Serialize>,
) -> Result<String, Failure> {
    let mut known = Vec::new();
    if let Some(project) = client.known_project_id() {
        known.push(("project_id", project.as_str()));
    }
    known.extend(
        path.iter()
            .filter_map(|(name, value)| Some((*name, (*value)?))),
    );
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
    path: &[(&str, Option<&str>)],
    body: Option<&impl Serialize>,
) -> Result<(), Failure> {
    println!("{}", text(client, operation, path, body)?);
    Ok(())
}
