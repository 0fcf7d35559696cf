//! `--output table`: the service's fields, one per line.

use std::fmt::Display;

use otc_vpcep::types::EndpointService;

/// The service as a two-column table of its documented fields (absent ones are left out).
pub fn render(service: &EndpointService) -> String {
    fn text<T: Display>(value: &Option<T>) -> Option<String> {
        value.as_ref().map(ToString::to_string)
    }
    let ports = service
        .ports
        .iter()
        .map(|p| {
            let port = |p: Option<i32>| p.map_or("?".to_owned(), |p| p.to_string());
            let protocol = text(&p.protocol).unwrap_or_else(|| "?".to_owned());
            format!(
                "{}:{}/{}",
                port(p.client_port),
                port(p.server_port),
                protocol
            )
        })
        .collect::<Vec<_>>();
    let tags = service
        .tags
        .iter()
        .map(|t| {
            format!(
                "{}={}",
                t.key.as_deref().unwrap_or(""),
                t.value.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>();
    let rows = [
        ("id", text(&service.id)),
        ("service_name", text(&service.service_name)),
        ("status", text(&service.status)),
        ("approval_enabled", text(&service.approval_enabled)),
        ("service_type", text(&service.service_type)),
        ("server_type", text(&service.server_type)),
        ("ports", (!ports.is_empty()).then(|| ports.join(", "))),
        ("port_id", text(&service.port_id)),
        ("vip_port_id", text(&service.vip_port_id)),
        ("vpc_id", text(&service.vpc_id)),
        ("pool_id", text(&service.pool_id)),
        ("cidr_type", text(&service.cidr_type)),
        ("tcp_proxy", text(&service.tcp_proxy)),
        ("description", text(&service.description)),
        ("project_id", text(&service.project_id)),
        ("created_at", text(&service.created_at)),
        ("updated_at", text(&service.updated_at)),
        ("tags", (!tags.is_empty()).then(|| tags.join(", "))),
    ];
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    rows.iter()
        .filter_map(|(name, value)| {
            let value = value.as_deref().map(crate::terminal::escape)?;
            Some(format!("{name:<width$}  {value}\n"))
        })
        .collect()
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
            "ports": [{"client_port": 8081, "server_port": 22, "protocol": "TCP"}],
            "tags": [{"key": "team", "value": "billing"}]
        }))
        .unwrap();
        assert_eq!(
            render(&service),
            "id                4189d3c2-8882-4871-a3c2-d380272eed83\n\
             status            frozen\n\
             approval_enabled  false\n\
             ports             8081:22/TCP\n\
             tags              team=billing\n"
        );
    }
}
