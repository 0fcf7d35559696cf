//! The `SERVICE` of a command: a UUID as it is, or a name looked up by listing (which needs
//! credentials). A name that no service has, or that several have, is the library's error
//! (exit status 1), which names the IDs of the several.

use otc_vpcep::{Client, Error};
use uuid::Uuid;

use crate::{failure::Failure, progress};

/// The ID of `service` when it is a UUID (in its canonical form), without asking anything.
pub fn as_id(service: &str) -> Option<String> {
    Uuid::try_parse(service).ok().map(|id| id.to_string())
}

/// The ID of `service`: a UUID as it is, or else the one service named so, looked up by
/// listing (with a spinner once that takes a second).
pub async fn service_id(client: &Client, service: &str) -> Result<String, Failure> {
    if let Some(id) = as_id(service) {
        return Ok(id);
    }
    if service.trim().is_empty() {
        return Err(Failure::Usage(
            "SERVICE is empty: give the ID (a UUID) or the name of a service".to_owned(),
        ));
    }
    let what = format!("looking up the service named {}", progress::plain(service));
    match progress::awaited_as(client.resolve_endpoint_service(service), &what).await {
        Ok(id) => Ok(id.to_string()),
        Err(Failure::Sent(error @ Error::NotFound { .. })) if looks_like_an_id(service) => {
            eprintln!("note: {} is not a UUID either", progress::plain(service));
            Err(Failure::Sent(error))
        }
        Err(failure) => Err(failure),
    }
}

/// Whether `text` looks like a UUID with a typo: hexadecimal digits and hyphens, about as
/// long as one.
fn looks_like_an_id(text: &str) -> bool {
    (28..=40).contains(&text.len()) && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// What a dry run says on standard error when it prints a request for a service known only
/// by name.
pub fn note_unresolved(service: &str) {
    eprintln!(
        "note: {} is a name: without credentials a dry run does not look it up, so the \
         request shows {{vpc_endpoint_service_id}}; with credentials it would",
        progress::plain(service)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_is_an_id_in_canonical_form_and_anything_else_a_name() {
        let id = "4189d3c2-8882-4871-a3c2-d380272eed88";
        assert_eq!(as_id(id).as_deref(), Some(id));
        assert_eq!(
            as_id("4189D3C2-8882-4871-A3C2-D380272EED88").as_deref(),
            Some(id)
        );
        assert_eq!(as_id("web"), None);
        assert_eq!(as_id("not-a-uuid"), None);
        assert!(looks_like_an_id("4189d3c2-8882-4871-a3c2-d380272eed8"));
        assert!(!looks_like_an_id("web"));
        assert!(!looks_like_an_id("deadbeef"));
    }
}
