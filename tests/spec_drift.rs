//! No drift between the spec and the Rust types, and between the spec and the reference page.
//!
//! - The JSON Schemas that schemars derives from the generated request and response types have
//!   the spec's properties, types, formats, required lists and enumerations.
//! - typify's constrained newtypes (`ServiceName`, `ServiceDescription`, `ProjectId`) enforce
//!   their length and pattern but derive only `type: string`, and list bounds live in the
//!   ergonomic checks: so every constraint in the spec is exercised at its bounds, read from
//!   the spec itself, through the generated types and the ergonomic API. A constraint with no
//!   such check fails the test.
//! - The examples embedded in the spec equal the examples of the API reference page.

use std::{collections::BTreeMap, sync::LazyLock};

use crate::support::SERVICE_ID;
use otc_vpcep::{
    Client, CreateEndpointService, Credentials, Error, MAX_PORT_MAPPINGS, OpenEnum, RetryPolicy,
    types,
};
use schemars::{JsonSchema, r#gen::SchemaSettings};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value, json};

const COMPONENTS: &str = "#/components/schemas/";

/// Keywords that restrict the values of a type beyond its shape.
const CONSTRAINTS: [&str; 8] = [
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "enum",
];

/// Constraints found while walking a schema: `(path, keyword)` to value.
type Found = BTreeMap<(String, String), Value>;

/// What `schema` says about the values it accepts, with `$ref`s resolved in `defs` and prose,
/// nullability and defaults left out. Length, pattern, bound and list-size constraints go to
/// `found` (by path) instead of the shape, since typify enforces them without deriving them.
fn shape(schema: &Value, defs: &Map<String, Value>, path: &str, found: &mut Found) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix(COMPONENTS)
            .expect("a component $ref");
        let target = defs
            .get(name)
            .unwrap_or_else(|| panic!("{reference} is not defined"));
        return shape(target, defs, path, found);
    }
    if let Some([single]) = object
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return shape(single, defs, path, found);
    }
    let mut result = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "description" | "title" | "nullable" | "default" | "example" | "examples"
            | "deprecated" => {}
            "enum" | "required" => {
                let mut names: Vec<String> = value
                    .as_array()
                    .expect("a list")
                    .iter()
                    .map(|v| v.as_str().expect("a string").to_owned())
                    .collect();
                names.sort();
                result.insert(key.clone(), json!(names));
            }
            k if CONSTRAINTS.contains(&k) => {
                let value = value.as_f64().map_or_else(|| value.clone(), |n| json!(n));
                found.insert((path.to_owned(), key.clone()), value);
            }
            "properties" => {
                let properties = value.as_object().expect("properties");
                let shaped = properties
                    .iter()
                    .map(|(name, p)| {
                        (
                            name.clone(),
                            shape(p, defs, &format!("{path}.{name}"), found),
                        )
                    })
                    .collect();
                result.insert(key.clone(), Value::Object(shaped));
            }
            "items" => {
                result.insert(key.clone(), shape(value, defs, &format!("{path}[]"), found));
            }
            "anyOf" | "oneOf" => {
                let alternatives = value.as_array().expect("a list");
                let shaped = alternatives
                    .iter()
                    .map(|a| shape(a, defs, path, found))
                    .collect();
                result.insert(key.clone(), Value::Array(shaped));
            }
            _ => {
                result.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(result)
}

/// Every place where `expected` (the spec) and `actual` (the Rust type) differ, one per line.
fn differences(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                match a.get(key) {
                    Some(other) => differences(value, other, &format!("{path}/{key}"), out),
                    None => out.push(format!("{path}/{key}: in the spec, not in the Rust type")),
                }
            }
            for key in a.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("{path}/{key}: in the Rust type, not in the spec"));
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                differences(e, a, &format!("{path}/{i}"), out);
            }
        }
        _ if expected != actual => out.push(format!("{path}: spec {expected}, Rust {actual}")),
        _ => {}
    }
}

/// The component name that `schema` (a `$ref`) points to.
fn referenced(schema: &Value) -> &str {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix(COMPONENTS))
        .expect("a component $ref")
}

