//! `vpcep list`, `quotas`, `create`, `delete` and `completions`, and a SERVICE given by name,
//! against a scripted loopback server that answers as the API does: every page walked and
//! printed as JSON lines (or a table, or an array), the request of a dry run, every rule
//! checked before anything is sent, a delete refused without confirmation, asked on a
//! terminal, and names looked up by listing.

#![cfg(feature = "cli")]

use crate::support::{
    PROJECT_ID,
    cli::{CLI_TOKEN, on_a_terminal, stderr, stdout, vpcep, vpcep_with_token},
    server::{Received, Reply, TestServer},
    spec,
};
use serde_json::{Value, json};

const PORT_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";
const VPC_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed80";

/// The ID of the `n`th service.
fn id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// The `n`th service, named `name`, as the API answers it (its name decorated).
fn service(n: usize, name: &str) -> Value {
    json!({
        "id": id(n),
        "service_name": format!("eu-de.{name}.{}", id(n)),
        "status": "available",
        "server_type": "LB",
        "connection_count": 0,
        "ports": [{"client_port": 8080, "server_port": 80, "protocol": "TCP"}],
        "created_at": format!("2026-01-0{}T00:00:00Z", n % 9 + 1),
    })
}

/// `count` services, named `s0`, `s1`, ...
fn services(count: usize) -> Vec<Value> {
    (0..count).map(|n| service(n, &format!("s{n}"))).collect()
}

/// The value of the query parameter `name` of a request.
fn query(request: &Received, name: &str) -> Option<String> {
    let (_, query) = request.target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// The path of the project's services.
fn services_path() -> String {
    format!("/v1/{PROJECT_ID}/vpc-endpoint-services")
}

/// The path of the service `id`.
fn service_path(id: &str) -> String {
    format!("{}/{id}", services_path())
}

/// The API's answer to a list request or a query of one of `all`, as the service gives it
/// (the name filter fuzzy and case-insensitive, pages by `offset` and `limit`), or `None` for
/// another request.
fn api(all: &[Value], request: &Received) -> Option<Reply> {
    if request.method != "GET" {
        return None;
    }
    if request.path() == services_path() {
        let name = query(request, "endpoint_service_name").map(|n| n.to_lowercase());
        let status = query(request, "status");
        let matching: Vec<&Value> = all
            .iter()
            .filter(|s| {
                name.as_ref().is_none_or(|name| {
                    s["service_name"]
                        .as_str()
                        .is_some_and(|n| n.to_lowercase().contains(name))
                })
            })
            .filter(|s| status.as_ref().is_none_or(|status| s["status"] == **status))
            .collect();
        let offset: usize = query(request, "offset").map_or(0, |o| o.parse().unwrap());
        let limit: usize = query(request, "limit").map_or(10, |l| l.parse().unwrap());
        let page: Vec<&Value> = matching.iter().copied().skip(offset).take(limit).collect();
        let body = json!({"endpoint_services": page, "total_count": matching.len()});
        return Some(Reply::json(200, &body.to_string()));
    }
    let found = all
        .iter()
        .find(|s| request.path() == service_path(s["id"].as_str().unwrap()));
    Some(match found {
        Some(service) => Reply::json(200, &service.to_string()),
        None => Reply::error(404, "EndPoint.0005", "The resource does not exist."),
    })
}

/// A server that answers as [`api`] for `all`, and anything else with `other`.
async fn serving(
    all: Vec<Value>,
    other: impl Fn(&Received) -> Reply + Send + Sync + 'static,
) -> TestServer {
    TestServer::start(move |_, request| api(&all, request).unwrap_or_else(|| other(request))).await
}

/// The requests of `server` as `METHOD path`.
fn requests(server: &TestServer) -> Vec<String> {
    server
        .received()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect()
}

/// The JSON lines of `text`.
fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect()
}

fn unexpected(request: &Received) -> Reply {
    panic!("unexpected request {} {}", request.method, request.target)
}

