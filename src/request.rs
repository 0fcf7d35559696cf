//! [`Body`]: a JSON request body as its fields are set, checked against the spec's schema and
//! converted into the generated request type when the request is made.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{schema, validation::Violations};

/// The fields of a request body set so far, as JSON: by the generated setters, by hand-written
/// conveniences, or merged from a whole JSON body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Body(Value);

impl Default for Body {
    fn default() -> Self {
        Self(Value::Object(Map::new()))
    }
}

impl Body {
    /// Sets the field `name`. (A body that is not an object, as a JSON body can be, stays as
    /// it is: its check reports it.)
    pub(crate) fn set(&mut self, name: &str, value: Value) {
        if let Value::Object(fields) = &mut self.0 {
            fields.insert(name.to_owned(), value);
        }
    }

    /// Appends `entry` to the list `name`, starting the list if needed.
    pub(crate) fn push(&mut self, name: &str, entry: Value) {
        if let Value::Object(fields) = &mut self.0 {
            match fields.get_mut(name) {
                Some(Value::Array(entries)) => entries.push(entry),
                _ => {
                    fields.insert(name.to_owned(), Value::Array(vec![entry]));
                }
            }
        }
    }

    /// Sets every field of `body`; a `body` that is not an object replaces the whole body (and
    /// is reported when it is checked).
    pub(crate) fn merge(&mut self, body: &Value) {
        match (&mut self.0, body) {
            (Value::Object(fields), Value::Object(more)) => {
                fields.extend(more.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            (current, other) => *current = other.clone(),
        }
    }

    /// The body as the generated type `T`, whose spec schema is `schema`, or `None` with every
    /// rule it breaks recorded in `violations`: the schema's, then those of `rules` (the
    /// operation's rules that the schema cannot state).
    pub(crate) fn checked<T: DeserializeOwned>(
        self,
        schema: &str,
        violations: &mut Violations,
        rules: impl FnOnce(&Value, &mut Violations),
    ) -> Option<T> {
        let before = violations.len();
        schema::check(schema, "", &self.0, violations);
        rules(&self.0, violations);
        if violations.len() > before {
            return None;
        }
        // The generated type enforces the spec's rules again; it can only refuse what the
        // schema's check missed, which is reported rather than lost.
        serde_json::from_value(self.0)
            .map_err(|e| violations.push("body", e.to_string()))
            .ok()
    }
}