#[test]
fn derived_schemas_of_the_rust_types_match_the_spec() {
    let spec = crate::support::spec();
    let spec_defs = spec["components"]["schemas"].as_object().expect("schemas");
    // Every operation's request and success schemas, and its error answers, are compared here.
    let mut compared = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let body = operation
                .pointer("/requestBody/content/application~1json/schema")
                .map(referenced);
            let answers: Vec<&str> = operation["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .filter_map(|(_, r)| r.pointer("/content/application~1json/schema"))
                .map(referenced)
                .collect();
            compared.push((id, body, answers));
            for status in ["4XX", "5XX"] {
                assert_eq!(
                    operation["responses"][status]["$ref"], "#/components/responses/Error",
                    "{id} {status}"
                );
            }
        }
    }
    compared.sort();
    assert_eq!(
        compared,
        [
            (
                "acceptOrRejectConnections",
                Some("ConnectionActionRequest"),
                vec!["ConnectionList"]
            ),
            (
                "addOrRemovePermissions",
                Some("PermissionActionRequest"),
                vec!["PermissionActionResult"]
            ),
            (
                "createEndpoint",
                Some("CreateEndpointRequest"),
                vec!["VpcEndpoint"]
            ),
            (
                "createEndpointService",
                Some("CreateEndpointServiceRequest"),
                vec!["EndpointService"]
            ),
            ("deleteEndpoint", None, vec![]),
            ("deleteEndpointService", None, vec![]),
            ("getEndpoint", None, vec!["VpcEndpoint"]),
            ("getEndpointService", None, vec!["EndpointService"]),
            ("listConnections", None, vec!["ConnectionList"]),
            ("listEndpointServices", None, vec!["EndpointServiceList"]),
            ("listEndpoints", None, vec!["VpcEndpointList"]),
            ("listPermissions", None, vec!["PermissionList"]),
            ("listQuotas", None, vec!["QuotaList"]),
            (
                "modifyEndpointService",
                Some("ModifyEndpointServiceRequest"),
                vec!["EndpointService"]
            ),
        ],
        "the operations' schemas are not the Rust types compared here"
    );
    assert_eq!(
        referenced(
            &spec["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
        ),
        "ErrorResponse"
    );

    let mut generator = SchemaSettings::openapi3().into_generator();
    let component = |name: &str| json!({ "$ref": format!("{COMPONENTS}{name}") });
    let parameter = |name: &str| spec["components"]["parameters"][name]["schema"].clone();
    let query = |path: &str, name: &str| {
        let parameters = spec["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        parameters
            .iter()
            .find(|p| p["name"] == name && p["in"] == "query")
            .unwrap_or_else(|| panic!("{path}: no query parameter {name}"))["schema"]
            .clone()
    };
    let (list, quotas) = (
        otc_vpcep::spec::LIST_ENDPOINT_SERVICES.path,
        otc_vpcep::spec::LIST_QUOTAS.path,
    );
    let (connections, permissions, endpoints) = (
        otc_vpcep::spec::LIST_CONNECTIONS.path,
        otc_vpcep::spec::LIST_PERMISSIONS.path,
        otc_vpcep::spec::LIST_ENDPOINTS.path,
    );
    // (what, its schema in the spec, the schema of the Rust type that carries it)
    let roots = [
        (
            "ModifyEndpointServiceRequest",
            component("ModifyEndpointServiceRequest"),
            generator.subschema_for::<types::ModifyEndpointServiceRequest>(),
        ),
        (
            "EndpointService",
            component("EndpointService"),
            generator.subschema_for::<types::EndpointService>(),
        ),
        (
            "ErrorResponse",
            component("ErrorResponse"),
            generator.subschema_for::<types::ErrorResponse>(),
        ),
        (
            "CreateEndpointServiceRequest",
            component("CreateEndpointServiceRequest"),
            generator.subschema_for::<types::CreateEndpointServiceRequest>(),
        ),
        (
            "EndpointServiceList",
            component("EndpointServiceList"),
            generator.subschema_for::<types::EndpointServiceList>(),
        ),
        (
            "QuotaList",
            component("QuotaList"),
            generator.subschema_for::<types::QuotaList>(),
        ),
        (
            "ConnectionList",
            component("ConnectionList"),
            generator.subschema_for::<types::ConnectionList>(),
        ),
        (
            "ConnectionActionRequest",
            component("ConnectionActionRequest"),
            generator.subschema_for::<types::ConnectionActionRequest>(),
        ),
        (
            "PermissionList",
            component("PermissionList"),
            generator.subschema_for::<types::PermissionList>(),
        ),
        (
            "PermissionActionRequest",
            component("PermissionActionRequest"),
            generator.subschema_for::<types::PermissionActionRequest>(),
        ),
        (
            "PermissionActionResult",
            component("PermissionActionResult"),
            generator.subschema_for::<types::PermissionActionResult>(),
        ),
        (
            "CreateEndpointRequest",
            component("CreateEndpointRequest"),
            generator.subschema_for::<types::CreateEndpointRequest>(),
        ),
        (
            "VpcEndpoint",
            component("VpcEndpoint"),
            generator.subschema_for::<types::VpcEndpoint>(),
        ),
        (
            "VpcEndpointList",
            component("VpcEndpointList"),
            generator.subschema_for::<types::VpcEndpointList>(),
        ),
        (
            "parameter vpc_endpoint_id",
            parameter("VpcEndpointId"),
            generator.subschema_for::<uuid::Uuid>(),
        ),
        // The path parameters, as the raw client's builder takes them.
        (
            "parameter project_id",
            parameter("ProjectId"),
            generator.subschema_for::<types::ProjectId>(),
        ),
        (
            "parameter vpc_endpoint_service_id",
            parameter("VpcEndpointServiceId"),
            generator.subschema_for::<uuid::Uuid>(),
        ),
        // The query parameters, as the raw client's builders take them.
        (
            "parameter endpoint_service_name",
            query(list, "endpoint_service_name"),
            generator.subschema_for::<types::ListEndpointServicesEndpointServiceName>(),
        ),
        (
            "parameter id",
            query(list, "id"),
            generator.subschema_for::<uuid::Uuid>(),
        ),
        (
            "parameter status",
            query(list, "status"),
            generator.subschema_for::<types::ServiceStatus>(),
        ),
        (
            "parameter sort_key",
            query(list, "sort_key"),
            generator.subschema_for::<types::ServiceSortKey>(),
        ),
        (
            "parameter sort_dir",
            query(list, "sort_dir"),
            generator.subschema_for::<types::SortDirection>(),
        ),
        (
            "parameter limit",
            query(list, "limit"),
            generator.subschema_for::<i32>(),
        ),
        (
            "parameter offset",
            query(list, "offset"),
            generator.subschema_for::<i32>(),
        ),
        (
            "parameter type",
            query(quotas, "type"),
            generator.subschema_for::<types::QuotaResourceType>(),
        ),
        (
            "connections parameter id",
            query(connections, "id"),
            generator.subschema_for::<uuid::Uuid>(),
        ),
        (
            "connections parameter marker_id",
            query(connections, "marker_id"),
            generator.subschema_for::<i64>(),
        ),
        (
            "connections parameter status",
            query(connections, "status"),
            generator.subschema_for::<types::ConnectionStatusFilter>(),
        ),
        (
            "connections parameter sort_key",
            query(connections, "sort_key"),
            generator.subschema_for::<types::ServiceSortKey>(),
        ),
        (
            "connections parameter sort_dir",
            query(connections, "sort_dir"),
            generator.subschema_for::<types::SortDirection>(),
        ),
        (
            "connections parameter limit",
            query(connections, "limit"),
            generator.subschema_for::<i32>(),
        ),
        (
            "connections parameter offset",
            query(connections, "offset"),
            generator.subschema_for::<i32>(),
        ),
        (
            "permissions parameter permission",
            query(permissions, "permission"),
            generator.subschema_for::<String>(),
        ),
        (
            "permissions parameter sort_key",
            query(permissions, "sort_key"),
            generator.subschema_for::<types::PermissionSortKey>(),
        ),
        (
            "permissions parameter sort_dir",
            query(permissions, "sort_dir"),
            generator.subschema_for::<types::SortDirection>(),
        ),
        (
            "permissions parameter limit",
            query(permissions, "limit"),
            generator.subschema_for::<i32>(),
        ),
        (
            "permissions parameter offset",
            query(permissions, "offset"),
            generator.subschema_for::<i32>(),
        ),
        (
            "endpoints parameter endpoint_service_name",
            query(endpoints, "endpoint_service_name"),
            generator.subschema_for::<types::ListEndpointsEndpointServiceName>(),
        ),
        (
            "endpoints parameter vpc_id",
            query(endpoints, "vpc_id"),
            generator.subschema_for::<uuid::Uuid>(),
        ),
        (
            "endpoints parameter id",
            query(endpoints, "id"),
            generator.subschema_for::<uuid::Uuid>(),
        ),
        (
            "endpoints parameter sort_key",
            query(endpoints, "sort_key"),
            generator.subschema_for::<types::ServiceSortKey>(),
        ),
        (
            "endpoints parameter sort_dir",
            query(endpoints, "sort_dir"),
            generator.subschema_for::<types::SortDirection>(),
        ),
        (
            "endpoints parameter limit",
            query(endpoints, "limit"),
            generator.subschema_for::<i32>(),
        ),
        (
            "endpoints parameter offset",
            query(endpoints, "offset"),
            generator.subschema_for::<i32>(),
        ),
    ];
    let derived_defs = match serde_json::to_value(generator.definitions()).expect("JSON") {
        Value::Object(defs) => defs,
        other => panic!("definitions are not an object: {other}"),
    };

    let mut problems = Vec::new();
    for (name, in_the_spec, derived) in roots {
        let (mut in_spec, mut in_rust) = (Found::new(), Found::new());
        let expected = shape(&in_the_spec, spec_defs, name, &mut in_spec);
        let actual = shape(
            &serde_json::to_value(derived).expect("JSON"),
            &derived_defs,
            name,
            &mut in_rust,
        );
        differences(&expected, &actual, name, &mut problems);
        // What the Rust type states of its constraints, the spec states the same.
        for ((path, keyword), value) in in_rust {
            match in_spec.get(&(path.clone(), keyword.clone())) {
                Some(spec_value) if *spec_value == value => {}
                other => problems.push(format!("{path} {keyword}: spec {other:?}, Rust {value}")),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the Rust types drifted from the spec:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_comparison_sees_a_field_added_to_one_side() {
    let spec = crate::support::spec();
    let spec_defs = spec["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .clone();
    let mut grown = spec_defs.clone();
    grown["PortMapping"]["properties"]["weight"] = json!({ "type": "integer" });
    let root = json!({ "$ref": format!("{COMPONENTS}ModifyEndpointServiceRequest") });
    let mut found = Found::new();
    let before = shape(&root, &spec_defs, "R", &mut found);
    let after = shape(&root, &grown, "R", &mut found);
    let mut problems = Vec::new();
    differences(&before, &after, "R", &mut problems);
    assert_eq!(
        problems,
        ["R/properties/ports/items/properties/weight: in the Rust type, not in the spec"]
    );
}

// ---- every constraint in the spec, exercised at its bounds ----

/// One client for every probe (making one per probe costs seconds). Nothing listens at its
/// endpoint: a request that passes the checks of `send` fails at once with a connection
/// refused, which it does not retry.
fn offline_client() -> &'static Client {
    static CLIENT: LazyLock<Client> = LazyLock::new(|| {
        crate::support::builder_as("http://127.0.0.1:9", Credentials::token("test-token"))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("a valid configuration")
    });
    &CLIENT
}

/// Whether the checks accept a request, given what they answered; a refusal must name `field`
/// and only `field`.
fn accepted<T>(checked: Result<T, Error>, field: &str) -> bool {
    match checked {
        Ok(_) => true,
        Err(Error::InvalidRequest(violations)) => {
            assert!(
                violations.iter().all(|v| v.field.starts_with(field)),
                "a refusal that should name {field}: {violations}"
            );
            false
        }
        Err(other) => panic!("not a validation error: {other}"),
    }
}

/// Whether `build_body` accepts a change; a refusal must name `field` and only `field`.
fn body_accepted(change: otc_vpcep::ModifyEndpointService<'_>, field: &str) -> bool {
    accepted(change.build_body(), field)
}

/// Whether `build_body` accepts a create; a refusal must name `field` and only `field`.
fn create_accepted(create: CreateEndpointService<'_>, field: &str) -> bool {
    accepted(create.build_body(), field)
}

/// A create that the checks accept: every required field, one port mapping.
fn create() -> CreateEndpointService<'static> {
    offline_client()
        .create_endpoint_service()
        .port_id("4189d3c2-8882-4871-a3c2-d380272eed88")
        .vpc_id("4189d3c2-8882-4871-a3c2-d380272eed80")
        .server_type(types::ServerType::Vm)
        .port(8080, 80, types::Protocol::Tcp)
}

/// The runtime that the probes of `send` run on.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    });
    &RUNTIME
}

/// Whether the checks that `send` makes before any I/O let a call through. A refusal is
/// `InvalidRequest` and must name `field` and only `field`; a call let through is sent to the
/// offline client's endpoint, where nothing listens, and fails with a connection refused.
/// Anything else (an `InvalidRequest` of the raw client's own conversions, say) fails.
fn sent<T: std::fmt::Debug>(field: &str, call: impl Future<Output = Result<T, Error>>) -> bool {
    match runtime().block_on(call) {
        Err(Error::InvalidRequest(violations)) => {
            assert!(
                violations.iter().all(|v| v.field.starts_with(field)),
                "a refusal that should name {field}: {violations}"
            );
            false
        }
        Err(Error::Transport(e)) if e.is_connect() => true,
        other => panic!("{field}: neither refused by the checks nor sent: {other:?}"),
    }
}

/// Whether the generated type and the ergonomic API accept `value`; they must agree.
fn both_accept(at: &str, typed: bool, ergonomic: bool, value: &str) -> bool {
    assert_eq!(
        typed, ergonomic,
        "{at}: the generated type and the ergonomic API disagree on {value:?}"
    );
    typed
}

fn project_id_accepted(value: &str) -> bool {
    let typed = types::ProjectId::try_from(value).is_ok();
    // Without an endpoint the build fails before it makes an HTTP client, and reports every
    // problem: whether `project_id` is among them is the verdict.
    let ergonomic = match Client::builder().project_id(value).build() {
        Err(Error::InvalidConfig(violations)) => {
            let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
            assert!(
                fields
                    .iter()
                    .all(|f| ["endpoint", "project_id"].contains(f)),
                "{violations}"
            );
            !fields.contains(&"project_id")
        }
        other => panic!("a client without an endpoint: {other:?}"),
    };
    both_accept("ProjectId", typed, ergonomic, value)
}

/// Whether the name is accepted: by the generated type, and by both requests that carry it.
fn service_name_accepted(value: &str) -> bool {
    let client = offline_client();
    let change = client
        .modify_endpoint_service(SERVICE_ID)
        .service_name(value);
    let typed = types::ServiceName::try_from(value).is_ok();
    both_accept(
        "ServiceName (create)",
        typed,
        create_accepted(create().service_name(value), "service_name"),
        value,
    );
    both_accept(
        "ServiceName",
        typed,
        body_accepted(change, "service_name"),
        value,
    )
}

/// Whether the description is accepted: by the generated type, and by both requests.
fn description_accepted(value: &str) -> bool {
    let client = offline_client();
    let change = client
        .modify_endpoint_service(SERVICE_ID)
        .description(value);
    let typed = types::ServiceDescription::try_from(value).is_ok();
    both_accept(
        "ServiceDescription (create)",
        typed,
        create_accepted(create().description(value), "description"),
        value,
    );
    both_accept(
        "ServiceDescription",
        typed,
        body_accepted(change, "description"),
        value,
    )
}

fn pool_id_accepted(value: &str) -> bool {
    let typed = types::CreateEndpointServiceRequestPoolId::try_from(value).is_ok();
    both_accept(
        "pool_id",
        typed,
        create_accepted(create().pool_id(value), "pool_id"),
        value,
    )
}

/// Whether a tag is accepted: by the generated type (the tag made from `tag`), and by the
/// create request, from JSON (where any string fits) and, when the type holds it, from the
/// typed tag (the setter takes only those).
fn tag_accepted(at: &str, field: &str, tag: Value, value: &str) -> bool {
    let typed = serde_json::from_value::<types::TagInput>(tag.clone());
    let from_json = create_accepted(
        create().json_body(&json!({ "tags": [tag] })),
        &format!("tags[0].{field}"),
    );
    if let Ok(tag) = &typed {
        assert!(
            create_accepted(create().tags([tag.clone()]), "tags"),
            "{at}: the typed tag {tag:?} refused"
        );
    }
    both_accept(at, typed.is_ok(), from_json, value)
}

fn tag_key_accepted(value: &str) -> bool {
    let typed = types::TagInputKey::try_from(value).is_ok();
    let tag = json!({ "key": value });
    both_accept(
        "TagInputKey",
        typed,
        tag_accepted("TagInput.key", "key", tag, value),
        value,
    )
}

fn tag_value_accepted(value: &str) -> bool {
    let typed = types::TagInputValue::try_from(value).is_ok();
    let tag = json!({ "key": "k", "value": value });
    both_accept(
        "TagInputValue",
        typed,
        tag_accepted("TagInput.value", "value", tag, value),
        value,
    )
}

/// Whether the list's name filter is accepted: by the generated type of the raw client's
/// parameter, and by the checks of `send`.
fn name_filter_accepted(value: &str) -> bool {
    let typed = types::ListEndpointServicesEndpointServiceName::try_from(value).is_ok();
    let call = offline_client()
        .list_endpoint_services()
        .endpoint_service_name(value)
        .send();
    both_accept(
        "endpoint_service_name",
        typed,
        sent("endpoint_service_name", call),
        value,
    )
}

/// Strings that probe a pattern: every printable ASCII character alone, and a few more.
fn pattern_probes() -> Vec<String> {
    let mut probes: Vec<String> = (' '..='~').map(String::from).collect();
    for extra in [
        "", "é", "日本", "a b", "a\tb", "a\nb", "<b>", "a-b_c", "Zz09", "\u{0}", "😀",
    ] {
        probes.push(extra.to_owned());
    }
    probes
}

fn count(schema: &Value, keyword: &str) -> Option<usize> {
    schema.get(keyword).map(|v| {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .expect("a count")
    })
}

/// Checks the length and pattern constraints of the string schema `schema` at their bounds
/// against `accepts`, and returns the keywords it checked.
fn check_string(at: &str, schema: &Value, accepts: &dyn Fn(&str) -> bool) -> Vec<&'static str> {
    let (min, max) = (count(schema, "minLength"), count(schema, "maxLength"));
    let pattern = schema["pattern"]
        .as_str()
        .map(|p| regress::Regex::new(p).expect("an ECMA-262 pattern"));
    let by_spec = |s: &str| {
        let n = s.chars().count();
        min.is_none_or(|m| n >= m)
            && max.is_none_or(|m| n <= m)
            && pattern.as_ref().is_none_or(|re| re.find(s).is_some())
    };
    // Characters the spec allows (lengths are counted in characters, so try a multi-byte one).
    let fillers: Vec<char> = ['a', 'é']
        .into_iter()
        .filter(|c| by_spec(&c.to_string()))
        .collect();
    assert!(
        fillers.contains(&'a'),
        "{at}: the pattern refuses 'a'; pick another filler"
    );
    let mut checked = Vec::new();
    for filler in fillers {
        let text = |n: usize| filler.to_string().repeat(n);
        if let Some(min) = min {
            assert!(
                accepts(&text(min)),
                "{at}: {min} × {filler:?} (minLength) refused"
            );
            if min > 0 {
                assert!(
                    !accepts(&text(min - 1)),
                    "{at}: {} × {filler:?} accepted",
                    min - 1
                );
            }
            checked.push("minLength");
        }
        if let Some(max) = max {
            assert!(
                accepts(&text(max)),
                "{at}: {max} × {filler:?} (maxLength) refused"
            );
            assert!(
                !accepts(&text(max + 1)),
                "{at}: {} × {filler:?} accepted",
                max + 1
            );
            checked.push("maxLength");
        }
    }
    if pattern.is_some() {
        let probes = pattern_probes();
        let verdicts: Vec<bool> = probes.iter().map(|p| by_spec(p)).collect();
        assert!(
            verdicts.contains(&true) && verdicts.contains(&false),
            "{at}: weak probes"
        );
        for (probe, spec_says) in probes.iter().zip(verdicts) {
            assert_eq!(
                accepts(probe),
                spec_says,
                "{at}: {probe:?}: the spec says {spec_says}"
            );
        }
        checked.push("pattern");
    }
    checked
}

/// Checks `minItems`/`maxItems` of the list schema `schema` at their bounds against `accepts`
/// (given a number of distinct entries), and returns the keywords it checked.
fn check_items(at: &str, schema: &Value, accepts: &dyn Fn(usize) -> bool) -> Vec<&'static str> {
    let mut checked = Vec::new();
    if let Some(min) = count(schema, "minItems") {
        assert!(accepts(min), "{at}: {min} entries (minItems) refused");
        if min > 0 {
            assert!(!accepts(min - 1), "{at}: {} entries accepted", min - 1);
        }
        checked.push("minItems");
    }
    if let Some(max) = count(schema, "maxItems") {
        assert!(accepts(max), "{at}: {max} entries (maxItems) refused");
        assert!(!accepts(max + 1), "{at}: {} entries accepted", max + 1);
        checked.push("maxItems");
    }
    checked
}

/// `n` distinct port mappings.
fn mappings(n: usize) -> Vec<(u16, u16, types::Protocol)> {
    (1..=n)
        .map(|i| (u16::try_from(i).expect("a port"), 80, types::Protocol::Tcp))
        .collect()
}

fn ports_accepted(n: usize) -> bool {
    let client = offline_client();
    let change = client
        .modify_endpoint_service(SERVICE_ID)
        .ports(mappings(n));
    body_accepted(change, "ports")
}

/// Checks `minItems`/`maxItems` of a request's `ports` through the ergonomic API (`accepts`
/// given a number of distinct mappings); the crate's named limits must be the spec's.
fn check_ports(at: &str, schema: &Value, accepts: &dyn Fn(usize) -> bool) -> Vec<&'static str> {
    assert_eq!(
        Some(otc_vpcep::spec::MIN_PORT_MAPPINGS),
        count(schema, "minItems"),
        "{at}: MIN_PORT_MAPPINGS is not the spec's minItems"
    );
    assert_eq!(
        Some(MAX_PORT_MAPPINGS),
        count(schema, "maxItems"),
        "{at}: MAX_PORT_MAPPINGS is not the spec's maxItems"
    );
    check_items(at, schema, accepts)
}

