//! `--output table`: a service's fields, one per line, whatever fields the spec gives it; a
//! list of services, one a row; the quotas, one resource type a row.

use otc_vpcep::types::EndpointService;
use serde_json::Value;

/// The fields shown first, in this order; every other field follows in the order of its name.
const FIRST: [&str; 3] = ["id", "service_name", "status"];

/// An answer (a service) as a two-column table of the fields it has (absent and empty ones
/// are left out).
pub fn render(answer: &impl serde::Serialize) -> String {
    let Ok(Value::Object(fields)) = serde_json::to_value(answer) else {
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

/// The port mappings a row of the list shows; more are counted.
const ROW_PORTS: usize = 3;

/// The services as a table, one a row: ID, name (without the API's decoration), status,
/// backend type, port mappings (the first few, then how many more) and creation time.
pub fn services(services: &[EndpointService]) -> String {
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|service| {
            let fields = serde_json::to_value(service).unwrap_or(Value::Null);
            let text = |name: &str| fields.get(name).map_or_else(String::new, scalar);
            vec![
                service.id.clone(),
                bare_name(service).unwrap_or_default(),
                text("status"),
                text("server_type"),
                ports(&fields),
                text("created_at"),
            ]
        })
        .collect();
    columns(&["ID", "NAME", "STATUS", "TYPE", "PORTS", "CREATED"], &rows)
}

/// The most columns of [`items`].
const ITEM_COLUMNS: usize = 6;

/// Items of a list the CLI knows nothing more of as a table, one a row: their fields of a
/// scalar value (text, number, boolean), `id` and `status` first, then the others in the
/// order of their names, at most [`ITEM_COLUMNS`].
pub fn items(items: &[impl serde::Serialize]) -> String {
    let values: Vec<Value> = items
        .iter()
        .map(|item| serde_json::to_value(item).unwrap_or(Value::Null))
        .collect();
    let mut names: Vec<&str> = values
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|fields| fields.iter())
        .filter(|(_, value)| matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)))
        .map(|(name, _)| name.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    names.sort_by_key(|name| {
        let rank = ["id", "status"].iter().position(|first| first == name);
        (rank.unwrap_or(2), *name)
    });
    names.truncate(ITEM_COLUMNS);
    rows(&values, &names)
}

/// Items as a table, one a row, of the fields `fields` (as the API names them, upper case as
/// headers).
pub fn rows(items: &[impl serde::Serialize], fields: &[&str]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            let item = serde_json::to_value(item).unwrap_or(Value::Null);
            fields
                .iter()
                .map(|name| item.get(name).map_or_else(String::new, scalar))
                .collect()
        })
        .collect();
    let headers: Vec<String> = fields.iter().map(|f| f.to_ascii_uppercase()).collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    columns(&headers, &rows)
}

/// The name of `service` as created: the API answers it decorated as `{region}.{name}.{id}`.
fn bare_name(service: &EndpointService) -> Option<String> {
    let answered = service.service_name.as_deref()?;
    let bare = answered
        .strip_suffix(service.id.as_str())
        .and_then(|rest| rest.strip_suffix('.'))
        .and_then(|rest| rest.split_once('.'))
        .map(|(_region, name)| name)
        .filter(|name| !name.is_empty());
    Some(bare.unwrap_or(answered).to_owned())
}

/// The port mappings of a service as one cell: the first few, then how many more.
fn ports(fields: &Value) -> String {
    let Some(Value::Array(ports)) = fields.get("ports") else {
        return String::new();
    };
    let mut cell = ports
        .iter()
        .take(ROW_PORTS)
        .map(|port| item_text("ports", port))
        .collect::<Vec<_>>()
        .join(", ");
    if ports.len() > ROW_PORTS {
        cell.push_str(&format!(" (+{} more)", ports.len() - ROW_PORTS));
    }
    cell
}

/// A table with a row of `headers`, each column as wide as its widest cell (escaped), empty
/// cells as `-`; the last column is not padded.
fn columns(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell.as_str() {
                    "" => "-".to_owned(),
                    cell => crate::terminal::escape(cell).into_owned(),
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, header)| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| cell.chars().count())
                .chain([header.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == last {
                text.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        text.push('\n');
        text
    };
    let mut table = line(headers.to_vec());
    for row in &rows {
        table.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    table
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
    fn a_list_is_a_row_a_service_with_its_bare_name_and_a_few_ports() {
        let id = "4189d3c2-8882-4871-a3c2-d380272eed83";
        let ports: Vec<Value> = (1..=5)
            .map(|n| serde_json::json!({"client_port": n, "server_port": 80, "protocol": "TCP"}))
            .collect();
        let list: Vec<EndpointService> = serde_json::from_value(serde_json::json!([
            {"id": id, "service_name": format!("eu-de.web.{id}"), "status": "available",
             "server_type": "LB", "ports": ports, "created_at": "2018-01-30T07:42:01Z"},
            {"id": "x", "service_name": "plain\u{1b}[2J"}
        ]))
        .unwrap();
        assert_eq!(
            services(&list),
            "ID                                    NAME            STATUS     TYPE  PORTS                                   CREATED\n\
             4189d3c2-8882-4871-a3c2-d380272eed83  web             available  LB    1:80/TCP, 2:80/TCP, 3:80/TCP (+2 more)  2018-01-30T07:42:01Z\n\
             x                                     plain\\u{1b}[2J  -          -     -                                       -\n"
        );
    }

    #[test]
    fn items_show_their_scalar_fields_id_and_status_first() {
        let answered = [
            serde_json::json!({"zone": "z1", "status": "accepted", "id": "e1", "tags": [1], "ip": "10.0.0.1"}),
            serde_json::json!({"id": "e2", "enabled": true}),
        ];
        assert_eq!(
            items(&answered),
            "ID  STATUS    ENABLED  IP        ZONE\n\
             e1  accepted  -        10.0.0.1  z1\n\
             e2  -         true     -         -\n"
        );
    }

    #[test]
    fn items_are_a_row_each_of_the_fields_asked() {
        let resources: Vec<otc_vpcep::types::QuotaResource> =
            serde_json::from_value(serde_json::json!([
                {"type": "endpoint", "used": 4, "quota": 150},
                {"type": "endpoint_service", "used": 10, "quota": 100}
            ]))
            .unwrap();
        assert_eq!(
            rows(&resources, &["type", "used", "quota"]),
            "TYPE              USED  QUOTA\n\
             endpoint          4     150\n\
             endpoint_service  10    100\n"
        );
    }

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
