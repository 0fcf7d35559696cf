//! Every documented rule refuses a violating request before any I/O, naming the field and rule.

use crate::support::{
    SERVICE_ID, client, config_violations,
    server::{Reply, TestServer},
};
use otc_vpcep::{Error, types::Protocol};

/// The violations of a refused request, as `field: rule` lines.
fn violations(result: Result<impl std::fmt::Debug, Error>) -> Vec<String> {
    match result {
        Err(Error::InvalidRequest(v)) => v.iter().map(ToString::to_string).collect(),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

fn offline_client() -> otc_vpcep::Client {
    client("http://127.0.0.1:9")
}

fn check(
    change: impl FnOnce(otc_vpcep::ModifyEndpointService<'_>) -> otc_vpcep::ModifyEndpointService<'_>,
) -> Vec<String> {
    let client = offline_client();
    violations(change(client.modify_endpoint_service(SERVICE_ID)).build_body())
}

#[test]
fn service_id_must_be_a_uuid() {
    let client = offline_client();
    let result = client.modify_endpoint_service("4189d3c2-8882").build_body();
    assert_eq!(
        violations(result),
        [r#"vpc_endpoint_service_id: "4189d3c2-8882" is not a UUID"#]
    );
}

#[test]
fn service_name_rules() {
    for (bad, rule) in [
        ("", "is not 1 to 16 characters long"),
        ("seventeen-chars-x", "is not 1 to 16 characters long"),
        ("with space", "does not match ^[A-Za-z0-9_-]{1,16}$"),
        ("dot.ted", "does not match ^[A-Za-z0-9_-]{1,16}$"),
        ("ümlaut", "does not match ^[A-Za-z0-9_-]{1,16}$"),
        ("a/b", "does not match ^[A-Za-z0-9_-]{1,16}$"),
    ] {
        assert_eq!(
            check(|c| c.service_name(bad)),
            [format!("service_name: {bad:?} {rule}")],
            "{bad:?}"
        );
    }
    for good in ["a", "sixteen-chars-xx", "A_b-9", "no-hyphen_needed"] {
        assert!(check_ok(|c| c.service_name(good)), "{good:?}");
    }
}

fn check_ok(
    change: impl FnOnce(otc_vpcep::ModifyEndpointService<'_>) -> otc_vpcep::ModifyEndpointService<'_>,
) -> bool {
    let client = offline_client();
    change(client.modify_endpoint_service(SERVICE_ID))
        .build_body()
        .is_ok()
}

#[test]
fn ports_must_be_in_range() {
    assert_eq!(
        check(|c| c
            .port(80, 80, Protocol::Tcp)
            .port(81, 81, Protocol::Tcp)
            .port(82, 82, Protocol::Tcp)
            .port(0, 0, Protocol::Udp)),
        [
            "ports[3].client_port: 0 is not in 1..=65535",
            "ports[3].server_port: 0 is not in 1..=65535",
        ]
    );
    assert!(check_ok(|c| c.port(1, 65535, Protocol::Tcp).port(
        65535,
        1,
        Protocol::Udp
    )));
}

#[test]
fn at_most_200_mappings() {
    let ports: Vec<_> = (1..=201).map(|p| (p, p, Protocol::Tcp)).collect();
    assert_eq!(
        check(|c| c.ports(ports)),
        ["ports: has 201 entries; at most 200 are allowed"]
    );
}

#[test]
fn an_empty_list_of_mappings_is_refused() {
    assert_eq!(
        check(|c| c.ports([])),
        ["ports: is empty; at least 1 entry is required"]
    );
}

#[test]
fn no_duplicate_mapping() {
    assert_eq!(
        check(|c| c
            .port(8081, 22, Protocol::Tcp)
            .port(8082, 23, Protocol::Tcp)
            .port(8081, 22, Protocol::Tcp)),
        ["ports[2]: duplicates ports[0] (8081:22/TCP)"]
    );
}

#[test]
fn no_two_mappings_with_the_same_client_port_and_protocol() {
    assert_eq!(
        check(|c| c
            .port(8081, 22, Protocol::Tcp)
            .port(8081, 23, Protocol::Tcp)),
        ["ports[1]: client port 8081/TCP is already mapped by ports[0]"]
    );
    // The same client port with the other protocol, and one server port twice, are allowed.
    assert!(check_ok(|c| c
        .port(8081, 22, Protocol::Tcp)
        .port(8081, 22, Protocol::Udp)
        .port(8082, 22, Protocol::Tcp)));
}

#[test]
fn duplicates_are_found_in_short_and_long_lists_alike() {
    // Whatever the length, a clash names the first use, with the same rules.
    for length in [4_u16, 16, 17, 200] {
        let mut ports: Vec<(u16, u16, Protocol)> = (0..length)
            .map(|i| (9000 + i, 100, Protocol::Tcp))
            .collect();
        let last = usize::from(length) - 1;
        ports[last] = (9001, 100, Protocol::Tcp);
        ports[last - 1] = (9000, 7, Protocol::Tcp);
        assert_eq!(
            check(|c| c.ports(ports)),
            [
                format!(
                    "ports[{}]: client port 9000/TCP is already mapped by ports[0]",
                    last - 1
                ),
                format!("ports[{last}]: duplicates ports[1] (9001:100/TCP)"),
            ],
            "{length} mappings"
        );
    }
}

#[test]
fn port_ids_must_be_uuids() {
    #[allow(deprecated)]
    let found = check(|c| {
        c.port_id("port-1")
            .vip_port_id("4189d3c2-8882-4871-a3c2-d380272eed8")
    });
    assert_eq!(
        found,
        [
            r#"port_id: "port-1" is not a UUID"#,
            r#"vip_port_id: "4189d3c2-8882-4871-a3c2-d380272eed8" is not a UUID"#,
        ]
    );
}

#[test]
fn description_rules() {
    assert_eq!(
        check(|c| c.description("a <b> c")),
        [r#"description: "a <b> c" does not match ^[^<>]*$"#]
    );
    let long = "x".repeat(129);
    assert_eq!(
        check(|c| c.description(long)),
        [format!(
            "description: {:?}... is longer than 128 characters",
            "x".repeat(40)
        )]
    );
    assert!(check_ok(|c| c.description("é".repeat(128))));
    assert!(check_ok(|c| c.description("")));
}

#[test]
fn every_violation_is_reported_together() {
    let client = offline_client();
    let result = client
        .modify_endpoint_service("nope")
        .service_name("bad name")
        .port(0, 22, Protocol::Tcp)
        .port_id("x")
        .description(">")
        .build_body();
    let found = violations(result);
    assert_eq!(found.len(), 5, "{found:#?}");
    let fields: Vec<_> = found.iter().map(|v| v.split(':').next().unwrap()).collect();
    // The ID, then the fields in the order they were set, then the port mappings.
    assert_eq!(
        fields,
        [
            "vpc_endpoint_service_id",
            "service_name",
            "port_id",
            "description",
            "ports[0].client_port",
        ]
    );
}

/// The query checks its service ID before any I/O, as the change does; the project ID is
/// checked when the client is built (see `configuration` below).
#[tokio::test]
async fn a_query_with_an_invalid_service_id_sends_nothing() {
    let server = TestServer::always(Reply::ok()).await;
    let client = client(server.url());
    for bad in [
        "",
        "4189d3c2-8882",
        "../../x",
        "4189d3c2-8882-4871-a3c2-d380272eed8g",
    ] {
        let result = client.get_endpoint_service(bad).send().await;
        assert_eq!(
            violations(result),
            [format!("vpc_endpoint_service_id: {bad:?} is not a UUID")]
        );
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_refused_request_sends_nothing() {
    let server = TestServer::always(Reply::ok()).await;
    let client = client(server.url());
    let result = client
        .modify_endpoint_service(SERVICE_ID)
        .service_name("this name is too long")
        .send()
        .await;
    assert!(
        matches!(result, Err(Error::InvalidRequest(_))),
        "{result:?}"
    );
    assert!(server.received().is_empty());
}

mod configuration {
    use super::*;

    #[test]
    fn project_id_and_endpoint_are_required() {
        assert_eq!(
            config_violations(otc_vpcep::Client::builder()),
            [
                "endpoint: is required: set a region or an endpoint URL",
                "project_id: is required"
            ]
        );
    }

    #[test]
    fn project_id_must_be_safe_in_a_path() {
        for (bad, rule) in [
            ("", "is not 1 to 64 characters long"),
            ("a/b", "does not match ^[A-Za-z0-9_-]{1,64}$"),
            ("../x", "does not match ^[A-Za-z0-9_-]{1,64}$"),
            ("p?q", "does not match ^[A-Za-z0-9_-]{1,64}$"),
            ("p%2F", "does not match ^[A-Za-z0-9_-]{1,64}$"),
        ] {
            assert_eq!(
                config_violations(otc_vpcep::Client::builder().region("eu-de").project_id(bad)),
                [format!("project_id: {bad:?} {rule}")]
            );
        }
    }

    #[test]
    fn region_and_endpoint_are_checked() {
        let builder = || otc_vpcep::Client::builder().project_id("p");
        assert_eq!(
            config_violations(builder().region("eu de")),
            [r#"region: "eu de" is not a region name such as "eu-de""#]
        );
        assert_eq!(
            config_violations(builder().endpoint("ftp://example.com")),
            ["endpoint: is not an http or https URL"]
        );
        assert_eq!(
            config_violations(builder().endpoint("https://user:pw@example.com")),
            ["endpoint: must not carry credentials"]
        );
        assert!(
            config_violations(builder().endpoint("example.com"))[0]
                .starts_with("endpoint: is not a URL")
        );
    }

    #[test]
    fn region_and_endpoint_set_the_base_url() {
        let client = otc_vpcep::Client::builder()
            .region("eu-nl")
            .project_id("p")
            .build()
            .unwrap();
        assert_eq!(client.endpoint(), "https://vpcep.eu-nl.otc.t-systems.com");
        let client = otc_vpcep::Client::builder()
            .region("eu-nl")
            .endpoint("https://vpcep.ap-southeast-1.myhuaweicloud.com/")
            .project_id("p")
            .build()
            .unwrap();
        assert_eq!(
            client.endpoint(),
            "https://vpcep.ap-southeast-1.myhuaweicloud.com"
        );
    }
}
