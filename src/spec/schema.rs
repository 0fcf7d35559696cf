//! The spec's schemas, compiled once from the published document, and the check of a JSON
//! value against one of them: every violation, by field path, worded from the rule the spec
//! states (its type, bounds, lengths, pattern, format, enumeration, list sizes, required and
//! undocumented fields). A field added to the spec is checked without any code here.

use std::{collections::HashMap, fmt, sync::LazyLock};

use serde_json::Value;

use crate::{
    spec,
    spec::validation::{Violations, shown},
};

/// A schema, compiled: `$ref`s resolved, patterns built.
#[derive(Debug)]
enum Node {
    Boolean,
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
    },
    Number,
    String(Text),
    Array {
        items: Box<Node>,
        min_items: Option<usize>,
        max_items: Option<usize>,
    },
    Object {
        properties: Vec<(String, Node)>,
        required: Vec<String>,
        /// Whether fields the schema does not list are refused (`additionalProperties: false`).
        closed: bool,
    },
    AnyOf(Vec<Node>),
    /// No rule at all.
    Any,
}

/// The rules of a string.
#[derive(Debug, Default)]
struct Text {
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<(String, regress::Regex)>,
    uuid: bool,
    values: Option<Vec<String>>,
}

/// A compiled schema, and whether `null` is accepted (`nullable: true`).
#[derive(Debug)]
struct Schema {
    node: Node,
    nullable: bool,
}

/// The spec, as parsed from [`spec::OPENAPI_JSON`] at first use.
static DOCUMENT: LazyLock<Result<Value, String>> = LazyLock::new(|| {
    serde_json::from_str(spec::OPENAPI_JSON)
        .map_err(|e| format!("the embedded spec is not JSON: {e}"))
});

/// Every schema of `components/schemas`, compiled at first use.
static SCHEMAS: LazyLock<Result<HashMap<String, Schema>, String>> = LazyLock::new(compile_all);

/// Checks `value` against the spec's schema `schema` (a name under `components/schemas`), and
/// records every violation in `violations`, with paths under `path` (empty: the value is the
/// whole body, whose own problems are named `body`).
pub(crate) fn check(schema: &str, path: &str, value: &Value, violations: &mut Violations) {
    let path = match path {
        "" => Path::Body,
        name => Path::Root(name),
    };
    match SCHEMAS.as_ref().map(|all| all.get(schema)) {
        Ok(Some(compiled)) => compiled.check(value, &path, violations),
        Ok(None) => violations.push(path.to_string(), format!("the spec has no schema {schema}")),
        Err(problem) => violations.push(path.to_string(), problem.clone()),
    }
}

