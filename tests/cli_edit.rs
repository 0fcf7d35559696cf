//! `vpcep modify --add-port/--remove-port`, `--dry-run` with credentials, `--wait` and
//! `vpcep wait`, end to end against the emulator running in the test.

#![cfg(feature = "cli")]

use std::time::{Duration, Instant};

use crate::support::{
    cli::{RunningEmulator, output_off_runtime, stderr, stdout, vpcep, vpcep_at},
    emulator::until_received,
    tls::TempDir,
};
use otc_vpcep::{
    OpenEnum,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, documented_service},
    types::{EndpointService, ServiceStatus},
};
use serde_json::{Value, json};

const OTHER_ID: &str = "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11";

/// Runs `vpcep` with a token and the project, against `emulator`, with `args` (the service
/// ID and the endpoint go after the command word), off the test's runtime.
async fn run(emulator: &Emulator, args: &[&str]) -> std::process::Output {
    let (command, rest) = args.split_first().expect("a command");
    let mut vpcep = vpcep_at(emulator.base_url(), command, rest[0]);
    vpcep.env("OS_AUTH_TOKEN", "cli-token").args(&rest[1..]);
    output_off_runtime(vpcep).await
}

fn ports(service: &EndpointService) -> Vec<String> {
    service.ports.iter().map(ToString::to_string).collect()
}

fn documented(emulator: &Emulator) -> EndpointService {
    emulator
        .service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID)
        .expect("the documented service")
}

