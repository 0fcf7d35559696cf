//! Limits that the emulator reads from the published spec, so that each has one definition:
//! the most items of a request's list, and the most items of a list's page.

use std::sync::LazyLock;

use serde_json::Value;

/// The spec as JSON, parsed at first use (the crate embeds it; a test proves it parses).
static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(crate::spec::OPENAPI_JSON).unwrap_or(Value::Null));

/// The number at `pointer` in the spec; 0 if there is none (which a test of each limit rules
/// out: a limit of 0 would refuse every request, loudly).
pub(crate) fn number(pointer: &str) -> usize {
    DOCUMENT
        .pointer(pointer)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

/// The `maximum` of the query parameter `name` of the `GET` on `path`; 0 if there is none.
pub(crate) fn query_maximum(path: &str, name: &str) -> usize {
    let escaped = path.replace('~', "~0").replace('/', "~1");
    DOCUMENT
        .pointer(&format!("/paths/{escaped}/get/parameters"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name && p["in"] == "query")
        .and_then(|p| p.pointer("/schema/maximum"))
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_the_specs() {
        assert_eq!(
            query_maximum(crate::spec::LIST_ENDPOINT_SERVICES.path, "limit"),
            crate::spec::MAX_LIST_LIMIT
        );
        assert_eq!(
            query_maximum(crate::spec::LIST_PERMISSIONS.path, "limit"),
            500
        );
        assert_eq!(
            query_maximum(crate::spec::LIST_CONNECTIONS.path, "limit"),
            1000
        );
        assert_eq!(
            number("/components/schemas/ModifyEndpointServiceRequest/properties/ports/maxItems"),
            crate::MAX_PORT_MAPPINGS
        );
        assert_eq!(number("/nothing"), 0);
    }
}
