//! Reading a clouds file: its `clouds` mapping, a cloud in it, and secure.yaml merged over
//! clouds.yaml.

use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

use crate::{config::files, spec::validation::Violations};

/// The `clouds` mapping of a file (`required`: the file must have one).
pub(super) fn read_clouds(
    path: &Path,
    required: bool,
    violations: &mut Violations,
) -> Option<Mapping> {
    let shown = path.display().to_string();
    let bytes = match files::read_bounded(path) {
        Ok(bytes) => bytes,
        Err(problem) => {
            violations.push(shown, problem);
            return None;
        }
    };
    let document: Value = match serde_yaml_ng::from_slice(&bytes) {
        Ok(document) => document,
        Err(e) => {
            violations.push(shown, format!("is not valid YAML: {e}"));
            return None;
        }
    };
    match document {
        Value::Mapping(mut top) => match top.remove("clouds") {
            Some(Value::Mapping(clouds)) => Some(clouds),
            None | Some(Value::Null) if !required => Some(Mapping::new()),
            None | Some(Value::Null) => {
                violations.push(shown, "has no `clouds` mapping");
                None
            }
            Some(other) => {
                violations.push(
                    format!("{shown}: clouds"),
                    format!("is {}, expected a mapping of clouds by name", kind(&other)),
                );
                None
            }
        },
        Value::Null if !required => Some(Mapping::new()),
        other => {
            violations.push(
                shown,
                format!("is {}, expected a mapping with `clouds`", kind(&other)),
            );
            None
        }
    }
}

/// The names of the clouds of a file.
pub(super) fn names(clouds: &Mapping) -> Vec<String> {
    clouds
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect()
}

pub(super) fn shown_names(names: &[String]) -> String {
    if names.is_empty() {
        "no cloud".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The mapping of cloud `name` (`None` if absent); a cloud that is not a mapping is recorded.
pub(super) fn cloud_of(
    clouds: &Mapping,
    name: &str,
    path: &Path,
    violations: &mut Violations,
) -> Option<Option<Mapping>> {
    match clouds.get(name) {
        None | Some(Value::Null) => Some(None),
        Some(Value::Mapping(cloud)) => Some(Some(cloud.clone())),
        Some(other) => {
            violations.push(
                format!("{}: clouds.{name}", path.display()),
                format!("is {}, expected a mapping", kind(other)),
            );
            None
        }
    }
}

/// Merges `over` into `base` key by key: mappings recursively, any other value replaced.
pub(super) fn merge(base: &mut Mapping, over: &Mapping) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(Value::Mapping(inner)), Value::Mapping(over_inner)) => merge(inner, over_inner),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// What a YAML value is, in words (never the value itself: it may be a secret).
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The value at a path of nested keys.
pub(super) fn lookup<'m>(mapping: &'m Mapping, key: &[&str]) -> Option<&'m Value> {
    let (first, rest) = key.split_first()?;
    let value = mapping.get(*first)?;
    if rest.is_empty() {
        return Some(value);
    }
    match value {
        Value::Mapping(inner) => lookup(inner, rest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_goes_key_by_key_and_secure_values_win() {
        let mut base: Mapping =
            serde_yaml_ng::from_str("auth: {username: u, project_name: p}\nregion_name: eu-de\n")
                .unwrap();
        let over: Mapping =
            serde_yaml_ng::from_str("auth: {password: pw, project_name: q}\n").unwrap();
        merge(&mut base, &over);
        let expected: Mapping = serde_yaml_ng::from_str(
            "auth: {username: u, project_name: q, password: pw}\nregion_name: eu-de\n",
        )
        .unwrap();
        assert_eq!(base, expected);
    }
}