/// `n` distinct tags.
fn tags(n: usize) -> Vec<types::TagInput> {
    (1..=n)
        .map(|i| types::TagInput {
            key: format!("k{i}").parse().expect("a tag key"),
            value: None,
        })
        .collect()
}

/// Checks `minimum`/`maximum` of the integer schema `schema` at their bounds against
/// `accepts`, and returns the keywords it checked.
fn check_integer(at: &str, schema: &Value, accepts: &dyn Fn(i64) -> bool) -> Vec<&'static str> {
    let bound = |keyword| {
        schema
            .get(keyword)
            .map(|v| v.as_i64().expect("an integer bound"))
    };
    let mut checked = Vec::new();
    if let Some(min) = bound("minimum") {
        assert!(accepts(min), "{at}: {min} (minimum) refused");
        assert!(!accepts(min - 1), "{at}: {} accepted", min - 1);
        checked.push("minimum");
    }
    if let Some(max) = bound("maximum") {
        assert!(accepts(max), "{at}: {max} (maximum) refused");
        assert!(!accepts(max + 1), "{at}: {} accepted", max + 1);
        checked.push("maximum");
    }
    checked
}

/// Whether a port mapping with `port` as its `field` (and 1 as the other port) is accepted:
/// by the generated type when it reads JSON, and by the ergonomic API where `port` is a `u16`
/// (both requests).
fn port_accepted(field: &str, port: i64) -> bool {
    let mut mapping = json!({ "client_port": 1, "server_port": 1, "protocol": "TCP" });
    mapping[field] = json!(port);
    let typed = serde_json::from_value::<types::PortMapping>(mapping).is_ok();
    if let Ok(port) = u16::try_from(port) {
        let (client, server) = if field == "client_port" {
            (port, 1)
        } else {
            (1, port)
        };
        let c = offline_client();
        let change =
            c.modify_endpoint_service(SERVICE_ID)
                .port(client, server, types::Protocol::Tcp);
        let at = format!("ports[0].{field}");
        both_accept(field, typed, body_accepted(change, &at), &port.to_string());
        let create = create().ports([(client, server, types::Protocol::Tcp)]);
        both_accept(
            &format!("{field} (create)"),
            typed,
            create_accepted(create, &at),
            &port.to_string(),
        );
    }
    typed
}