#[tokio::test(flavor = "multi_thread")]
async fn list_walks_every_page_and_prints_json_lines_when_not_on_a_terminal() {
    let all = services(5);
    let server = serving(all.clone(), unexpected).await;
    let output = vpcep_with_token(server.url(), &["list", "--page-size", "2"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        json_lines(&stdout(&output)),
        all,
        "each service once, in order"
    );
    let received = server.received();
    let offsets: Vec<_> = received.iter().map(|r| query(r, "offset")).collect();
    // Each page after the first starts one row early, to find its place again; the page
    // that reaches the answered `total_count` is the last.
    assert_eq!(offsets, ["0", "1", "2", "3"].map(|o| Some(o.to_owned())));
    for request in &received {
        assert_eq!(request.header("x-auth-token"), Some(CLI_TOKEN));
        assert_eq!(query(request, "limit").as_deref(), Some("2"));
        assert_eq!(query(request, "sort_dir").as_deref(), Some("asc"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_sends_its_filters_as_the_api_names_them() {
    let mut all = services(4);
    all[2]["status"] = json!("failed");
    let server = serving(all.clone(), unexpected).await;
    let output = vpcep_with_token(
        server.url(),
        &[
            "list",
            "--name",
            "s",
            "--status",
            "FAILED",
            "--sort-key",
            "updated_at",
            "--sort-dir",
            "desc",
        ],
    )
    .output()
    .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(json_lines(&stdout(&output)), [all[2].clone()]);
    let request = &server.received()[0];
    assert_eq!(
        query(request, "endpoint_service_name").as_deref(),
        Some("s")
    );
    assert_eq!(query(request, "status").as_deref(), Some("failed"));
    assert_eq!(query(request, "sort_key").as_deref(), Some("updated_at"));
    assert_eq!(query(request, "sort_dir").as_deref(), Some("desc"));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_limit_bounds_the_services_printed_and_read() {
    let all = services(50);
    let server = serving(all.clone(), unexpected).await;
    let output = vpcep_with_token(server.url(), &["list", "--limit", "3"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(json_lines(&stdout(&output)), all[..3].to_vec());
    let received = server.received();
    assert_eq!(received.len(), 1, "one page of 3 is enough");
    assert_eq!(query(&received[0], "limit").as_deref(), Some("3"));

    let output = vpcep_with_token(server.url(), &["list", "--limit", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_prints_one_json_array_or_a_table_when_asked() {
    let all = services(3);
    let server = serving(all.clone(), unexpected).await;
    let output = vpcep_with_token(server.url(), &["list", "--output", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let array: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(array, Value::Array(all.clone()));

    let output = vpcep_with_token(server.url(), &["list", "--output", "table"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("ID "), "{table}");
    assert!(
        lines[0].contains("NAME") && lines[0].contains("STATUS"),
        "{table}"
    );
    // The name as created, not as the API decorates it.
    assert!(lines[1].starts_with(&format!("{}  s0  ", id(0))), "{table}");
    assert!(lines[1].contains("8080:80/TCP"), "{table}");

    // Nothing matches: an empty array, and no lines.
    let output = vpcep_with_token(server.url(), &["list", "--name", "nothing"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(stdout(&output), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_fails_midway_exits_1_after_the_lines_already_printed() {
    let all = services(5);
    let server = TestServer::start(move |n, request| match n {
        0 => api(&all, request).unwrap(),
        _ => Reply::error(500, "EndPoint.0001", "System error."),
    })
    .await;
    let output = vpcep_with_token(
        server.url(),
        &["list", "--page-size", "2", "--retries", "0"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json_lines(&stdout(&output)).len(), 2);
    assert!(
        stderr(&output).contains("EndPoint.0001"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_a_long_list_shows_progress_then_a_table() {
    let all = services(3);
    let server = TestServer::start(move |_, request| {
        // Slower than the spinner's patience.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        api(&all, request).unwrap()
    })
    .await;
    let url = server.url().to_owned();
    let shown = tokio::task::spawn_blocking(move || {
        on_a_terminal(
            &["list", "--endpoint", &url],
            &[("OS_PROJECT_ID", PROJECT_ID), ("OS_AUTH_TOKEN", "t")],
            "",
        )
    })
    .await
    .unwrap();
    assert_eq!(shown.code, Some(0), "{}", shown.screen);
    assert!(
        shown
            .screen
            .contains("reading VPC endpoint services: 0 so far (1s)"),
        "{}",
        shown.screen
    );
    assert!(shown.screen.contains("ID "), "a table: {}", shown.screen);
    assert!(
        shown.screen.contains(&format!("{}  s2  ", id(2))),
        "{}",
        shown.screen
    );
    assert!(!shown.screen.contains("{\""), "no JSON: {}", shown.screen);
}

#[tokio::test(flavor = "multi_thread")]
async fn quotas_send_the_type_and_print_a_line_or_a_row_a_type() {
    let answer = json!({"quotas": {"resources": [
        {"type": "endpoint_service", "used": 10, "quota": 100},
        {"type": "endpoint", "used": 4, "quota": 150}
    ]}});
    let body = answer.to_string();
    let server = TestServer::always(Reply::json(200, &body)).await;
    let output = vpcep_with_token(server.url(), &["quotas", "--type", "endpoint_service"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        json_lines(&stdout(&output)),
        answer["quotas"]["resources"].as_array().unwrap().clone()
    );
    let request = &server.received()[0];
    assert_eq!(request.path(), format!("/v1/{PROJECT_ID}/quotas"));
    assert_eq!(query(request, "type").as_deref(), Some("endpoint_service"));

    let output = vpcep_with_token(server.url(), &["quotas", "--output", "table"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "TYPE              USED  QUOTA\n\
         endpoint_service  10    100\n\
         endpoint          4     150\n"
    );
    assert_eq!(query(&server.received()[1], "type"), None);

    let output = vpcep_with_token(server.url(), &["quotas", "--type", "gateway"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(server.hits(), 2, "a bad type is refused before sending");
}

/// The flags of a create of a service for a load balancer's port, and the body they make.
fn create_flags() -> (Vec<&'static str>, Value) {
    let flags = vec![
        "--port-id",
        PORT_ID,
        "--vpc-id",
        VPC_ID,
        "--server-type",
        "lb",
        "--port",
        "8080:80",
        "--port=8443:443/udp",
        "--name",
        "web",
        "--approval-enabled",
        "false",
        "--tcp-proxy",
        "toa_open",
        "--description",
        "the web tier",
        "--tag",
        "team=web",
        "--tag",
        "solo",
        "--pool-id",
        "pool-1",
    ];
    let body = json!({
        "port_id": PORT_ID,
        "vpc_id": VPC_ID,
        "server_type": "LB",
        "ports": [
            {"client_port": 8080, "server_port": 80, "protocol": "TCP"},
            {"client_port": 8443, "server_port": 443, "protocol": "UDP"}
        ],
        "service_name": "web",
        "approval_enabled": false,
        "tcp_proxy": "toa_open",
        "description": "the web tier",
        "tags": [{"key": "team", "value": "web"}, {"key": "solo"}],
        "pool_id": "pool-1"
    });
    (flags, body)
}

/// `vpcep create --dry-run` in eu-de for the documented project, without credentials.
fn create_dry_run() -> assert_cmd::Command {
    let mut vpcep = vpcep();
    vpcep.args([
        "create",
        "--region",
        "eu-de",
        "--project-id",
        PROJECT_ID,
        "--dry-run",
    ]);
    vpcep
}

/// The request line and the body of a dry run's output.
fn dry_run_request(output: &std::process::Output) -> (String, Value) {
    let text = stdout(output);
    let (head, body) = text
        .split_once("\n\n")
        .unwrap_or_else(|| panic!("a head and a body: {text}"));
    (head.to_owned(), serde_json::from_str(body).unwrap())
}

#[test]
fn create_dry_run_prints_the_request_without_credentials() {
    let (flags, body) = create_flags();
    let output = create_dry_run().args(&flags).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let (head, sent) = dry_run_request(&output);
    assert_eq!(
        head,
        format!(
            "POST https://vpcep.eu-de.otc.t-systems.com/v1/{PROJECT_ID}/vpc-endpoint-services\n\
             content-type: application/json"
        )
    );
    assert_eq!(sent, body);

    // Checked like a real one: nothing printed, every violation told.
    let mut bad = flags.clone();
    let description = bad.iter().position(|f| *f == "--description").unwrap();
    bad[description + 1] = "<b>";
    let output = create_dry_run()
        .args(&bad)
        .args(["--port", "8080:81"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let errors = stderr(&output);
    assert!(
        errors.contains("ports[2]: client port 8080/TCP is already mapped by ports[0]"),
        "{errors}"
    );
    assert!(errors.contains("description: \"<b>\""), "{errors}");
}

#[test]
fn create_from_a_body_is_checked_and_printed_like_the_flags() {
    let documented =
        spec()["paths"]["/v1/{project_id}/vpc-endpoint-services"]["post"]["requestBody"]["content"]
            ["application/json"]["examples"]["documented"]["value"]
            .clone();
    let output = create_dry_run()
        .args(["--body", "-"])
        .write_stdin(documented.to_string())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(dry_run_request(&output).1, documented);

    let output = create_dry_run()
        .args(["--body", "-", "--name", "web"])
        .write_stdin(documented.to_string())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "a body or flags, not both");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_checks_every_rule_before_sending_and_names_the_fields() {
    let server = TestServer::always(Reply::ok()).await;
    let output = vpcep_with_token(
        server.url(),
        &[
            "create",
            "--port-id",
            "not-a-uuid",
            "--vpc-id",
            VPC_ID,
            "--server-type",
            "VM",
            "--port",
            "0:80",
            "--port",
            "8080:80",
            "--port",
            "8080:81",
            "--name",
            "no spaces",
            "--tag",
            "a,b=c",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let errors = stderr(&output);
    for expected in [
        "error: invalid request:",
        "port_id: \"not-a-uuid\" is not a UUID",
        "ports[0].client_port: 0 is not in 1..=65535",
        "ports[2]: client port 8080/TCP is already mapped by ports[1]",
        "service_name: \"no spaces\"",
        "tags[0].key: \"a,b\"",
    ] {
        assert!(errors.contains(expected), "{expected:?} in {errors}");
    }
    assert_eq!(server.hits(), 0, "nothing sent");

    // A flag the spec requires, missing, is named.
    let output = vpcep_with_token(server.url(), &["create", "--port-id", PORT_ID])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    let missing: Vec<&str> = errors
        .lines()
        .skip_while(|line| !line.ends_with("not provided:"))
        .skip(1)
        .take_while(|line| line.starts_with("  --"))
        .map(str::trim)
        .collect();
    assert_eq!(
        missing,
        [
            "--vpc-id <UUID>",
            "--server-type <TYPE>",
            "--port <CLIENT:SERVER[/tcp|/udp]>"
        ],
        "{errors}"
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_sends_the_body_once_and_prints_the_service() {
    let (flags, body) = create_flags();
    let created = service(7, "web");
    let answer = created.to_string();
    let server = serving(Vec::new(), move |request| match request.method.as_str() {
        "POST" => Reply::json(200, &answer),
        _ => unexpected(request),
    })
    .await;
    let mut args = vec!["create"];
    args.extend(flags);
    let output = vpcep_with_token(server.url(), &args).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&output)).unwrap(),
        created
    );
    // With a name, the services of that name are listed first, to recognise the created one
    // should the answer be lost.
    assert_eq!(
        requests(&server),
        [
            format!("GET {}", services_path()),
            format!("POST {}", services_path())
        ]
    );
    let post = &server.received()[1];
    assert_eq!(serde_json::from_slice::<Value>(&post.body).unwrap(), body);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_without_a_terminal_refuses_unless_told_yes() {
    let server = serving(services(1), |request| match request.method.as_str() {
        "DELETE" => Reply::Http {
            status: 204,
            headers: vec![("X-Request-Id".into(), "req-204".into())],
            body: Vec::new(),
        },
        _ => unexpected(request),
    })
    .await;
    let output = vpcep_with_token(server.url(), &["delete", &id(0)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not deleting without confirmation")
            && stderr(&output).contains("--yes"),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.hits(), 0, "nothing sent");

    let output = vpcep_with_token(server.url(), &["delete", &id(0), "--yes"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        requests(&server),
        [format!("DELETE {}", service_path(&id(0)))]
    );
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("accepted"), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_on_a_terminal_shows_the_service_and_asks() {
    let server = serving(services(1), |request| match request.method.as_str() {
        "DELETE" => Reply::Http {
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
        },
        _ => unexpected(request),
    })
    .await;
    let url = server.url().to_owned();
    let delete = move |typed: &'static str| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            on_a_terminal(
                &["delete", &id(0), "--endpoint", &url],
                &[("OS_PROJECT_ID", PROJECT_ID), ("OS_AUTH_TOKEN", "t")],
                typed,
            )
        })
    };
    let declined = delete("n\n").await.unwrap();
    assert_eq!(declined.code, Some(1), "{}", declined.screen);
    assert!(
        declined.screen.contains(&format!(
            "Delete the VPC endpoint service {} (eu-de.s0.{}, available)? [y/N]",
            id(0),
            id(0)
        )),
        "{}",
        declined.screen
    );
    assert!(
        declined.screen.contains("not confirmed: nothing deleted"),
        "{}",
        declined.screen
    );
    assert_eq!(requests(&server), [format!("GET {}", service_path(&id(0)))]);

    server.reset_log();
    let confirmed = delete("y\n").await.unwrap();
    assert_eq!(confirmed.code, Some(0), "{}", confirmed.screen);
    assert_eq!(
        requests(&server),
        [
            format!("GET {}", service_path(&id(0))),
            format!("DELETE {}", service_path(&id(0)))
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_is_looked_up_by_listing_in_every_command() {
    // `web` also matches `web2` in the API's fuzzy filter: only the one named so counts.
    let all = vec![service(0, "web2"), service(1, "web"), service(2, "db")];
    let server = serving(all.clone(), |request| match request.method.as_str() {
        "DELETE" => Reply::Http {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        },
        "PUT" => Reply::json(200, &service(1, "renamed").to_string()),
        _ => unexpected(request),
    })
    .await;
    let list = format!("GET {}", services_path());
    let web = service_path(&id(1));
    for (args, then) in [
        (vec!["get", "web"], vec![format!("GET {web}")]),
        (vec!["wait", "web"], vec![format!("GET {web}")]),
        (
            vec!["modify", "web", "--name", "renamed"],
            vec![format!("PUT {web}")],
        ),
        (
            vec!["delete", "web", "--yes"],
            vec![format!("DELETE {web}")],
        ),
    ] {
        server.reset_log();
        let output = vpcep_with_token(server.url(), &args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let mut expected = vec![list.clone()];
        expected.extend(then);
        assert_eq!(requests(&server), expected, "{args:?}");
        assert_eq!(
            query(&server.received()[0], "endpoint_service_name").as_deref(),
            Some("web")
        );
    }
    // The decorated name is a name too.
    server.reset_log();
    let decorated = format!("eu-de.web.{}", id(1));
    let output = vpcep_with_token(server.url(), &["get", &decorated])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&output)).unwrap(),
        all[1]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_or_ambiguous_name_exits_1_with_the_librarys_message() {
    let all = vec![service(0, "web"), service(1, "web"), service(2, "db")];
    let server = serving(all, unexpected).await;
    for command in ["get", "wait", "delete", "modify"] {
        let mut args = vec![command, "web"];
        args.extend(match command {
            "delete" => vec!["--yes"],
            "modify" => vec!["--name", "x"],
            _ => vec![],
        });
        server.reset_log();
        let output = vpcep_with_token(server.url(), &args).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{command}");
        assert_eq!(
            stderr(&output),
            format!(
                "error: 2 VPC endpoint services are named \"web\": {}, {}; use an ID\n",
                id(0),
                id(1)
            ),
            "{command}"
        );
        assert_eq!(requests(&server), [format!("GET {}", services_path())]);
    }
    let output = vpcep_with_token(server.url(), &["get", "nope"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: no VPC endpoint service is named \"nope\"\n"
    );
    // A mistyped ID is looked up as a name, and said not to be a UUID.
    let mistyped = &id(1)[1..];
    let output = vpcep_with_token(server.url(), &["get", mistyped])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is not a UUID either"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_runs_with_a_name_look_it_up_with_credentials_and_show_a_placeholder_without() {
    let server = serving(vec![service(1, "web")], unexpected).await;
    // With credentials: the name is looked up and the service read; nothing is changed.
    let output = vpcep_with_token(server.url(), &["delete", "web", "--dry-run"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!("DELETE {}{}\n", server.url(), service_path(&id(1)))
    );
    assert!(
        stderr(&output).contains("would delete") && stderr(&output).contains("nothing sent"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        requests(&server),
        [
            format!("GET {}", services_path()),
            format!("GET {}", service_path(&id(1)))
        ]
    );

    // Without credentials: nothing is asked, the ID stays a placeholder, and a note says so.
    server.reset_log();
    for (command, extra) in [("delete", vec![]), ("modify", vec!["--name", "x"])] {
        let mut args = vec![command, "web", "--dry-run", "--endpoint", server.url()];
        args.extend(extra);
        let output = vpcep()
            .env("OS_PROJECT_ID", PROJECT_ID)
            .args(&args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{command}: {}", stderr(&output));
        assert!(
            stdout(&output).starts_with(&format!(
                "{} {}{}/{{vpc_endpoint_service_id}}\n",
                if command == "delete" { "DELETE" } else { "PUT" },
                server.url(),
                services_path()
            )),
            "{}",
            stdout(&output)
        );
        assert!(
            stderr(&output).contains("web is a name"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_in_use_is_not_deleted_and_exits_1() {
    let server = serving(services(1), |_| {
        Reply::error(
            400,
            "EndPoint.3006",
            "The VPC endpoint service has VPC endpoints connected.",
        )
    })
    .await;
    let output = vpcep_with_token(server.url(), &["delete", &id(0), "--yes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!("service {} is in use", id(0))),
        "{}",
        stderr(&output)
    );
}

#[test]
fn completions_for_bash_zsh_and_fish_know_the_commands_and_the_specs_values() {
    for shell in ["bash", "zsh", "fish"] {
        let output = vpcep().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        for word in ["vpcep", "list", "quotas", "create", "delete", "server-type"] {
            assert!(script.contains(word), "{shell}: {word}");
        }
        if shell != "bash" {
            // zsh and fish complete the values of an enumeration of the spec.
            assert!(script.contains("proxy_vni"), "{shell}");
        }
    }
    let output = vpcep().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_help_of_a_flag_of_the_spec_is_the_specs_description() {
    let output = vpcep().args(["create", "--help"]).output().unwrap();
    assert!(output.status.success());
    let help = stdout(&output)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let spec = spec();
    let name = spec["components"]["schemas"]["ServiceName"]["description"]
        .as_str()
        .unwrap();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains(&name), "{name:?} in {help}");
    let pool = spec["components"]["schemas"]["CreateEndpointServiceRequest"]["properties"]
        ["pool_id"]["description"]
        .as_str()
        .unwrap();
    assert!(help.contains(pool.trim()), "{pool:?} in {help}");
    assert!(help.contains("[required unless --body]"), "{help}");

    let output = vpcep().args(["list", "--help"]).output().unwrap();
    let help = stdout(&output)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        help.contains("supports fuzzy match: web also matches web2"),
        "{help}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_wait_prints_the_service_once_it_is_available() {
    let mut creating = service(7, "web");
    creating["status"] = json!("creating");
    let available = service(7, "web");
    let (answers, path) = (
        [creating.clone(), creating.clone(), available.clone()],
        service_path(&id(7)),
    );
    // Without a name: the create is the first request, then the wait's polls.
    let server = TestServer::start(move |n, request| match (n, request.method.as_str()) {
        (0, "POST") => Reply::json(200, &answers[0].to_string()),
        (1 | 2, "GET") if request.path() == path => Reply::json(200, &answers[n].to_string()),
        _ => unexpected(request),
    })
    .await;
    let (flags, _) = create_flags();
    let mut args = vec!["create", "--wait=1m", "--output", "jsonl"];
    let mut without_name = flags;
    let name = without_name.iter().position(|f| *f == "--name").unwrap();
    without_name.drain(name..name + 2);
    args.extend(without_name);
    let output = vpcep_with_token(server.url(), &args).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        json_lines(&stdout(&output)),
        [available],
        "one line, as last read"
    );
    assert_eq!(server.hits(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_wait_ends_once_the_service_is_gone() {
    let mut deleting = service(0, "web");
    deleting["status"] = json!("deleting");
    let path = service_path(&id(0));
    let server = TestServer::start(move |n, request| match (n, request.method.as_str()) {
        (0, "DELETE") if request.path() == path => Reply::Http {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        },
        (1, "GET") => Reply::json(200, &deleting.to_string()),
        (2, "GET") => Reply::error(404, "EndPoint.0005", "The resource does not exist."),
        _ => unexpected(request),
    })
    .await;
    let output = vpcep_with_token(server.url(), &["delete", &id(0), "--yes", "--wait=1m"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.hits(), 3, "deleted, then polled until gone");
    assert_eq!(stderr(&output), format!("deleted {}: it is gone\n", id(0)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_goes_away_ends_the_list_quietly() {
    let server = serving(services(2_000), unexpected).await;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vpcep"))
        .env_clear()
        .env("OS_PROJECT_ID", PROJECT_ID)
        .env("OS_AUTH_TOKEN", "t")
        .args(["list", "--endpoint", server.url()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // `vpcep list | head -0`: the reader is gone before the first line.
    drop(child.stdout.take());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    assert_eq!(server.hits(), 1, "the walk stopped with the reader");
}
