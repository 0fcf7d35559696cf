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

mod support;

use std::{collections::BTreeMap, sync::LazyLock};

use otc_vpcep::{Client, Error, MAX_PORT_MAPPINGS, OpenEnum, types};
use schemars::{JsonSchema, r#gen::SchemaSettings};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value, json};
use support::SERVICE_ID;

const COMPONENTS: &str = "#/components/schemas/";
const OPERATION: &str = otc_vpcep::spec::GET_ENDPOINT_SERVICE.path;

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
    let spec = support::spec();
    let spec_defs = spec["components"]["schemas"].as_object().expect("schemas");
    let put = &spec["paths"][OPERATION]["put"];
    let get = &spec["paths"][OPERATION]["get"];
    let error = referenced(
        &spec["components"]["responses"]["Error"]["content"]["application/json"]["schema"],
    );
    assert_eq!(
        [
            referenced(&put["requestBody"]["content"]["application/json"]["schema"]),
            referenced(&put["responses"]["200"]["content"]["application/json"]["schema"]),
            referenced(&get["responses"]["200"]["content"]["application/json"]["schema"]),
            error,
        ],
        [
            "ModifyEndpointServiceRequest",
            "EndpointService",
            "EndpointService",
            "ErrorResponse"
        ],
        "the operations' schemas are not the Rust types compared here"
    );
    for operation in [put, get] {
        for status in ["4XX", "5XX"] {
            assert_eq!(
                operation["responses"][status]["$ref"],
                "#/components/responses/Error"
            );
        }
    }

    let mut generator = SchemaSettings::openapi3().into_generator();
    let component = |name: &str| json!({ "$ref": format!("{COMPONENTS}{name}") });
    let parameter = |name: &str| spec["components"]["parameters"][name]["schema"].clone();
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
    let spec = support::spec();
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

/// One client for every probe (making one per probe costs seconds); nothing is sent.
fn offline_client() -> &'static Client {
    static CLIENT: LazyLock<Client> = LazyLock::new(|| support::client("http://127.0.0.1:9"));
    &CLIENT
}

