//! The error answers of the emulator: the documented codes, with their documented HTTP status
//! and message (from the provider's error code table), as `{"error_code", "error_msg"}`.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::types::ErrorResponse;

/// A documented error code of the VPCEP API that the emulator answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    /// `EndPoint.0001` (500): system error.
    SystemError,
    /// `EndPoint.0002` (400): parameter error.
    ParameterError,
    /// `EndPoint.0003` (401): authentication failed.
    Unauthenticated,
    /// `EndPoint.0005` (404): the resource does not exist.
    NotFound,
    /// `EndPoint.0006` (400): invalid `limit`.
    InvalidLimit,
    /// `EndPoint.0010` (400): invalid `offset`.
    InvalidOffset,
    /// `EndPoint.0014` (400): invalid project ID.
    InvalidProjectId,
    /// `EndPoint.0017` (400): invalid `sort_key`.
    InvalidSortKey,
    /// `EndPoint.0018` (400): invalid `sort_dir`.
    InvalidSortDir,
    /// `EndPoint.0019` (400): invalid `status`.
    InvalidStatus,
    /// `EndPoint.0020` (400): invalid VPC ID.
    InvalidVpcId,
    /// `EndPoint.0022` (400): rate limited.
    RateLimited,
    /// `Endpoint.1018` (400): quota exceeded (spelled so in the error code table).
    QuotaExceeded,
    /// `EndPoint.2011` (400): the VPC ID is empty.
    VpcIdEmpty,
    /// `EndPoint.2028` (400): a port or the protocol is empty.
    PortOrProtocolEmpty,
    /// `EndPoint.3006` (400): the service is in use (VPC endpoints are connected to it).
    InUse,
    /// `EndPoint.3021` (400): invalid `server_type`.
    InvalidServerType,
    /// `EndPoint.3043` (400): invalid service port.
    InvalidServicePort,
    /// `EndPoint.3044` (400): ports conflict with an existing endpoint service.
    PortsConflict,
    /// `EndPoint.3045` (400): the service's state does not allow the change.
    WrongState,
    /// `EndPoint.3051` (400): invalid `vip_port_id`.
    InvalidVipPortId,
    /// `EndPoint.3062` (400): invalid endpoint service ID.
    InvalidServiceId,
    /// `EndPoint.3063` (400): invalid port ID.
    InvalidPortId,
    /// `EndPoint.3074` (400): too many port mappings.
    TooManyPorts,
    /// `EndPoint.3075` (400): invalid protocol.
    InvalidProtocol,
    /// `EndPoint.3076` (400): invalid service name.
    InvalidServiceName,
    /// `EndPoint.3066` (400): a tag (its key) is empty.
    TagEmpty,
    /// `EndPoint.3067` (400): two tags have the same key.
    TagKeyDuplicated,
    /// `EndPoint.3068` (400): a tag key or value has a character it may not have.
    TagInvalid,
    /// `EndPoint.3069` (400): more tags than allowed.
    TooManyTags,
    /// `EndPoint.3072` (400): a tag key is too long.
    TagKeySize,
    /// `EndPoint.3073` (400): a tag value is too long.
    TagValueSize,
    /// `EndPoint.0016` (400): a batch has more resources than allowed.
    BatchTooLarge,
    /// `EndPoint.0021` (400): invalid `marker_id`.
    InvalidMarkerId,
    /// `EndPoint.0023` (400): invalid `subnet_id`.
    InvalidSubnetId,
    /// `EndPoint.1019` (400): invalid route table ID.
    InvalidRouteTable,
    /// `EndPoint.2003` (400): the endpoint service does not exist.
    ServiceMissing,
    /// `EndPoint.2004` (400): the endpoint service is unavailable.
    ServiceUnavailable,
    /// `EndPoint.2010` (400): the subnet ID is empty.
    SubnetIdEmpty,
    /// `EndPoint.2012` (400): no permission to connect to the service (not whitelisted).
    NoPermission,
    /// `EndPoint.2013` (400): the endpoint does not belong to the endpoint service.
    NotOfService,
    /// `EndPoint.2014` (400): the endpoint is already connected (accepted).
    AlreadyConnected,
    /// `EndPoint.2017` (400): invalid endpoint ID.
    InvalidEndpointId,
    /// `EndPoint.2018` (400): the endpoint is being deleted.
    EndpointDeleting,
    /// `EndPoint.2019` (400): the endpoint is being created.
    EndpointCreating,
    /// `EndPoint.2027` (400): invalid action (of a connection).
    InvalidConnectionAction,
    /// `EndPoint.2029` (400): the endpoint service ID is empty.
    ServiceIdEmpty,
    /// `EndPoint.2031` (400): only one endpoint is allowed a request.
    OnlyOneEndpoint,
    /// `EndPoint.2033` (400): invalid `enable_dns`.
    InvalidEnableDns,
    /// `EndPoint.2041` (400): invalid port IP address.
    InvalidPortIp,
    /// `EndPoint.2044` (400): invalid whitelist (of a VPC endpoint).
    InvalidEndpointWhitelist,
    /// `EndPoint.2045` (400): the most records of a VPC endpoint's whitelist reached.
    EndpointWhitelistFull,
    /// `EndPoint.2048` (400): invalid VPC endpoint policy.
    InvalidPolicy,
    /// `EndPoint.3002` (400): invalid permission (a whitelist record).
    InvalidPermission,
    /// `EndPoint.3035` (400): invalid action (of a whitelist change).
    InvalidAction,
    /// `EndPoint.3036` (400): the permission list is empty.
    PermissionsEmpty,
    /// `EndPoint.3049` (400): the most whitelist records of a service reached.
    WhitelistFull,
}

