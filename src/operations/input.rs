//! [`Input`]: the body of a request as its fields are set, kept in the generated request type
//! (each field converted as it is set), with every rule broken on the way.

use std::str::FromStr;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::{spec::schema, spec::validation::Violations};

/// A request body being built: the generated type `T` with the fields that passed their
/// checks, and the violations of those that did not.
#[derive(Clone, Debug, Default)]
pub(crate) struct Input<T> {
    /// The fields set so far that passed their checks.
    pub(crate) body: T,
    /// Every rule broken by a field set so far, by field path.
    violations: Violations,
}

impl<T> Input<T> {
    /// `value` as the field's type (the spec's type for it), or `None` with the rule it breaks
    /// (worded from `schema`, the JSON pointer of the field's schema in the spec). The field's
    /// earlier violations are forgotten: the last value set counts.
    pub(crate) fn parsed<V: FromStr>(
        &mut self,
        field: &str,
        schema: &str,
        value: &str,
    ) -> Option<V> {
        self.violations.forget(field);
        let parsed = value.parse().ok();
        if parsed.is_none() {
            self.refuse(field, schema, &Value::String(value.to_owned()));
        }
        parsed
    }

    /// Forgets the violations of `field` (it is being set again).
    pub(crate) fn forget(&mut self, field: &str) {
        self.violations.forget(field);
    }

    /// Records the rule of `schema` (a JSON pointer into the spec) that `value`, given for
    /// `field`, breaks.
    pub(crate) fn refuse(&mut self, field: &str, schema: &str, value: &Value) {
        let before = self.violations.len();
        schema::check_at(schema, field, value, &mut self.violations);
        if self.violations.len() == before {
            // The generated type refused what the spec's schema accepts: never lose it.
            self.violations.push(field, "is not a valid value");
        }
    }

    /// The body and every rule broken while it was built.
    pub(crate) fn into_parts(self) -> (T, Violations) {
        (self.body, self.violations)
    }
}

impl<T: Serialize + DeserializeOwned> Input<T> {
    /// Sets every field of the JSON body `json`, checked against the spec's schema `schema`
    /// and `rules` (those the schema cannot state), all at once: if any rule is broken, every
    /// violation is recorded and no field is set.
    pub(crate) fn merge_json(
        &mut self,
        schema: &str,
        json: &Value,
        rules: impl FnOnce(&Value, &mut Violations),
    ) {
        let Value::Object(fields) = json else {
            schema::check(schema, "", json, &mut self.violations);
            return;
        };
        for name in fields.keys() {
            self.violations.forget(name);
        }
        let merged = match serde_json::to_value(&self.body) {
            Ok(Value::Object(mut current)) => {
                current.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                Value::Object(current)
            }
            _ => json.clone(),
        };
        let before = self.violations.len();
        schema::check(schema, "", &merged, &mut self.violations);
        rules(&merged, &mut self.violations);
        if self.violations.len() > before {
            return;
        }
        match serde_json::from_value(merged) {
            Ok(body) => self.body = body,
            // The generated type refused what the spec's schema accepts: never lose it.
            Err(e) => self.violations.push("body", e.to_string()),
        }
    }
}

/// The JSON request body of a generated builder: its fields as set, checked all at once
/// against the spec's schema of the body when the request is (every violation by name, the
/// required fields included), then turned into the generated body type.
#[derive(Clone, Debug, Default)]
pub(crate) struct JsonBody {
    /// The fields set so far, as JSON.
    fields: serde_json::Map<String, Value>,
    /// The fields whose value could not be made JSON, with why.
    unencoded: Violations,
}

impl JsonBody {
    /// Sets the field `name` to `value` as JSON (the last value set counts).
    pub(crate) fn set_encoded<V: Serialize>(&mut self, name: &str, value: &V) {
        self.unencoded.forget(name);
        match serde_json::to_value(value) {
            Ok(value) => {
                self.fields.insert(name.to_owned(), value);
            }
            Err(e) => {
                self.fields.remove(name);
                self.unencoded.push(name, format!("cannot be encoded: {e}"));
            }
        }
    }

    /// The field `name` as set, if it is.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// The field `name` as set, to change it in place (a list a convenience appends to).
    pub(crate) fn entry(&mut self, name: &str) -> serde_json::map::Entry<'_> {
        self.unencoded.forget(name);
        self.fields.entry(name)
    }

    /// Sets every field of the JSON body `json` (checked with the rest when the request is);
    /// a body that is not a JSON object is kept as a violation.
    pub(crate) fn merge_json(&mut self, json: &Value) {
        match json {
            Value::Object(fields) => {
                for (name, value) in fields {
                    self.unencoded.forget(name);
                    self.fields.insert(name.clone(), value.clone());
                }
            }
            other => self.unencoded.push(
                "body",
                format!("must be a JSON object, not {}", kind_of(other)),
            ),
        }
    }

    /// The body as the generated type `T`, checked against the spec's schema `schema` and
    /// `rules` (those the schema cannot state), or `None` with every violation in `v`.
    pub(crate) fn checked<T: DeserializeOwned>(
        &self,
        schema: &str,
        rules: impl FnOnce(&Value, &mut Violations),
        v: &mut Violations,
    ) -> Option<T> {
        let before = v.len() + self.unencoded.len();
        v.extend(self.unencoded.clone());
        let body = Value::Object(self.fields.clone());
        schema::check(schema, "", &body, v);
        rules(&body, v);
        if v.len() > before {
            return None;
        }
        match T::deserialize(&body) {
            Ok(body) => Some(body),
            // The generated type refused what the spec's schema accepts: never lose it.
            Err(e) => {
                v.push("body", e.to_string());
                None
            }
        }
    }
}

/// Checks `value`, given for the parameter `name`, against the spec's schema at `pointer` (a
/// JSON pointer into the spec), recording every rule it breaks in `v`.
pub(crate) fn check_parameter<V: Serialize>(
    pointer: &str,
    name: &str,
    value: &V,
    v: &mut Violations,
) {
    match serde_json::to_value(value) {
        Ok(value) => schema::check_at(pointer, name, &value, v),
        Err(e) => v.push(name, format!("cannot be encoded: {e}")),
    }
}

/// What a JSON value is, for a refusal.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
