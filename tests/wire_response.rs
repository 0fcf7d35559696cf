//! The answer on the wire: the documented example decodes and re-encodes without loss, and
//! answers from a newer service still decode.

use crate::support::documented_response;
use otc_vpcep::{
    OpenEnum,
    types::{EndpointService, Protocol, ServerType, ServiceStatus, ServiceType, TcpProxy},
};
use serde_json::json;

#[test]
fn documented_example_decodes() {
    let service: EndpointService = serde_json::from_value(documented_response()).unwrap();
    assert_eq!(
        service.status,
        Some(OpenEnum::Known(ServiceStatus::Available))
    );
    assert_eq!(service.server_type, Some(OpenEnum::Known(ServerType::Vm)));
    assert_eq!(
        service.service_type,
        Some(OpenEnum::Known(ServiceType::Interface))
    );
    assert_eq!(service.approval_enabled, Some(false));
    assert_eq!(
        service.created_at.as_deref(),
        Some("2018-01-30T07:42:01.174")
    );
    assert_eq!(service.ports.len(), 2);
    assert_eq!(
        service.ports[1].protocol,
        Some(OpenEnum::Known(Protocol::Tcp))
    );
    insta::assert_debug_snapshot!(service);
}

#[test]
fn re_encoding_loses_no_documented_field() {
    let service: EndpointService = serde_json::from_value(documented_response()).unwrap();
    assert_eq!(
        serde_json::to_value(&service).unwrap(),
        documented_response()
    );
}

#[test]
fn newer_answers_decode() {
    let answer = json!({
        "id": "4189d3c2-8882-4871-a3c2-d380272eed83",
        "service_name": "eu-de.billing-backend.4189d3c2-8882-4871-a3c2-d380272eed83",
        "status": "frozen",
        "server_type": "BAREMETAL",
        "service_type": "interface",
        "cidr_type": "hybrid",
        "tcp_proxy": "proxy_vni",
        "created_at": "2018-01-30T07:42:01Z",
        "updated_at": "2024-06-01T10:00:00.5",
        "ports": [{"client_port": 53, "server_port": 53, "protocol": "SCTP", "ttl": 9}],
        "tags": [{"key": "team", "value": "billing"}],
        "enable_policy": true,
        "connection_count": 7,
        "error": [{"error_code": "x", "error_message": "y"}]
    });
    let service: EndpointService = serde_json::from_value(answer).unwrap();
    assert_eq!(service.status, Some(OpenEnum::Unknown("frozen".into())));
    assert_eq!(
        service.server_type,
        Some(OpenEnum::Unknown("BAREMETAL".into()))
    );
    assert_eq!(service.cidr_type, Some(OpenEnum::Unknown("hybrid".into())));
    assert_eq!(service.tcp_proxy, Some(OpenEnum::Known(TcpProxy::ProxyVni)));
    assert_eq!(
        service.ports[0].protocol,
        Some(OpenEnum::Unknown("SCTP".into()))
    );
    assert_eq!(service.ports[0].client_port, Some(53));
    assert_eq!(service.tags[0].key.as_deref(), Some("team"));
    insta::assert_debug_snapshot!(service);
}

#[test]
fn an_answer_without_an_id_does_not_decode() {
    let refused = serde_json::from_value::<EndpointService>(json!({"unexpected": true}));
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("missing field `id`")
    );
    let service: EndpointService = serde_json::from_value(json!({"id": "x"})).unwrap();
    assert_eq!(service.id, "x");
    assert_eq!(service.status, None);
}

/// The query's documented example `name` (`available`, `failed`), as embedded in the spec.
fn query_example(name: &str) -> serde_json::Value {
    crate::support::operation_of("get")["responses"]["200"]["content"]["application/json"]["examples"]
        [name]["value"]
        .clone()
}

#[test]
fn an_available_service_decodes() {
    let service: EndpointService = serde_json::from_value(query_example("available")).unwrap();
    assert_eq!(
        service.status,
        Some(OpenEnum::Known(ServiceStatus::Available))
    );
    assert_eq!(service.connection_count, Some(0));
    assert_eq!(
        service.domain_id.as_deref(),
        Some("6e9dfd51d1124e8d8498dce894923a0d")
    );
    assert!(service.error.is_empty());
    assert_eq!(
        serde_json::to_value(&service).unwrap(),
        query_example("available")
    );
    insta::assert_debug_snapshot!(service);
}

/// A failed service carries its reasons, in either spelling.
#[test]
fn a_failed_service_decodes_with_its_errors_in_both_spellings() {
    let documented: EndpointService = serde_json::from_value(query_example("failed")).unwrap();
    assert_eq!(
        documented.status,
        Some(OpenEnum::Known(ServiceStatus::Failed))
    );
    assert_eq!(
        documented.error[0].error_code.as_deref(),
        Some("EndPoint.3008")
    );
    let mut huawei = query_example("failed");
    huawei["error"] = json!([{"code": "EndPoint.3008", "message": "The port does not exist."}]);
    let huawei: EndpointService = serde_json::from_value(huawei).unwrap();
    assert_eq!(huawei.error[0].code.as_deref(), Some("EndPoint.3008"));
    assert_eq!(
        huawei.error[0].message.as_deref(),
        Some("The port does not exist.")
    );
    insta::assert_debug_snapshot!((documented, huawei));
}