/// Checks `minimum`/`maximum` of a port of `PortMapping`.
fn check_port(field: &str, schema: &Value) -> Vec<&'static str> {
    check_integer(field, schema, &|port| port_accepted(field, port))
}

/// Checks `minimum`/`maximum` of the list's `limit`, which `send` checks; `MAX_LIST_LIMIT` must
/// be the spec's maximum.
fn check_limit(at: &str, schema: &Value) -> Vec<&'static str> {
    assert_eq!(
        Some(otc_vpcep::spec::MAX_LIST_LIMIT),
        count(schema, "maximum"),
        "{at}: MAX_LIST_LIMIT is not the spec's maximum"
    );
    check_paging(at, schema, "limit", List::Services)
}

/// The lists whose `limit` and `offset` are checked.
#[derive(Clone, Copy)]
enum List {
    Services,
    Connections,
    Permissions,
    Endpoints,
}

/// Whether `send` of `list` lets a call with `value` as its `field` (`limit` or `offset`)
/// through.
fn paging_sent(list: List, field: &str, value: i64) -> bool {
    let value = i32::try_from(value).expect("a bound of the spec's int32");
    let c = offline_client();
    let limit = field == "limit";
    match list {
        List::Services => {
            let call = c.list_endpoint_services();
            let call = if limit {
                call.limit(value)
            } else {
                call.offset(value)
            };
            sent(field, call.send())
        }
        List::Connections => {
            let call = c.list_connections(SERVICE_ID);
            let call = if limit {
                call.limit(value)
            } else {
                call.offset(value)
            };
            sent(field, call.send())
        }
        List::Permissions => {
            let call = c.list_permissions(SERVICE_ID);
            let call = if limit {
                call.limit(value)
            } else {
                call.offset(value)
            };
            sent(field, call.send())
        }
        List::Endpoints => {
            let call = c.list_endpoints();
            let call = if limit {
                call.limit(value)
            } else {
                call.offset(value)
            };
            sent(field, call.send())
        }
    }
}

