//! JSON reading that refuses what `serde_json::from_slice` lets through silently: an object
//! that repeats a key (`{"service_name": "bad name!", "service_name": "good"}`, where the last
//! would win). The emulator reads request bodies with it, and so does the CLI's `--body`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses `bytes` as one JSON value, like `serde_json::from_slice`, but an object that holds a
/// key twice is an error naming the key and where it repeats:
///
/// ```
/// let error = otc_vpcep::json::from_slice(br#"{"a": 1, "b": {"c": 2, "c": 3}}"#).unwrap_err();
/// assert_eq!(error.to_string(), r#"duplicate key "c" at line 1 column 26"#);
/// assert!(error.is_data()); // syntax errors are `is_syntax()` or `is_eof()`
/// ```
pub fn from_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<Unique>(bytes).map(|unique| unique.0)
}

/// A JSON value whose objects hold each key once.
struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Unique, E> {
        Ok(Unique(Value::Bool(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Unique, E> {
        Ok(Unique(Value::from(value)))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Unique, E> {
        Ok(Unique(Value::from(value)))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Unique, E> {
        Ok(Unique(Value::from(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Unique, E> {
        Ok(Unique(Value::from(value)))
    }

    fn visit_string<E>(self, value: String) -> Result<Unique, E> {
        Ok(Unique(Value::String(value)))
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Unique(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
            }
            let Unique(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Unique(Value::Object(object)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let text = r#"{"a": [1, -2, 3.5, "x\u001b", true, null, {}], "b": {"a": 1}, "c": 18446744073709551615}"#;
        assert_eq!(
            from_slice(text.as_bytes()).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn a_repeated_key_is_an_error_at_any_depth() {
        for (text, key) in [
            (
                r#"{"service_name":"bad name!","service_name":"good"}"#,
                "service_name",
            ),
            (
                r#"{"ports":[{"protocol":"TCP","protocol":"UDP"}]}"#,
                "protocol",
            ),
            (r#"{"a":{"b":{"c":1,"c":1}}}"#, "c"),
        ] {
            let error = from_slice(text.as_bytes()).unwrap_err();
            assert!(error.is_data(), "{text}");
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("duplicate key {key:?} at line 1")),
                "{error}"
            );
        }
    }

    #[test]
    fn syntax_errors_stay_syntax_errors_and_depth_is_bounded() {
        assert!(from_slice(b"{").unwrap_err().is_eof());
        assert!(from_slice(b"{\"a\" 1}").unwrap_err().is_syntax());
        let deep = "[".repeat(100_000);
        assert!(from_slice(deep.as_bytes()).is_err());
    }
}
