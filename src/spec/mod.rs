//! The published OpenAPI document, the crate's source of truth, and its table of operations.
//!
//! The document is embedded as written (`spec/vpcep.yaml`) and as JSON, so that a generator or
//! a docs viewer can use it without a checkout; the emulator serves both at `/openapi.yaml`
//! and `/openapi.json`. Inside the crate, this module also holds what comes from the spec:
//! the code progenitor generates from it, its schemas as rules, the violations of those
//! rules, the open enumerations and the port mappings' rules.

pub(crate) mod generated;
pub(crate) mod open_enum;
pub(crate) mod ports;
pub(crate) mod schema;
pub(crate) mod validation;

/// The OpenAPI 3.0 document of the API, as `spec/vpcep.yaml` holds it.
pub const OPENAPI_YAML: &str = include_str!("../../spec/vpcep.yaml");

/// The same document as JSON (converted from the YAML when the crate is built).
pub const OPENAPI_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/vpcep.json"));

pub use generated::limits::*;
pub use generated::operations::*;

/// One operation of the spec: its progenitor name, HTTP method and path template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The operation's name in the generated client, for example `modify_endpoint_service`
    /// (the spec's `operationId` in snake case).
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, for example
    /// `/v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
    pub path: &'static str,
}

impl Operation {
    /// The operation named `id` (as the generated client names it), if the spec has it.
    pub fn find(id: &str) -> Option<&'static Operation> {
        ALL.iter().find(|operation| operation.id == id)
    }

    /// The path with each `{name}` replaced by its value in `parameters` (`(name, value)`
    /// pairs), percent-encoded as a path segment.
    ///
    /// ```
    /// use otc_vpcep::spec::GET_ENDPOINT_SERVICE;
    ///
    /// let path = GET_ENDPOINT_SERVICE.path_with(&[
    ///     ("project_id", "6e9dfd51d1124e8d8498dce894923a0d"),
    ///     ("vpc_endpoint_service_id", "4189d3c2-8882-4871-a3c2-d380272eed88"),
    /// ]);
    /// assert_eq!(
    ///     path,
    ///     "/v1/6e9dfd51d1124e8d8498dce894923a0d/vpc-endpoint-services/4189d3c2-8882-4871-a3c2-d380272eed88"
    /// );
    /// ```
    pub fn path_with(&self, parameters: &[(&str, &str)]) -> String {
        parameters
            .iter()
            .fold(self.path.to_owned(), |path, (name, value)| {
                let encoded = percent_encoding::utf8_percent_encode(value, SEGMENT).to_string();
                path.replace(&format!("{{{name}}}"), &encoded)
            })
    }

    /// Whether repeating the operation has the effect of sending it once (RFC 9110: GET,
    /// HEAD, PUT, DELETE, OPTIONS, TRACE), so that it may be sent again after a failure
    /// that leaves unknown whether it arrived.
    pub fn is_idempotent(&self) -> bool {
        http::Method::from_bytes(self.method.as_bytes()).is_ok_and(|m| m.is_idempotent())
    }
}

/// What a path segment must encode: everything but the unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