/// Checks `minimum`/`maximum` of a list's `limit` or `offset` (`field`), which `send` checks.
fn check_paging(at: &str, schema: &Value, field: &str, list: List) -> Vec<&'static str> {
    check_integer(at, schema, &|value| paging_sent(list, field, value))
}

/// Checks `minimum`/`maximum` of the list's `offset`, which `send` checks.
fn check_offset(at: &str, schema: &Value) -> Vec<&'static str> {
    check_paging(at, schema, "offset", List::Services)
}

/// Checks the `pattern` of a string schema that does not accept the fillers of
/// [`check_string`], with probes of its own (and [`pattern_probes`]): `accepts` must agree
/// with the spec on each, and the probes must find both verdicts.
fn check_pattern(
    at: &str,
    schema: &Value,
    probes: &[&str],
    accepts: &dyn Fn(&str) -> bool,
) -> Vec<&'static str> {
    let pattern = regress::Regex::new(schema["pattern"].as_str().expect("a pattern"))
        .expect("an ECMA-262 pattern");
    let all: Vec<String> = pattern_probes()
        .into_iter()
        .chain(probes.iter().map(|p| (*p).to_owned()))
        .collect();
    let verdicts: Vec<bool> = all.iter().map(|p| pattern.find(p).is_some()).collect();
    assert!(
        verdicts.contains(&true) && verdicts.contains(&false),
        "{at}: weak probes"
    );
    for (probe, spec_says) in all.iter().zip(verdicts) {
        assert_eq!(
            accepts(probe),
            spec_says,
            "{at}: {probe:?}: the spec says {spec_says}"
        );
    }
    vec!["pattern"]
}

/// A create of a VPC endpoint that the checks accept: the required fields.
fn create_endpoint() -> otc_vpcep::CreateEndpoint<'static> {
    offline_client()
        .create_endpoint()
        .endpoint_service_id(SERVICE_ID)
        .vpc_id("4189d3c2-8882-4871-a3c2-d380272eed80")
}

/// Whether a whitelist record is accepted: by the generated type, and by the request body.
fn permission_accepted(value: &str) -> bool {
    let typed = types::PermissionEntry::try_from(value).is_ok();
    let body = offline_client()
        .add_or_remove_permissions(SERVICE_ID)
        .json_body(&json!({ "action": "add", "permissions": [value] }));
    both_accept(
        "PermissionEntry",
        typed,
        accepted(body.build_body(), "permissions[0]"),
        value,
    )
}

/// Whether `port_ip` is accepted: by the generated type, and by the setter.
fn port_ip_accepted(value: &str) -> bool {
    let typed = types::Ipv4Address::try_from(value).is_ok();
    both_accept(
        "Ipv4Address",
        typed,
        accepted(create_endpoint().port_ip(value).build_body(), "port_ip"),
        value,
    )
}

/// Whether the endpoints list's name filter is accepted: by the generated type of the raw
/// client's parameter, and by the checks of `send`.
fn endpoint_name_filter_accepted(value: &str) -> bool {
    let typed = types::ListEndpointsEndpointServiceName::try_from(value).is_ok();
    let call = offline_client()
        .list_endpoints()
        .endpoint_service_name(value)
        .send();
    both_accept(
        "endpoint_service_name (endpoints)",
        typed,
        sent("endpoint_service_name", call),
        value,
    )
}

/// `n` distinct endpoint IDs.
fn endpoint_ids(n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| format!("00000000-0000-4000-8000-{i:012x}"))
        .collect()
}

/// `n` distinct whitelist records.
fn records(n: usize) -> Vec<types::PermissionEntry> {
    (1..=n)
        .map(|i| {
            types::PermissionEntry::try_from(format!("iam:domain::{i:032x}").as_str())
                .expect("a record")
        })
        .collect()
}

/// `n` policy statements.
fn statements(n: usize) -> Vec<types::PolicyStatement> {
    (0..n)
        .map(|_| types::PolicyStatement {
            action: vec!["obs:*:*".to_owned()],
            effect: types::PolicyEffect::Allow,
            resource: vec!["obs:*:*:*:*".to_owned()],
        })
        .collect()
}

/// Checks that the closed enumeration `T` has exactly the spec's values: each reads and writes
/// as itself, a value outside them is refused, and the open form keeps it.
fn check_enum<T>(at: &str, schema: &Value) -> Vec<&'static str>
where
    T: DeserializeOwned + Serialize + JsonSchema + std::str::FromStr + std::fmt::Debug,
{
    let values = schema["enum"].as_array().expect("enum values");
    for value in values {
        let known: T = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{at}: the spec's value {value} is refused: {e}"));
        assert_eq!(&serde_json::to_value(&known).expect("JSON"), value, "{at}");
    }
    let outside = json!("not-a-documented-value");
    assert!(
        serde_json::from_value::<T>(outside.clone()).is_err(),
        "{at}: {outside} accepted"
    );
    let open: OpenEnum<T> = serde_json::from_value(outside).expect("an open enum keeps any string");
    assert!(matches!(open, OpenEnum::Unknown(_)), "{at}: {open:?}");
    let derived = serde_json::to_value(schemars::schema_for!(T)).expect("JSON");
    let count = derived["enum"].as_array().map_or(0, Vec::len);
    assert_eq!(
        count,
        values.len(),
        "{at}: the Rust enum has {count} values, the spec {}",
        values.len()
    );
    vec!["enum"]
}

