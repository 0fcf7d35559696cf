//! `--output table`: a service's fields, one per line, whatever fields the spec gives it.

use otc_vpcep::types::EndpointService;
use serde_json::Value;

/// The fields shown first, in this order; every other field follows in the order of its name.
const FIRST: [&str; 3] = ["id", "service_name", "status"];

/// The service as a two-column table of the fields it has (absent and empty ones are left out).
pub fn render(service: &EndpointService) -> String {
    let Ok(Value::Object(fields)) = serde_json::to_value(service) else {
        return String::new();
    };
    let mut rows: Vec<(&str, String)> = fields
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), cell(name, value)?)))
        .collect();
    rows.sort_by_key(|(name, _)| {
        let rank = FIRST.iter().position(|first| first == name);
        (rank.unwrap_or(FIRST.len()), *name)
    });
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(name, value)| format!("{name:<width$}  {}\n", crate::terminal::escape(value)))
        .collect()
}

/// A field's value as one cell, or `None` when there is nothing to show.
fn cell(name: &str, value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => Some(
            items
                .iter()
                .map(|item| item_text(name, item))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => Some(scalar(other)),
    }
}

/// One entry of a list: port mappings as `8081:22/TCP`, tags as `key=value`, errors as
/// `code: message`, anything else as its fields.
fn item_text(list: &str, item: &Value) -> String {
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| item.get(name))
            .map_or_else(|| "?".to_owned(), scalar)
    };
    match list {
        "ports" => format!(
            "{}:{}/{}",
            field(&["client_port"]),
            field(&["server_port"]),
            field(&["protocol"])
        ),
        "tags" => format!("{}={}", field(&["key"]), field(&["value"])),
        "error" => format!(
            "{}: {}",
            field(&["error_code", "code"]),
            field(&["error_message", "message"])
        ),
        _ => match item {
            Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| format!("{k}={}", scalar(v)))
                .collect::<Vec<_>>()
                .join(" "),
            other => scalar(other),
        },
    }
}

/// A value as text: strings without quotes, anything else as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_shows_the_fields_that_are_present() {
        let service: EndpointService = serde_json::from_value(serde_json::json!({
            "id": "4189d3c2-8882-4871-a3c2-d380272eed83",
            "status": "frozen",
            "approval_enabled": false,
            "connection_count": 3,
            "ports": [{"client_port": 8081, "server_port": 22, "protocol": "TCP"}],
            "tags": [{"key": "team", "value": "billing"}],
            "error": [
                {"error_code": "EndPoint.3008", "error_message": "The port does not exist."},
                {"code": "EndPoint.0001", "message": "System error."}
            ]
        }))
        .unwrap();
        assert_eq!(
            render(&service),
            "id                4189d3c2-8882-4871-a3c2-d380272eed83\n\
             status            frozen\n\
             approval_enabled  false\n\
             connection_count  3\n\
             error             EndPoint.3008: The port does not exist., EndPoint.0001: System error.\n\
             ports             8081:22/TCP\n\
             tags              team=billing\n"
        );
    }
}