/// Whether `build_body` accepts a change; a refusal must name `field` and only `field`.
fn body_accepted(change: otc_vpcep::ModifyEndpointService<'_>, field: &str) -> bool {
    match change.build_body() {
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

fn service_name_accepted(value: &str) -> bool {
    let client = offline_client();
    let change = client
        .modify_endpoint_service(SERVICE_ID)
        .service_name(value);
    let typed = types::ServiceName::try_from(value).is_ok();
    both_accept(
        "ServiceName",
        typed,
        body_accepted(change, "service_name"),
        value,
    )
}

fn description_accepted(value: &str) -> bool {
    let client = offline_client();
    let change = client
        .modify_endpoint_service(SERVICE_ID)
        .description(value);
    let typed = types::ServiceDescription::try_from(value).is_ok();
    both_accept(
        "ServiceDescription",
        typed,
        body_accepted(change, "description"),
        value,
    )
}

/// Strings that probe a pattern: every printable ASCII character alone, and a few more.
fn pattern_probes() -> Vec<String> {
    let mut probes: Vec<String> = (' '..='~').map(String::from).collect();
    for extra in [
        "", "é", "日本", "a b", "a\tb", "a\nb", "<b>", "a-b_c", "Zz09", "\u{0}",
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

/// Checks `minItems`/`maxItems` of the request's `ports` through the ergonomic API.
fn check_ports(schema: &Value) -> Vec<&'static str> {
    let mut checked = Vec::new();
    if let Some(min) = count(schema, "minItems") {
        assert!(
            ports_accepted(min),
            "ports: {min} mappings (minItems) refused"
        );
        if min > 0 {
            assert!(
                !ports_accepted(min - 1),
                "ports: {} mappings accepted",
                min - 1
            );
        }
        checked.push("minItems");
    }
    if let Some(max) = count(schema, "maxItems") {
        assert_eq!(
            MAX_PORT_MAPPINGS, max,
            "MAX_PORT_MAPPINGS is not the spec's maxItems"
        );
        assert!(
            ports_accepted(max),
            "ports: {max} mappings (maxItems) refused"
        );
        assert!(
            !ports_accepted(max + 1),
            "ports: {} mappings accepted",
            max + 1
        );
        checked.push("maxItems");
    }
    checked
}

/// Whether a port mapping with `port` as its `field` (and 1 as the other port) is accepted:
/// by the generated type when it reads JSON, and by the ergonomic API where `port` is a `u16`.
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
        both_accept(
            field,
            typed,
            body_accepted(change, &format!("ports[0].{field}")),
            &port.to_string(),
        );
    }
    typed
}

/// Checks `minimum`/`maximum` of a port of `PortMapping`.
fn check_port(field: &str, schema: &Value) -> Vec<&'static str> {
    let bound = |keyword| {
        schema
            .get(keyword)
            .map(|v| v.as_i64().expect("an integer bound"))
    };
    let mut checked = Vec::new();
    if let Some(min) = bound("minimum") {
        assert!(
            port_accepted(field, min),
            "{field}: {min} (minimum) refused"
        );
        assert!(
            !port_accepted(field, min - 1),
            "{field}: {} accepted",
            min - 1
        );
        checked.push("minimum");
    }
    if let Some(max) = bound("maximum") {
        assert!(
            port_accepted(field, max),
            "{field}: {max} (maximum) refused"
        );
        assert!(
            !port_accepted(field, max + 1),
            "{field}: {} accepted",
            max + 1
        );
        checked.push("maximum");
    }
    checked
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

/// Collects every constraint keyword of `schema` by location, without following `$ref`s (each
/// component is visited under its own name).
fn collect(schema: &Value, at: &str, out: &mut BTreeMap<String, Vec<String>>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for keyword in CONSTRAINTS.iter().filter(|k| object.contains_key(**k)) {
        out.entry(at.to_owned())
            .or_default()
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

#[test]
fn every_constraint_in_the_spec_is_enforced_at_its_bounds() {
    let spec = support::spec();
    let schemas = &spec["components"]["schemas"];
    let mut constraints = BTreeMap::new();
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
    assert!(
        constraints.len() >= 10,
        "too few constraints found: {constraints:?}"
    );

    let mut unchecked = Vec::new();
    for (at, keywords) in &constraints {
        let mut schema = &schemas[at.split(['.', '[']).next().unwrap_or_default()];
        if let Some((_, property)) = at.split_once('.') {
            schema = &schema["properties"][property];
        }
        let checked = match at.as_str() {
            "ProjectId" => check_string(at, schema, &project_id_accepted),
            "ServiceName" => check_string(at, schema, &service_name_accepted),
            "ServiceDescription" => check_string(at, schema, &description_accepted),
            "ModifyEndpointServiceRequest.ports" => check_ports(schema),
            "PortMapping.client_port" => check_port("client_port", schema),
            "PortMapping.server_port" => check_port("server_port", schema),
            "Protocol" => check_enum::<types::Protocol>(at, schema),
            "TcpProxy" => check_enum::<types::TcpProxy>(at, schema),
            "ServiceStatus" => check_enum::<types::ServiceStatus>(at, schema),
            "ServerType" => check_enum::<types::ServerType>(at, schema),
            "ServiceType" => check_enum::<types::ServiceType>(at, schema),
            "CidrType" => check_enum::<types::CidrType>(at, schema),
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
        support::documented_request(),
        fixture("page_example_request.json"),
        "the spec's example request is not the page's"
    );
    assert_eq!(
        support::documented_response(),
        fixture("page_example_response.json"),
        "the spec's example response is not the page's"
    );
}

/// The table of operations the layer uses is the spec's: every method on every path.
#[test]
fn the_operations_table_is_the_specs() {
    let spec = support::spec();
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

/// Every response example in the spec decodes into the Rust type and re-encodes unchanged.
#[test]
fn every_response_example_round_trips_through_the_rust_type() {
    let spec = support::spec();
    let mut seen = 0;
    for (_, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let examples =
                &operation["responses"]["200"]["content"]["application/json"]["examples"];
            for (name, example) in examples.as_object().into_iter().flatten() {
                let value = &example["value"];
                let service: types::EndpointService = serde_json::from_value(value.clone())
                    .unwrap_or_else(|e| panic!("{method} example {name}: {e}"));
                assert_eq!(&serde_json::to_value(&service).unwrap(), value, "{name}");
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 3, "the examples of GET (2) and PUT (1)");
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