/// Checks the create request's `service_type`, an enumeration of its own: the generated type
/// has the spec's values, and the create accepts each of them as JSON and nothing else (not
/// the other service types either).
fn check_create_service_type(at: &str, schema: &Value) -> Vec<&'static str> {
    let checked = check_enum::<types::CreatableServiceType>(at, schema);
    let values: Vec<&str> = schema["enum"]
        .as_array()
        .expect("enum values")
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect();
    for value in types::ServiceType::VALUES
        .into_iter()
        .chain(["not-a-documented-value", ""])
    {
        assert_eq!(
            create_accepted(
                create().json_body(&json!({ "service_type": value })),
                "service_type"
            ),
            values.contains(&value),
            "{at}: {value:?}"
        );
    }
    for value in values {
        assert!(
            create_accepted(
                create().json_body(&json!({ "service_type": value })),
                "service_type"
            ),
            "{at}: the spec's value {value:?} refused"
        );
    }
    checked
}

/// The component schemas that a request can carry: those that request bodies and parameters
/// refer to, directly or through others.
fn request_schemas(spec: &Value) -> Vec<String> {
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                if let Some(name) = object
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(COMPONENTS))
                {
                    out.push(name.to_owned());
                }
                object.values().for_each(|v| refs(v, out));
            }
            Value::Array(values) => values.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut reached = Vec::new();
    refs(&spec["components"]["parameters"], &mut reached);
    for item in spec["paths"].as_object().expect("paths").values() {
        refs(&item["parameters"], &mut reached);
        for operation in item.as_object().expect("a path item").values() {
            refs(&operation["parameters"], &mut reached);
            refs(&operation["requestBody"], &mut reached);
        }
    }
    let mut done = 0;
    while done < reached.len() {
        let schema = spec["components"]["schemas"][&reached[done]].clone();
        let mut more = Vec::new();
        refs(&schema, &mut more);
        for name in more {
            if !reached.contains(&name) {
                reached.push(name);
            }
        }
        done += 1;
    }
    reached
}

/// The answer around a value, for [`RESPONSE_ONLY`].
type Around = fn(Value) -> Value;

/// Constraints of what only the service answers, which the client does not enforce: its
/// readers are lenient (as with the open enumerations, an answer is not refused for a value
/// the spec did not foresee), so these constraints are documentation. Each must be of a
/// schema that no request carries, and the Rust type must read an answer at the bound and
/// beyond it, unchanged. By location: the answer around the value, and the field's path in it.
const RESPONSE_ONLY: [(&str, Around, &str); 4] = [
    (
        "EndpointServiceList.total_count",
        |n| json!({ "endpoint_services": [], "total_count": n }),
        "/total_count",
    ),
    (
        "ConnectionList.total_count",
        |n| json!({ "connections": [], "total_count": n }),
        "/total_count",
    ),
    (
        "PermissionList.total_count",
        |n| json!({ "permissions": [], "total_count": n }),
        "/total_count",
    ),
    (
        "VpcEndpointList.total_count",
        |n| json!({ "endpoints": [], "total_count": n }),
        "/total_count",
    ),
];

/// Checks a response-only constraint (see [`RESPONSE_ONLY`]): `decode` reads the answer
/// around a value of the constrained field.
fn check_response_only(
    at: &str,
    schema: &Value,
    keywords: &[String],
    requests: &[String],
    decode: fn(&Value) -> Result<Value, String>,
) -> Vec<&'static str> {
    let component = at.split(['.', '[']).next().unwrap_or_default();
    assert!(
        !requests.iter().any(|r| r == component),
        "{at}: a request carries {component}: its constraints must be enforced, not documented"
    );
    let (_, answer, pointer) = RESPONSE_ONLY
        .iter()
        .find(|(location, ..)| *location == at)
        .expect("listed");
    let mut checked = Vec::new();
    for keyword in keywords {
        let bound = |k: &str| schema[k].as_i64().expect("an integer bound");
        let (name, bound, beyond) = match keyword.as_str() {
            "minimum" => ("minimum", bound("minimum"), bound("minimum") - 1),
            "maximum" => ("maximum", bound("maximum"), bound("maximum") + 1),
            other => panic!("{at}: no response-only check of {other}"),
        };
        for value in [bound, beyond] {
            let answer = answer(json!(value));
            let read = decode(&answer).unwrap_or_else(|e| {
                panic!("{at}: an answer with {value} ({keyword} {bound}) is refused: {e}")
            });
            assert_eq!(read.pointer(pointer), Some(&json!(value)), "{at}: {read}");
        }
        checked.push(name);
    }
    checked
}

/// Where constraints are found: the schema at each location, and its constraint keywords.
type Constraints = BTreeMap<String, (Value, Vec<String>)>;

/// Collects every constraint keyword of `schema` by location, without following `$ref`s (each
/// component is visited under its own name).
fn collect(schema: &Value, at: &str, out: &mut Constraints) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for keyword in CONSTRAINTS.iter().filter(|k| object.contains_key(**k)) {
        out.entry(at.to_owned())
            .or_insert_with(|| (schema.clone(), Vec::new()))
            .1
            .push((*keyword).to_owned());
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            collect(property, &format!("{at}.{name}"), out);
        }
    }
    if let Some(items) = object.get("items") {
        collect(items, &format!("{at}[]"), out);
    }
    for alternative in ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| object.get(*k).and_then(Value::as_array))
        .flatten()
    {
        collect(alternative, at, out);
    }
}

/// Collects the constraints of the inline schemas of the operations: their parameters (those
/// of the path item included; `$ref`s to `components/parameters` are visited there), request
/// bodies and responses, as `{operationId} {in} {name}`, `{operationId} body {media type}` and
/// `{operationId} {status} {media type}`.
fn collect_operations(spec: &Value, out: &mut Constraints) {
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            for parameter in [&item["parameters"], &operation["parameters"]]
                .into_iter()
                .filter_map(Value::as_array)
                .flatten()
            {
                if let Some(reference) = parameter.get("$ref").and_then(Value::as_str) {
                    assert!(
                        reference.starts_with("#/components/parameters/"),
                        "{id}: {reference}"
                    );
                    continue;
                }
                let (place, name) = (&parameter["in"], &parameter["name"]);
                let (place, name) = (place.as_str().expect("in"), name.as_str().expect("a name"));
                collect(&parameter["schema"], &format!("{id} {place} {name}"), out);
            }
            let bodies = operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(media, content)| (format!("{id} body {media}"), content));
            let answers =
                operation["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .flat_map(|(status, response)| {
                        response["content"].as_object().into_iter().flatten().map(
                            move |(media, content)| (format!("{id} {status} {media}"), content),
                        )
                    });
            for (at, content) in bodies.chain(answers) {
                collect(&content["schema"], &at, out);
            }
        }
    }
}