/// Where a value is in the body, written out only for a violation: `body`, `ports`,
/// `ports[3].client_port`.
enum Path<'p> {
    /// The whole body.
    Body,
    /// A value checked on its own, by its name.
    Root(&'p str),
    /// A field of an object.
    Field(&'p Path<'p>, &'p str),
    /// An entry of a list.
    Entry(&'p Path<'p>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Body => f.write_str("body"),
            Self::Root(name) | Self::Field(Path::Body, name) => f.write_str(name),
            Self::Field(parent, name) => write!(f, "{parent}.{name}"),
            Self::Entry(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Checks `value`, the field `field`, against the schema at the JSON pointer `pointer` of the
/// spec (for example `/components/schemas/PortMapping/properties/client_port`), recording
/// every violation. Compiled anew on each call: for wording a refusal, not for the way of a
/// valid request.
pub(crate) fn check_at(pointer: &str, field: &str, value: &Value, violations: &mut Violations) {
    let path = Path::Root(field);
    let compiled = DOCUMENT
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|document| {
            let schema = document
                .pointer(pointer)
                .ok_or_else(|| format!("the spec has no schema at {pointer}"))?;
            compile(document, schema, 0)
        });
    match compiled {
        Ok(schema) => schema.check(value, &path, violations),
        Err(problem) => violations.push(path.to_string(), problem),
    }
}

fn compile_all() -> Result<HashMap<String, Schema>, String> {
    let document = DOCUMENT.as_ref().map_err(Clone::clone)?;
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the embedded spec has no components/schemas")?;
    schemas
        .iter()
        .map(|(name, schema)| Ok((name.clone(), compile(document, schema, 0)?)))
        .collect()
}

/// How deep `$ref`s may nest: the spec has no recursive schemas, so a deeper chain is a cycle.
const MAX_DEPTH: usize = 32;

fn compile(document: &Value, schema: &Value, depth: usize) -> Result<Schema, String> {
    if depth > MAX_DEPTH {
        return Err("the spec's schemas nest too deep (a $ref cycle?)".to_owned());
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
            .ok_or_else(|| format!("the spec's {reference} is not defined"))?;
        return compile(document, target, depth + 1);
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_i64);
    let size = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let node = if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        Node::AnyOf(
            branches
                .iter()
                .map(|branch| compile(document, branch, depth + 1).map(|s| s.node))
                .collect::<Result<_, _>>()?,
        )
    } else {
        match schema.get("type").and_then(Value::as_str) {
            Some("boolean") => Node::Boolean,
            Some("integer") => Node::Integer {
                minimum: number("minimum"),
                maximum: number("maximum"),
            },
            Some("number") => Node::Number,
            Some("string") => Node::String(Text {
                min_length: size("minLength"),
                max_length: size("maxLength"),
                pattern: match schema.get("pattern").and_then(Value::as_str) {
                    Some(pattern) => Some((
                        pattern.to_owned(),
                        regress::Regex::new(pattern)
                            .map_err(|e| format!("the spec's pattern {pattern}: {e}"))?,
                    )),
                    None => None,
                },
                uuid: schema.get("format").and_then(Value::as_str) == Some("uuid"),
                values: schema.get("enum").and_then(Value::as_array).map(|values| {
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                }),
            }),
            Some("array") => Node::Array {
                items: Box::new(match schema.get("items") {
                    Some(items) => compile(document, items, depth + 1)?.node,
                    None => Node::Any,
                }),
                min_items: size("minItems"),
                max_items: size("maxItems"),
            },
            Some("object") => Node::Object {
                properties: schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| {
                        Ok((name.clone(), compile(document, property, depth + 1)?.node))
                    })
                    .collect::<Result<_, String>>()?,
                required: schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                closed: schema.get("additionalProperties") == Some(&Value::Bool(false)),
            },
            _ => Node::Any,
        }
    };
    Ok(Schema {
        node,
        nullable: schema.get("nullable") == Some(&Value::Bool(true)),
    })
}

impl Schema {
    fn check(&self, value: &Value, path: &Path<'_>, violations: &mut Violations) {
        if !(self.nullable && value.is_null()) {
            self.node.check(value, path, violations);
        }
    }
}

impl Node {
    fn check(&self, value: &Value, path: &Path<'_>, violations: &mut Violations) {
        let mut refuse = |rule: String| violations.push(path.to_string(), rule);
        match (self, value) {
            (Self::Any, _) | (Self::Boolean, Value::Bool(_)) => {}
            (Self::Boolean, other) => refuse(format!("{} is not true or false", json(other))),
            (Self::Number, other) if !other.is_number() => {
                refuse(format!("{} is not a number", json(other)));
            }
            (Self::Number, _) => {}
            (Self::Integer { minimum, maximum }, other) => {
                let range = || match (minimum, maximum) {
                    (Some(min), Some(max)) => format!(" in {min}..={max}"),
                    (Some(min), None) => format!(" of at least {min}"),
                    (None, Some(max)) => format!(" of at most {max}"),
                    (None, None) => String::new(),
                };
                match other.as_i64() {
                    None if other.as_u64().is_some() && minimum.is_none() && maximum.is_none() => {}
                    None => refuse(format!("{} is not an integer{}", json(other), range())),
                    Some(n)
                        if minimum.is_some_and(|min| n < min)
                            || maximum.is_some_and(|max| n > max) =>
                    {
                        refuse(format!("{n} is not{}", range()));
                    }
                    Some(_) => {}
                }
            }
            (Self::String(text), Value::String(s)) => {
                if let Some(rule) = text.broken_by(s) {
                    refuse(format!("{} {rule}", shown(s)));
                }
            }
            (Self::String(_), other) => refuse(format!("{} is not a string", json(other))),
            (
                Self::Array {
                    items,
                    min_items,
                    max_items,
                },
                Value::Array(values),
            ) => {
                if let Some(rule) = list_length(*min_items, *max_items, values.len()) {
                    refuse(rule);
                }
                for (i, item) in values.iter().enumerate() {
                    items.check(item, &Path::Entry(path, i), violations);
                }
            }
            (Self::Array { .. }, other) => refuse(format!("{} is not a list", json(other))),
            (
                Self::Object {
                    properties,
                    required,
                    closed,
                },
                Value::Object(fields),
            ) => {
                if *closed {
                    for name in fields.keys() {
                        if !properties.iter().any(|(known, _)| known == name) {
                            violations.push(
                                Path::Field(path, name).to_string(),
                                "is not a field of the spec's schema",
                            );
                        }
                    }
                }
                for (name, property) in properties {
                    if let Some(value) = fields.get(name) {
                        property.check(value, &Path::Field(path, name), violations);
                    }
                }
                for name in required {
                    if !fields.contains_key(name) {
                        violations.push(Path::Field(path, name).to_string(), "is required");
                    }
                }
            }
            (Self::Object { .. }, other) => refuse(format!("{} is not an object", json(other))),
            (Self::AnyOf(branches), value) => {
                let mut first = None;
                for branch in branches {
                    let mut found = Violations::default();
                    branch.check(value, path, &mut found);
                    if found.is_empty() {
                        return;
                    }
                    first.get_or_insert(found);
                }
                for violation in first.iter().flatten() {
                    violations.push(violation.field.clone(), violation.rule.clone());
                }
            }
        }
    }
}

impl Text {
    /// The rule that `value` breaks, if any: its enumeration, format, length, then pattern.
    fn broken_by(&self, value: &str) -> Option<String> {
        if let Some(values) = &self.values {
            return (!values.iter().any(|v| v == value))
                .then(|| format!("is not one of {}", values.join(", ")));
        }
        if self.uuid && uuid::Uuid::try_parse(value).is_err() {
            return Some("is not a UUID".to_owned());
        }
        let length = value.chars().count();
        let too_short = self.min_length.is_some_and(|min| length < min);
        let too_long = self.max_length.is_some_and(|max| length > max);
        if too_short || too_long {
            return Some(match (self.min_length, self.max_length) {
                (Some(min), Some(max)) => format!("is not {min} to {max} characters long"),
                (Some(min), None) => format!("is shorter than {min} {}", characters(min)),
                (None, Some(max)) => format!("is longer than {max} {}", characters(max)),
                (None, None) => "has the wrong length".to_owned(),
            });
        }
        match &self.pattern {
            Some((pattern, regex)) if regex.find(value).is_none() => {
                Some(format!("does not match {pattern}"))
            }
            _ => None,
        }
    }
}

/// The rule that a list of `length` entries breaks, if any, of at least `min` and at most
/// `max` entries.
fn list_length(min: Option<usize>, max: Option<usize>, length: usize) -> Option<String> {
    if let Some(min) = min.filter(|min| length < *min) {
        return Some(match length {
            0 => format!("is empty; at least {min} {} required", entries(min)),
            n => format!("has {n} {}; at least {min} are required", entries(n)),
        });
    }
    max.filter(|max| length > *max)
        .map(|max| format!("has {length} entries; at most {max} are allowed"))
}

/// Checks the length `length` of the list `field` against the list schema at the JSON
/// pointer `pointer` of the spec, recording the rule it breaks (its entries are not looked at).
pub(crate) fn check_length_at(
    pointer: &str,
    field: &str,
    length: usize,
    violations: &mut Violations,
) {
    let size = |schema: &Value, key: &str| {
        schema
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let schema = DOCUMENT.as_ref().ok().and_then(|d| d.pointer(pointer));
    let (min, max) = schema.map_or((None, None), |s| (size(s, "minItems"), size(s, "maxItems")));
    if let Some(rule) = list_length(min, max, length) {
        violations.push(field, rule);
    }
}

fn characters(n: usize) -> &'static str {
    if n == 1 { "character" } else { "characters" }
}

fn entries(n: usize) -> &'static str {
    if n == 1 { "entry is" } else { "entries" }
}