/// Every code the emulator knows, for looking one up by its name.
const ALL: [Code; 57] = [
    Code::BatchTooLarge,
    Code::InvalidMarkerId,
    Code::InvalidSubnetId,
    Code::InvalidRouteTable,
    Code::ServiceMissing,
    Code::ServiceUnavailable,
    Code::SubnetIdEmpty,
    Code::NoPermission,
    Code::NotOfService,
    Code::AlreadyConnected,
    Code::InvalidEndpointId,
    Code::EndpointDeleting,
    Code::EndpointCreating,
    Code::InvalidConnectionAction,
    Code::ServiceIdEmpty,
    Code::OnlyOneEndpoint,
    Code::InvalidEnableDns,
    Code::InvalidPortIp,
    Code::InvalidEndpointWhitelist,
    Code::EndpointWhitelistFull,
    Code::InvalidPolicy,
    Code::InvalidPermission,
    Code::InvalidAction,
    Code::PermissionsEmpty,
    Code::WhitelistFull,
    Code::SystemError,
    Code::ParameterError,
    Code::Unauthenticated,
    Code::NotFound,
    Code::InvalidLimit,
    Code::InvalidOffset,
    Code::InvalidProjectId,
    Code::InvalidSortKey,
    Code::InvalidSortDir,
    Code::InvalidStatus,
    Code::InvalidVpcId,
    Code::RateLimited,
    Code::QuotaExceeded,
    Code::VpcIdEmpty,
    Code::PortOrProtocolEmpty,
    Code::InUse,
    Code::InvalidServerType,
    Code::InvalidServicePort,
    Code::PortsConflict,
    Code::WrongState,
    Code::InvalidVipPortId,
    Code::InvalidServiceId,
    Code::InvalidPortId,
    Code::TooManyPorts,
    Code::InvalidProtocol,
    Code::InvalidServiceName,
    Code::TagEmpty,
    Code::TagKeyDuplicated,
    Code::TagInvalid,
    Code::TooManyTags,
    Code::TagKeySize,
    Code::TagValueSize,
];