#[test]
fn every_constraint_in_the_spec_is_enforced_at_its_bounds() {
    let spec = crate::support::spec();
    let schemas = &spec["components"]["schemas"];
    let mut constraints = Constraints::new();
    for (name, schema) in schemas.as_object().expect("schemas") {
        collect(schema, name, &mut constraints);
    }
    for (name, parameter) in spec["components"]["parameters"]
        .as_object()
        .expect("parameters")
    {
        collect(
            &parameter["schema"],
            &format!("parameter {name}"),
            &mut constraints,
        );
    }
    collect_operations(&spec, &mut constraints);
    assert!(
        constraints.len() >= 25,
        "too few constraints found: {constraints:?}"
    );
    let requests = request_schemas(&spec);

    let mut unchecked = Vec::new();
    for (at, (schema, keywords)) in &constraints {
        let checked = match at.as_str() {
            "ProjectId" => check_string(at, schema, &project_id_accepted),
            "ServiceName" => check_string(at, schema, &service_name_accepted),
            "ServiceDescription" => check_string(at, schema, &description_accepted),
            "ModifyEndpointServiceRequest.ports" => check_ports(at, schema, &ports_accepted),
            "CreateEndpointServiceRequest.ports" => check_ports(at, schema, &|n| {
                create_accepted(create().ports(mappings(n)), "ports")
            }),
            "CreateEndpointServiceRequest.pool_id" => check_string(at, schema, &pool_id_accepted),
            "CreatableServiceType" => check_create_service_type(at, schema),
            "CreateEndpointServiceRequest.tags" => check_items(at, schema, &|n| {
                create_accepted(create().tags(tags(n)), "tags")
            }),
            "TagInput.key" => check_string(at, schema, &tag_key_accepted),
            "TagInput.value" => check_string(at, schema, &tag_value_accepted),
            "PortMapping.client_port" => check_port("client_port", schema),
            "PortMapping.server_port" => check_port("server_port", schema),
            "listEndpointServices query endpoint_service_name" => {
                check_string(at, schema, &name_filter_accepted)
            }
            "listEndpointServices query limit" => check_limit(at, schema),
            "listEndpointServices query offset" => check_offset(at, schema),
            "EndpointServiceList.total_count" => check_response_only(
                at,
                schema,
                keywords,
                &requests,
                round_trip::<types::EndpointServiceList>,
            ),
            "Protocol" => check_enum::<types::Protocol>(at, schema),
            "TcpProxy" => check_enum::<types::TcpProxy>(at, schema),
            "ServiceStatus" => check_enum::<types::ServiceStatus>(at, schema),
            "ServerType" => check_enum::<types::ServerType>(at, schema),
            "ServiceType" => check_enum::<types::ServiceType>(at, schema),
            "CidrType" => check_enum::<types::CidrType>(at, schema),
            "ServiceSortKey" => check_enum::<types::ServiceSortKey>(at, schema),
            "SortDirection" => check_enum::<types::SortDirection>(at, schema),
            "QuotaResourceType" => check_enum::<types::QuotaResourceType>(at, schema),
            "EndpointStatus" => check_enum::<types::EndpointStatus>(at, schema),
            "ConnectionStatusFilter" => check_enum::<types::ConnectionStatusFilter>(at, schema),
            "ConnectionAction" => check_enum::<types::ConnectionAction>(at, schema),
            "PermissionSortKey" => check_enum::<types::PermissionSortKey>(at, schema),
            "PermissionType" => check_enum::<types::PermissionType>(at, schema),
            "PermissionAction" => check_enum::<types::PermissionAction>(at, schema),
            "PolicyEffect" => check_enum::<types::PolicyEffect>(at, schema),
            "ConnectionActionRequest.endpoints" => check_items(at, schema, &|n| {
                let body = offline_client()
                    .accept_or_reject_connections(SERVICE_ID)
                    .action(types::ConnectionAction::Receive)
                    .endpoints(endpoint_ids(n));
                accepted(body.build_body(), "endpoints")
            }),
            "PermissionActionRequest.permissions" => check_items(at, schema, &|n| {
                let body = offline_client()
                    .add_or_remove_permissions(SERVICE_ID)
                    .action(types::PermissionAction::Add)
                    .permissions(records(n));
                accepted(body.build_body(), "permissions")
            }),
            "PermissionEntry" => check_pattern(
                at,
                schema,
                &[
                    "iam:domain::6e9dfd51d1124e8d8498dce894923a0d",
                    "iam:domain::*",
                    "iam:domain::a",
                    "iam:domain::",
                    "iam:domain:: a",
                    "iam:domain::a-b",
                    "6e9dfd51d1124e8d8498dce894923a0d",
                    "**",
                    "IAM:domain::a",
                ],
                &permission_accepted,
            ),
            "Ipv4Address" => check_pattern(
                at,
                schema,
                &[
                    "192.168.14.23",
                    "0.0.0.0",
                    "255.255.255.255",
                    "256.1.1.1",
                    "1.2.3",
                    "01.2.3.4",
                    "1.2.3.4.5",
                    "::1",
                    " 1.2.3.4",
                ],
                &port_ip_accepted,
            ),
            "CreateEndpointRequest.tags" => check_items(at, schema, &|n| {
                accepted(create_endpoint().tags(tags(n)).build_body(), "tags")
            }),
            "CreateEndpointRequest.policy_statement" => check_items(at, schema, &|n| {
                accepted(
                    create_endpoint()
                        .policy_statement(statements(n))
                        .build_body(),
                    "policy_statement",
                )
            }),
            "listConnections query limit" => check_paging(at, schema, "limit", List::Connections),
            "listConnections query offset" => check_paging(at, schema, "offset", List::Connections),
            "listConnections query marker_id" => check_integer(at, schema, &|marker| {
                sent(
                    "marker_id",
                    offline_client()
                        .list_connections(SERVICE_ID)
                        .marker_id(marker)
                        .send(),
                )
            }),
            "listPermissions query limit" => check_paging(at, schema, "limit", List::Permissions),
            "listPermissions query offset" => check_paging(at, schema, "offset", List::Permissions),
            "listEndpoints query limit" => check_paging(at, schema, "limit", List::Endpoints),
            "listEndpoints query offset" => check_paging(at, schema, "offset", List::Endpoints),
            "listEndpoints query endpoint_service_name" => {
                check_string(at, schema, &endpoint_name_filter_accepted)
            }
            "ConnectionList.total_count" => check_response_only(
                at,
                schema,
                keywords,
                &requests,
                round_trip::<types::ConnectionList>,
            ),
            "PermissionList.total_count" => check_response_only(
                at,
                schema,
                keywords,
                &requests,
                round_trip::<types::PermissionList>,
            ),
            "VpcEndpointList.total_count" => check_response_only(
                at,
                schema,
                keywords,
                &requests,
                round_trip::<types::VpcEndpointList>,
            ),
            _ => Vec::new(),
        };
        for keyword in keywords.iter().filter(|k| !checked.contains(&k.as_str())) {
            unchecked.push(format!("{at}: {keyword}"));
        }
    }
    assert!(
        unchecked.is_empty(),
        "constraints in the spec that no check exercises (add one here):\n{}",
        unchecked.join("\n")
    );
}