/// A JSON value as a violation shows it, cut after 40 characters.
fn json(value: &Value) -> String {
    match value {
        Value::String(s) => shown(s),
        other => cut(other.to_string()),
    }
}

fn cut(text: String) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn violations(schema: &str, value: Value) -> String {
        let mut v = Violations::default();
        check(schema, "", &value, &mut v);
        v.to_string()
    }

    #[test]
    fn every_violation_is_reported_by_path() {
        let text = violations(
            "ModifyEndpointServiceRequest",
            json!({
                "approval_enabled": "yes",
                "service_name": "a.b",
                "ports": [{"client_port": 0, "protocol": "SCTP", "x": 1}, 7],
                "port_id": "nope",
                "tcp_proxy": "CLOSE",
                "description": "<b>",
                "extra": true
            }),
        );
        assert_eq!(
            text,
            "extra: is not a field of the spec's schema; \
             approval_enabled: \"yes\" is not true or false; \
             description: \"<b>\" does not match ^[^<>]*$; \
             port_id: \"nope\" is not a UUID; \
             ports[0].x: is not a field of the spec's schema; \
             ports[0].client_port: 0 is not in 1..=65535; \
             ports[0].protocol: \"SCTP\" is not one of TCP, UDP; \
             ports[0].server_port: is required; \
             ports[1]: 7 is not an object; \
             service_name: \"a.b\" does not match ^[A-Za-z0-9_-]{1,16}$; \
             tcp_proxy: \"CLOSE\" is not one of close, toa_open, proxy_open, open, proxy_vni"
        );
    }

    #[test]
    fn lengths_and_list_sizes() {
        assert_eq!(
            violations("ServiceName", json!("abcdefghijklmnopq")),
            "body: \"abcdefghijklmnopq\" is not 1 to 16 characters long"
        );
        assert_eq!(
            violations("ModifyEndpointServiceRequest", json!({"ports": []})),
            "ports: is empty; at least 1 entry is required"
        );
        let many: Vec<Value> = (1..=201)
            .map(|p| json!({"client_port": p, "server_port": p}))
            .collect();
        assert_eq!(
            violations("ModifyEndpointServiceRequest", json!({ "ports": many })),
            "ports: has 201 entries; at most 200 are allowed"
        );
        assert_eq!(
            violations("ModifyEndpointServiceRequest", json!([1])),
            "body: [1] is not an object"
        );
    }

    #[test]
    fn valid_values_pass() {
        assert_eq!(
            violations(
                "ModifyEndpointServiceRequest",
                json!({"service_name": "abcdefghijklmnop", "ports": [{"client_port": 65535, "server_port": 1}]})
            ),
            ""
        );
        assert_eq!(
            violations("EndpointService", json!({"id": "x", "status": "frozen"})),
            ""
        );
        assert_eq!(
            violations("EndpointService", json!({"status": "available"})),
            "id: is required"
        );
    }
}