impl Code {
    /// The code as the service spells it, for example `EndPoint.0002`.
    pub(crate) fn as_str(self) -> &'static str {
        self.row().1
    }

    /// The documented HTTP status.
    pub(crate) fn status(self) -> StatusCode {
        self.row().0
    }

    /// The documented message.
    pub(crate) fn message(self) -> &'static str {
        self.row().2
    }

    /// The documented code with this name (compared case-insensitively), if the emulator knows it.
    pub(crate) fn find(code: &str) -> Option<Self> {
        ALL.into_iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(code))
    }

    /// The row of the error code table: status, code, message.
    fn row(self) -> (StatusCode, &'static str, &'static str) {
        const BAD: StatusCode = StatusCode::BAD_REQUEST;
        match self {
            Self::SystemError => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "EndPoint.0001",
                "System error. Please retry.",
            ),
            Self::ParameterError => (BAD, "EndPoint.0002", "Parameter error."),
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "EndPoint.0003",
                "Authentication failed or authentication information is invalid.",
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "EndPoint.0005",
                "The requested resource does not exist.",
            ),
            Self::InvalidLimit => (BAD, "EndPoint.0006", "Invalid limit."),
            Self::InvalidOffset => (BAD, "EndPoint.0010", "Invalid offset."),
            Self::InvalidProjectId => (BAD, "EndPoint.0014", "Invalid project ID."),
            Self::InvalidSortKey => (BAD, "EndPoint.0017", "Invalid sort_key."),
            Self::InvalidSortDir => (BAD, "EndPoint.0018", "Invalid sort_dir."),
            Self::InvalidStatus => (BAD, "EndPoint.0019", "Invalid status."),
            Self::InvalidVpcId => (BAD, "EndPoint.0020", "Invalid VPC ID."),
            Self::RateLimited => (
                BAD,
                "EndPoint.0022",
                "The number of requests exceeded the limit. Please try later.",
            ),
            Self::QuotaExceeded => (BAD, "Endpoint.1018", "Quota exceeded."),
            Self::VpcIdEmpty => (BAD, "EndPoint.2011", "The input parameter VPC ID is empty."),
            Self::InUse => (BAD, "EndPoint.3006", "The endpoint service is being used."),
            Self::InvalidServerType => (BAD, "EndPoint.3021", "Invalid serverType."),
            Self::PortOrProtocolEmpty => (
                BAD,
                "EndPoint.2028",
                "The endpoint service port or protocol is empty.",
            ),
            Self::InvalidServicePort => (BAD, "EndPoint.3043", "The service port is invalid."),
            Self::PortsConflict => (
                BAD,
                "EndPoint.3044",
                "The parameter ports conflicted with ports in an existing endpoint service.",
            ),
            Self::WrongState => (
                BAD,
                "EndPoint.3045",
                "Other properties cannot be modified in the current endpoint service state.",
            ),
            Self::InvalidVipPortId => (
                BAD,
                "EndPoint.3051",
                "Endpoint service vip port id is invalid.",
            ),
            Self::InvalidServiceId => (BAD, "EndPoint.3062", "Invalid endpoint service ID."),
            Self::InvalidPortId => (BAD, "EndPoint.3063", "Invalid port ID."),
            Self::TooManyPorts => (
                BAD,
                "EndPoint.3074",
                "The maximum of ports has been reached.",
            ),
            Self::InvalidProtocol => (BAD, "EndPoint.3075", "The protocol is invalid."),
            Self::InvalidServiceName => (BAD, "EndPoint.3076", "Invalid service name."),
            Self::TagEmpty => (BAD, "EndPoint.3066", "The tag cannot be empty."),
            Self::TagKeyDuplicated => (BAD, "EndPoint.3067", "The tag key cannot be duplicated."),
            Self::TagInvalid => (
                BAD,
                "EndPoint.3068",
                "Tag keys and values should meet relevant requirements.",
            ),
            Self::TooManyTags => (
                BAD,
                "EndPoint.3069",
                "The maximum number of tags has been reached.",
            ),
            Self::TagKeySize => (BAD, "EndPoint.3072", "The tag key size is invalid."),
            Self::TagValueSize => (BAD, "EndPoint.3073", "The tag value size is invalid."),
            Self::BatchTooLarge => (
                BAD,
                "EndPoint.0016",
                "The number of batch operated resources exceeded the limit.",
            ),
            Self::InvalidMarkerId => (BAD, "EndPoint.0021", "Invalid marker_id."),
            Self::InvalidSubnetId => (BAD, "EndPoint.0023", "Invalid subnet_id."),
            Self::InvalidRouteTable => (BAD, "EndPoint.1019", "Invalid route table ID."),
            Self::ServiceMissing => (BAD, "EndPoint.2003", "The endpoint service does not exist."),
            Self::ServiceUnavailable => {
                (BAD, "EndPoint.2004", "The endpoint service is unavailable.")
            }
            Self::SubnetIdEmpty => (
                BAD,
                "EndPoint.2010",
                "The input parameter subnet ID is empty.",
            ),
            Self::NoPermission => (
                BAD,
                "EndPoint.2012",
                "You have no permission to connect to the VPC endpoint service.",
            ),
            Self::NotOfService => (
                BAD,
                "EndPoint.2013",
                "The endpoint does not belong to the endpoint service.",
            ),
            Self::AlreadyConnected => (
                BAD,
                "EndPoint.2014",
                "The endpoint has been connected to the endpoint service.",
            ),
            Self::InvalidEndpointId => (BAD, "EndPoint.2017", "Invalid endpoint ID."),
            Self::EndpointDeleting => (BAD, "EndPoint.2018", "The endpoint is being deleted."),
            Self::EndpointCreating => (BAD, "EndPoint.2019", "The endpoint is being created."),
            Self::InvalidConnectionAction => (BAD, "EndPoint.2027", "Invalid action."),
            Self::ServiceIdEmpty => (
                BAD,
                "EndPoint.2029",
                "The requested endpoint service ID is empty.",
            ),
            Self::OnlyOneEndpoint => (BAD, "EndPoint.2031", "Only one endpoint is allowed."),
            Self::InvalidEnableDns => (
                BAD,
                "EndPoint.2033",
                "The entered parameter enable_dns is invalid.",
            ),
            Self::InvalidPortIp => (BAD, "EndPoint.2041", "Invalid Port IP address."),
            Self::InvalidEndpointWhitelist => (BAD, "EndPoint.2044", "Invalid whitelist."),
            Self::EndpointWhitelistFull => (
                BAD,
                "EndPoint.2045",
                "The maximum number of whitelist records has been reached.",
            ),
            Self::InvalidPolicy => (BAD, "EndPoint.2048", "The VPC endpoint policy is invalid."),
            Self::InvalidPermission => (BAD, "EndPoint.3002", "Invalid permission."),
            Self::InvalidAction => (BAD, "EndPoint.3035", "Invalid action."),
            Self::PermissionsEmpty => (BAD, "EndPoint.3036", "Invalid permissions."),
            Self::WhitelistFull => (
                BAD,
                "EndPoint.3049",
                "The maximum number of whitelist records has been reached.",
            ),
        }
    }
}