// ---- the examples ----

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_spec_examples_equal_the_reference_page_examples() {
    assert_eq!(
        crate::support::documented_request(),
        fixture("page_example_request.json"),
        "the spec's example request is not the page's"
    );
    assert_eq!(
        crate::support::documented_response(),
        fixture("page_example_response.json"),
        "the spec's example response is not the page's"
    );
}

/// The table of operations the layer uses is the spec's: every method on every path.
#[test]
fn the_operations_table_is_the_specs() {
    let spec = crate::support::spec();
    let mut in_spec = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                in_spec.push((method.to_uppercase(), path.clone(), id.to_owned()));
            }
        }
    }
    in_spec.sort();
    let mut table: Vec<_> = otc_vpcep::spec::ALL
        .iter()
        .map(|op| {
            let camel: String = op
                .id
                .split('_')
                .enumerate()
                .map(|(i, word)| match i {
                    0 => word.to_owned(),
                    _ => word[..1].to_uppercase() + &word[1..],
                })
                .collect();
            (op.method.to_owned(), op.path.to_owned(), camel)
        })
        .collect();
    table.sort();
    assert_eq!(table, in_spec);
}

/// `value` decoded as `T` and encoded again.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&decoded).map_err(|e| e.to_string())
}

/// The round trip through the Rust type of one schema.
type RoundTrip = fn(&Value) -> Result<Value, String>;

/// The Rust type of each schema that the spec gives examples of, by the schema's name. An
/// example of a schema without an entry fails the tests below: add its type here.
const ROUND_TRIPS: [(&str, RoundTrip); 14] = [
    ("ConnectionList", round_trip::<types::ConnectionList>),
    (
        "ConnectionActionRequest",
        round_trip::<types::ConnectionActionRequest>,
    ),
    ("PermissionList", round_trip::<types::PermissionList>),
    (
        "PermissionActionRequest",
        round_trip::<types::PermissionActionRequest>,
    ),
    (
        "PermissionActionResult",
        round_trip::<types::PermissionActionResult>,
    ),
    ("VpcEndpoint", round_trip::<types::VpcEndpoint>),
    ("VpcEndpointList", round_trip::<types::VpcEndpointList>),
    (
        "CreateEndpointRequest",
        round_trip::<types::CreateEndpointRequest>,
    ),
    ("EndpointService", round_trip::<types::EndpointService>),
    (
        "EndpointServiceList",
        round_trip::<types::EndpointServiceList>,
    ),
    ("QuotaList", round_trip::<types::QuotaList>),
    ("ErrorResponse", round_trip::<types::ErrorResponse>),
    (
        "CreateEndpointServiceRequest",
        round_trip::<types::CreateEndpointServiceRequest>,
    ),
    (
        "ModifyEndpointServiceRequest",
        round_trip::<types::ModifyEndpointServiceRequest>,
    ),
];

/// Decodes every example of `content` (the `content` of a response or request body, at `at`)
/// as the Rust type of its schema, which must re-encode it unchanged; returns how many.
fn round_trip_examples(at: &str, content: &Value) -> usize {
    let mut seen = 0;
    for (media, content) in content.as_object().into_iter().flatten() {
        let mut examples: Vec<(String, &Value)> = content["examples"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, example)| (name.clone(), &example["value"]))
            .collect();
        if let Some(example) = content.get("example") {
            examples.push(("example".to_owned(), example));
        }
        if examples.is_empty() {
            continue;
        }
        let name = content["schema"]["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix(COMPONENTS))
            .unwrap_or_else(|| {
                panic!("{at} {media}: examples of a schema that is not a component")
            });
        let (_, decode) = ROUND_TRIPS
            .iter()
            .find(|(schema, _)| *schema == name)
            .unwrap_or_else(|| {
                panic!("{at} {media}: no Rust type for {name}, the schema of its examples; add it to ROUND_TRIPS")
            });
        for (example, value) in examples {
            let again =
                decode(value).unwrap_or_else(|e| panic!("{at} example {example} as {name}: {e}"));
            assert_eq!(&again, value, "{at} example {example} as {name}");
            seen += 1;
        }
    }
    seen
}

/// Every response example in the spec (of every status, and of the shared responses) decodes
/// into the Rust type of its schema and re-encodes unchanged.
#[test]
fn every_response_example_round_trips_through_the_rust_type() {
    let spec = crate::support::spec();
    let mut seen = BTreeMap::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            for (status, response) in operation["responses"].as_object().expect("responses") {
                if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
                    // Visited once, below.
                    assert!(
                        reference.starts_with("#/components/responses/"),
                        "{id} {status}: {reference}"
                    );
                    continue;
                }
                let n = round_trip_examples(&format!("{id} {status}"), &response["content"]);
                *seen.entry(id.to_owned()).or_insert(0) += n;
            }
        }
    }
    for (name, response) in spec["components"]["responses"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let at = format!("responses {name}");
        let n = round_trip_examples(&at, &response["content"]);
        seen.insert(at, n);
    }
    let seen: Vec<(&str, usize)> = seen.iter().map(|(at, n)| (at.as_str(), *n)).collect();
    assert_eq!(
        seen,
        [
            ("acceptOrRejectConnections", 1),
            ("addOrRemovePermissions", 1),
            ("createEndpoint", 2),
            ("createEndpointService", 1),
            ("deleteEndpoint", 0),
            ("deleteEndpointService", 0),
            ("getEndpoint", 2),
            ("getEndpointService", 2),
            ("listConnections", 1),
            ("listEndpointServices", 1),
            ("listEndpoints", 1),
            ("listPermissions", 1),
            ("listQuotas", 1),
            ("modifyEndpointService", 1),
            ("responses Error", 1),
        ],
        "the response examples decoded, by operation"
    );
}

/// Every request example in the spec decodes into the Rust type of its schema and re-encodes
/// unchanged.
#[test]
fn every_request_example_round_trips_through_the_rust_type() {
    let spec = crate::support::spec();
    let mut seen = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                let content = &operation["requestBody"]["content"];
                let n = round_trip_examples(&format!("{id} request"), content);
                if n > 0 {
                    seen.push((id.to_owned(), n));
                }
            }
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            ("acceptOrRejectConnections".to_owned(), 1),
            ("addOrRemovePermissions".to_owned(), 2),
            ("createEndpoint".to_owned(), 2),
            ("createEndpointService".to_owned(), 1),
            ("modifyEndpointService".to_owned(), 1)
        ],
        "the request examples decoded, by operation"
    );
}

#[test]
fn the_page_examples_are_read_by_the_rust_types() {
    let request: types::ModifyEndpointServiceRequest =
        serde_json::from_value(fixture("page_example_request.json")).expect("the request reads");
    assert_eq!(
        serde_json::to_value(&request).expect("JSON"),
        fixture("page_example_request.json")
    );
    let response: types::EndpointService =
        serde_json::from_value(fixture("page_example_response.json")).expect("the response reads");
    assert_eq!(
        response.status,
        Some(types::ServiceStatus::Available.into())
    );
    assert_eq!(
        serde_json::to_value(&response).expect("JSON"),
        fixture("page_example_response.json")
    );
}
