//! Many services at once, for trying lists and pagination on an emulator
//! ([`EmulatorBuilder::seed_count`](super::EmulatorBuilder::seed_count), `vpcep emulator
//! --seed-count`): generated, not read from a file, so that 10,000 take a few milliseconds.
//!
//! Service `n` (from 1) of a project is, predictably:
//!
//! - ID `00000000-0000-4000-8000-{n:012x}`, backend port `00000000-0000-4000-9000-{n:012x}`
//!   (each its own, so that no two clash), the documented service's VPC;
//! - named `seed-{n}` (unique; decorated in answers as every name is);
//! - `available`, `VM`, `interface`, one mapping 80 -> 8080 TCP, approval not required;
//! - created (and last updated) at 2024-01-01T00:00:00Z plus `n / 3` seconds: every three
//!   share a time, so that a list sorted by time has ties and their order (by ID) matters.

use uuid::Uuid;

use crate::{
    OpenEnum,
    spec::ports,
    types::{
        CidrType, EndpointService, Protocol, ServerType, ServiceStatus, ServiceType, TcpProxy,
    },
};

/// The most services [`EmulatorBuilder::seed_count`](super::EmulatorBuilder::seed_count)
/// generates (each takes about a kilobyte).
pub const MAX_SEED_COUNT: usize = 100_000;

/// The VPC of the generated services: the documented service's.
const VPC_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed80";
/// The ID of generated service `n`, and of its backend port.
const ID_BASE: u128 = 0x0000_0000_0000_4000_8000_0000_0000_0000;
const PORT_BASE: u128 = 0x0000_0000_0000_4000_9000_0000_0000_0000;
/// 2024-01-01T00:00:00Z, in seconds since 1970.
const FIRST_TIME: i64 = 1_704_067_200;

/// Generated service `n` (1 or more) of `project_id`.
pub(crate) fn service(project_id: &str, n: usize) -> EndpointService {
    let n128 = u128::try_from(n).unwrap_or(u128::MAX) & 0xffff_ffff_ffff;
    let time = created_at(n);
    EndpointService {
        id: Uuid::from_u128(ID_BASE | n128).to_string(),
        port_id: Some(Uuid::from_u128(PORT_BASE | n128).to_string()),
        vpc_id: Some(VPC_ID.to_owned()),
        pool_id: None,
        service_name: Some(format!("seed-{n}")),
        approval_enabled: Some(false),
        server_type: Some(OpenEnum::Known(ServerType::Vm)),
        service_type: Some(OpenEnum::Known(ServiceType::Interface)),
        status: Some(OpenEnum::Known(ServiceStatus::Available)),
        project_id: Some(project_id.to_owned()),
        created_at: Some(time.clone()),
        updated_at: Some(time),
        cidr_type: Some(OpenEnum::Known(CidrType::Internal)),
        ports: vec![ports::answered(80, 8080, Protocol::Tcp)],
        tcp_proxy: Some(OpenEnum::Known(TcpProxy::Close)),
        tags: Vec::new(),
        description: Some(String::new()),
        connection_count: Some(0),
        domain_id: None,
        error: Vec::new(),
        vip_port_id: None,
    }
}

/// The creation time of generated service `n`, as the service writes times.
fn created_at(n: usize) -> String {
    let offset = i64::try_from(n / 3).unwrap_or(0);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(FIRST_TIME + offset)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_services_are_unique_and_predictable() {
        let first = service("p", 1);
        assert_eq!(first.id, "00000000-0000-4000-8000-000000000001");
        assert_eq!(
            first.port_id.as_deref(),
            Some("00000000-0000-4000-9000-000000000001")
        );
        assert_eq!(first.service_name.as_deref(), Some("seed-1"));
        assert_eq!(first.created_at.as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(
            service("p", 10_000).created_at.as_deref(),
            Some("2024-01-01T00:55:33Z")
        );
        let ids: std::collections::HashSet<_> = (1..=1000).map(|n| service("p", n).id).collect();
        assert_eq!(ids.len(), 1000);
    }
}