/// An error answer: HTTP status, error code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
    /// The methods the path allows, for a 405 answer.
    pub(crate) allow: Option<String>,
    /// The request id in the body, as the API gateway writes it (the header carries it always).
    pub(crate) request_id: Option<String>,
}

impl Failure {
    /// The documented answer of `code`, its message followed by what exactly is wrong.
    pub(crate) fn new(code: Code, detail: impl AsRef<str>) -> Self {
        let detail = detail.as_ref();
        let message = if detail.is_empty() {
            code.message().to_owned()
        } else {
            format!("{} ({detail})", code.message())
        };
        Self {
            status: code.status(),
            code: code.as_str().to_owned(),
            message,
            allow: None,
            request_id: None,
        }
    }

    /// The documented answer of `code` with another HTTP status, for refusals the error code
    /// table has no status of its own for (405, 408, 413, 431).
    pub(crate) fn with_status(code: Code, status: StatusCode, detail: impl AsRef<str>) -> Self {
        Self {
            status,
            ..Self::new(code, detail)
        }
    }

    /// The API gateway's answer to a signature that leaves out a header it requires: 401
    /// `APIG.0303`, with the request id in the body as the gateway writes it.
    pub(crate) fn gateway(detail: &str, request_id: Option<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "APIG.0303".to_owned(),
            message: format!("Incorrect app authentication information: {detail}"),
            allow: None,
            request_id,
        }
    }

    /// The answer for a service that the project does not have: 404 `EndPoint.0005`.
    pub(crate) fn not_found(project_id: &str, id: uuid::Uuid) -> Self {
        Self::new(
            Code::NotFound,
            format!("no VPC endpoint service {id} in project {project_id}"),
        )
    }

    /// An answer with any status and code, for faults injected by a test.
    pub(crate) fn custom(status: StatusCode, code: &str, message: &str) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.to_owned(),
            allow: None,
            request_id: None,
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ErrorResponse {
            error_code: self.code,
            error_msg: self.message,
            request_id: self.request_id,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(allow) = self.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_case_insensitively_and_keep_their_documented_status() {
        assert_eq!(Code::find("endpoint.3044"), Some(Code::PortsConflict));
        assert_eq!(Code::find("EndPoint.9999"), None);
        assert_eq!(Code::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(Code::Unauthenticated.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            Code::SystemError.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        for code in ALL {
            // One code is spelled `Endpoint.` in the error code table, and kept so.
            let prefix = if code == Code::QuotaExceeded {
                "Endpoint."
            } else {
                "EndPoint."
            };
            assert!(code.as_str().starts_with(prefix), "{code:?}");
        }
        let mut names: Vec<_> = ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len(), "a code is listed twice");
    }

    #[test]
    fn a_failure_names_the_detail_after_the_documented_message() {
        let failure = Failure::new(Code::InvalidProtocol, "ports[1].protocol: \"SCTP\"");
        assert_eq!(failure.code, "EndPoint.3075");
        assert_eq!(
            failure.message,
            "The protocol is invalid. (ports[1].protocol: \"SCTP\")"
        );
    }
}