#[tokio::test(flavor = "multi_thread")]
async fn add_and_remove_a_mapping_and_print_what_changed() {
    let emulator = Emulator::start().await.unwrap();
    let output = run(
        &emulator,
        &[
            "modify",
            DOCUMENTED_SERVICE_ID,
            "--add-port",
            "8443:443",
            "--remove-port=8081:80/tcp",
            "--add-port",
            "9000:9000/udp",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&output)).unwrap(),
        json!({
            "service_id": DOCUMENTED_SERVICE_ID,
            "fields": {},
            "ports_added": [
                {"client_port": 8443, "server_port": 443, "protocol": "TCP"},
                {"client_port": 9000, "server_port": 9000, "protocol": "UDP"}
            ],
            "ports_removed": [{"client_port": 8081, "server_port": 80, "protocol": "TCP"}]
        })
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(
        ports(&documented(&emulator)),
        ["8080:90/TCP", "8443:443/TCP", "9000:9000/UDP"]
    );
    assert_eq!(emulator.requests_received(), 2, "a GET and a PUT");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_that_changes_nothing_sends_no_put() {
    let emulator = Emulator::start().await.unwrap();
    let output = run(
        &emulator,
        &[
            "modify",
            DOCUMENTED_SERVICE_ID,
            "--add-port",
            "8080:90",
            "--remove-port",
            "9999:99/udp",
            "--approval-enabled",
            "false",
            "--output",
            "table",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(emulator.requests_received(), 1, "the GET alone");
    assert_eq!(stdout(&output), "no change\n");
    assert_eq!(
        stderr(&output),
        "note: 8080:90/TCP is mapped already: nothing to add\n\
         note: 9999:99/UDP is not mapped: nothing to remove\n\
         nothing to change: no request sent\n"
    );
}

/// The dry run of one edit, with credentials, as `output` prints it.
async fn dry_run(output: &str) -> (Emulator, std::process::Output) {
    let emulator = Emulator::start().await.unwrap();
    let output = run(
        &emulator,
        &[
            "modify",
            DOCUMENTED_SERVICE_ID,
            "--dry-run",
            "--approval-enabled",
            "true",
            "--name",
            "billing",
            "--description",
            "billing API",
            "--add-port",
            "8443:443",
            "--remove-port",
            "8081:80",
            "--output",
            output,
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "dry run: nothing sent\n");
    assert_eq!(emulator.requests_received(), 1, "the GET alone");
    assert_eq!(
        ports(&documented(&emulator)),
        ["8080:90/TCP", "8081:80/TCP"]
    );
    (emulator, output)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_with_credentials_shows_the_diff_as_a_table() {
    let (_emulator, output) = dry_run("table").await;
    insta::assert_snapshot!("dry_run_diff_table", stdout(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_with_credentials_shows_the_diff_as_json() {
    let (_emulator, output) = dry_run("json").await;
    insta::assert_snapshot!("dry_run_diff_json", stdout(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_says_when_nothing_would_change() {
    let emulator = Emulator::start().await.unwrap();
    for (format, shown) in [
        ("table", "no change\n"),
        (
            "json",
            &*format!(
                "{{\n  \"service_id\": \"{DOCUMENTED_SERVICE_ID}\",\n  \"fields\": {{}},\n  \
                 \"ports_added\": [],\n  \"ports_removed\": []\n}}\n"
            ),
        ),
    ] {
        let output = run(
            &emulator,
            &[
                "modify",
                DOCUMENTED_SERVICE_ID,
                "--dry-run",
                "--name",
                "test123",
                "--port",
                "8081:80",
                "--port",
                "8080:90",
                "--output",
                format,
            ],
        )
        .await;
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output), shown);
        assert_eq!(stderr(&output), "dry run: nothing would change\n");
    }
    assert_eq!(emulator.requests_received(), 2, "two GETs");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_edit_exits_2_and_writes_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let output = run(
        &emulator,
        &[
            "modify",
            DOCUMENTED_SERVICE_ID,
            "--remove-port",
            "8080:90",
            "--remove-port",
            "8081:80",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: invalid request:\n  remove_port: the edit would remove every port mapping; \
         a service needs at least one\n"
    );
    assert_eq!(emulator.requests_received(), 1, "the GET alone");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_by_someone_else_meanwhile_exits_1_with_both_values() {
    let emulator = Emulator::start().await.unwrap();
    // The edit's read goes through at once; its write waits a while in the emulator.
    emulator.delay_next(1, Duration::ZERO);
    emulator.delay_next(1, Duration::from_millis(700));
    let edit = run(
        &emulator,
        &["modify", DOCUMENTED_SERVICE_ID, "--add-port", "8443:443"],
    );
    let behind_its_back = async {
        until_received(&emulator, 2).await;
        emulator.update_service(DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, |service| {
            service.description = Some("set by another tool".into());
        })
    };
    let (output, changed) = tokio::join!(edit, behind_its_back);
    assert!(changed.is_some());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "error: someone else changed service {DOCUMENTED_SERVICE_ID} between this edit's \
             read and its write; the edit was sent, and left these fields as they found them:\n  \
             description: was (none) when read, is \"set by another tool\" after the write\n"
        )
    );
    // The edit's own change went through, and so did theirs.
    let now = documented(&emulator);
    assert_eq!(now.description.as_deref(), Some("set by another tool"));
    assert_eq!(ports(&now).len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_after_a_modify_or_an_edit() {
    let emulator = Emulator::builder()
        .settle_after_modify(Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let output = run(
        &emulator,
        &[
            "modify",
            DOCUMENTED_SERVICE_ID,
            "--description",
            "waited for",
            "--wait=30s",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(started.elapsed() >= Duration::from_millis(400));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(service["status"], "available", "the service as last read");
    assert_eq!(service["description"], "waited for");

    let started = Instant::now();
    let output = run(
        &emulator,
        &[
            "modify",
            DOCUMENTED_SERVICE_ID,
            "--add-port",
            "8443:443",
            "--wait",
            "--output",
            "table",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(stdout(&output), "ports  + 8443:443/TCP\n");
    assert_eq!(
        documented(&emulator).status,
        Some(OpenEnum::Known(ServiceStatus::Available))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_wait_after_a_modify_prints_the_answer_and_exits_1() {
    let emulator = Emulator::builder()
        .settle_after_modify(Duration::from_secs(3600))
        .start()
        .await
        .unwrap();
    let output = run(
        &emulator,
        &[
            "modify",
            DOCUMENTED_SERVICE_ID,
            "--description",
            "slow",
            "--wait=1s",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let answered: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answered["status"], "creating");
    assert_eq!(
        stderr(&output),
        format!(
            "error: service {DOCUMENTED_SERVICE_ID} is not available after 1s: \
             its last status was creating\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn vpcep_wait_waits_until_available_or_says_why_not() {
    let mut creating = documented_service();
    creating.id = OTHER_ID.to_owned();
    creating.port_id = None;
    creating.status = Some(OpenEnum::Known(ServiceStatus::Creating));
    let emulator = Emulator::builder()
        .service_available_after(creating.clone(), Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let output = run(
        &emulator,
        &["wait", OTHER_ID, "--timeout", "5m", "--output", "table"],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("status            available\n"),
        "{}",
        stdout(&output)
    );

    // Never available in time.
    emulator.seed(creating).unwrap();
    let output = run(&emulator, &["wait", OTHER_ID, "--timeout", "1.5"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!(
            "error: service {OTHER_ID} is not available after 1.5s: its last status was creating\n"
        )
    );

    // Failed.
    emulator.update_service(DOCUMENTED_PROJECT_ID, OTHER_ID, |service| {
        service.status = Some(OpenEnum::Known(ServiceStatus::Failed));
        service.error = serde_json::from_value(json!([
            {"error_code": "EndPoint.3008", "error_message": "The port does not exist."}
        ]))
        .unwrap();
    });
    let output = run(&emulator, &["wait", OTHER_ID]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!("error: service {OTHER_ID} is failed: EndPoint.3008: The port does not exist.\n")
    );
}

#[test]
fn the_emulator_command_settles_after_a_modify_and_makes_creating_services_available() {
    let dir = TempDir::new("vpcep-edit-seed");
    let mut creating = serde_json::to_value(documented_service()).unwrap();
    creating["id"] = json!(OTHER_ID);
    creating["status"] = json!("creating");
    creating["port_id"] = Value::Null;
    let services = json!([
        serde_json::to_value(documented_service()).unwrap(),
        creating
    ]);
    let seed = dir.write("seed.json", services.to_string());
    let emulator = RunningEmulator::start(&[
        "--seed",
        seed.to_str().unwrap(),
        "--available-after",
        "1500ms",
        "--settle-time",
        "1h",
    ]);
    let vpcep = |args: &[&str]| {
        vpcep_at(&emulator.base_url, args[0], args[1])
            .env("OS_AUTH_TOKEN", "cli-token")
            .args(&args[2..])
            .output()
            .unwrap()
    };
    let output = vpcep(&["get", OTHER_ID]);
    let read: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(read["status"], "creating");
    let output = vpcep(&["wait", OTHER_ID, "--timeout", "10s"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let waited: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(waited["status"], "available");

    let output = vpcep(&["modify", DOCUMENTED_SERVICE_ID, "--description", "x"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let answered: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answered["status"], "creating");
    let output = vpcep(&["modify", DOCUMENTED_SERVICE_ID, "--description", "y"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("EndPoint.3045"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn edits_and_replacements_do_not_mix_and_other_usage_errors_exit_2() {
    let id = DOCUMENTED_SERVICE_ID;
    let endpoint = [
        "--endpoint",
        "http://127.0.0.1:9",
        "--project-id",
        DOCUMENTED_PROJECT_ID,
    ];
    for (args, says) in [
        (
            vec!["modify", id, "--add-port", "8443:443", "--port", "80:80"],
            "cannot be used with",
        ),
        (
            vec!["modify", id, "--remove-port", "80:80", "--body", "-"],
            "cannot be used with",
        ),
        (
            vec!["modify", id, "--name", "x", "--wait", "--dry-run"],
            "cannot be used with",
        ),
        (
            vec!["modify", id, "--add-port", "70000:1"],
            "client port 70000 is not a port number",
        ),
        (
            vec!["modify", id, "--wait", "5m"],
            "unexpected argument '5m'",
        ),
        (vec!["wait", id, "--timeout", "soon"], "is not a duration"),
        (
            vec!["modify", id, "--add-port", "8443:443", "--dry-run"],
            "their --dry-run needs credentials",
        ),
    ] {
        let output = vpcep().args(&args).args(endpoint).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}
