//! `vpcep modify` and `vpcep get` against a server or the emulator: what is sent, the answer
//! printed as JSON or a table (never a control character from the network), and exit status 1
//! with the API's code, message and request ID.

#![cfg(feature = "cli")]

use crate::support::{
    SERVICE_ID,
    cli::{DOCUMENTED_FLAGS, RunningEmulator, modify_at, stderr, stdout, vpcep_at},
    documented_request, documented_response,
    server::{Reply, TestServer},
};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread")]
async fn modify_sends_the_flags_and_prints_the_answer_as_json() {
    let server = TestServer::always(Reply::ok()).await;
    let output = modify_at(server.url(), "cli-token")
        .args(DOCUMENTED_FLAGS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&output)).unwrap(),
        documented_response()
    );
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("x-auth-token"), Some("cli-token"));
    assert_eq!(
        serde_json::from_slice::<Value>(&received[0].body).unwrap(),
        documented_request()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn table_output() {
    let server = TestServer::always(Reply::ok()).await;
    let output = modify_at(server.url(), "t")
        .args(["--approval-enabled", "false", "--output", "table"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(table.contains("service_name      test123\n"), "{table}");
    assert!(
        table.contains("ports             8080:90/TCP, 8081:80/TCP\n"),
        "{table}"
    );
    assert!(table.contains("status            available\n"), "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_exits_1_with_code_message_and_request_id() {
    let server = TestServer::always(Reply::error(
        404,
        "EndPoint.0005",
        "The requested resource does not exist.",
    ))
    .await;
    let output = modify_at(server.url(), "t")
        .args(["--name", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let errors = stderr(&output);
    assert!(errors.contains("EndPoint.0005"), "{errors}");
    assert!(
        errors.contains("The requested resource does not exist."),
        "{errors}"
    );
    assert!(errors.contains("req-404"), "{errors}");
    assert!(!errors.contains("\"t\""), "{errors}");
}

/// Text that would clear the screen, ring the bell, and forge an `error:` line.
const HOSTILE: &str = "x\u{1b}[2J\u{7}\r\nerror: all good\u{0}\u{7f}\u{9b}31m";

/// Whether `text` holds only printable characters, and newlines.
fn is_printable(text: &str) -> bool {
    text.chars().all(|c| c == '\n' || !c.is_control())
}

#[tokio::test(flavor = "multi_thread")]
async fn control_characters_from_the_network_never_reach_the_terminal() {
    let error = json!({"error_code": HOSTILE, "error_msg": HOSTILE, "request_id": HOSTILE});
    let server = TestServer::always(Reply::json(400, &error.to_string())).await;
    let output = modify_at(server.url(), "t")
        .args(["--name", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(is_printable(&errors), "{errors:?}");
    assert_eq!(errors.lines().count(), 1, "{errors:?}");
    assert!(
        errors.contains("x\\u{1b}[2J\\u{7}\\r\\nerror: all good"),
        "{errors}"
    );

    let mut service = documented_response();
    for field in ["id", "service_name", "status", "description", "tcp_proxy"] {
        service[field] = json!(HOSTILE);
    }
    service["tags"] = json!([{"key": HOSTILE, "value": HOSTILE}]);
    service["ports"][0]["protocol"] = json!(HOSTILE);
    let server = TestServer::always(Reply::json(200, &service.to_string())).await;
    for output_format in ["table", "json"] {
        let output = modify_at(server.url(), "t")
            .args(["--name", "x"])
            .args(["--output", output_format])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let printed = stdout(&output);
        assert!(is_printable(&printed), "{output_format}: {printed:?}");
        assert!(!printed.contains("\nerror:"), "{printed}");
        if output_format == "table" {
            let names: Vec<_> = printed.lines().map(|l| l.split(' ').next()).collect();
            assert_eq!(names.first(), Some(&Some("id")), "{printed}");
            assert!(names.len() >= 10, "one field a line: {printed}");
        }
    }
}

#[test]
fn modify_against_the_emulator_with_a_token() {
    let emulator = RunningEmulator::start(&[]);
    let output = modify_at(&emulator.base_url, "any")
        .args(DOCUMENTED_FLAGS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(service["service_name"], format!("eu-de.test.{SERVICE_ID}"));
    assert_eq!(service["approval_enabled"], true);
    assert_eq!(
        service["ports"],
        json!([
            {"client_port": 8081, "server_port": 22, "protocol": "TCP"},
            {"client_port": 8082, "server_port": 23, "protocol": "UDP"}
        ])
    );
}

#[test]
fn modify_signed_with_an_access_key_against_an_emulator_started_with_keys() {
    let emulator = RunningEmulator::start_with(
        &["--access-key", "AK-CLI"],
        &[("VPCEP_EMULATOR_SECRET_KEY", "SK-CLI")],
    );
    let run = |secret: &str| {
        vpcep_at(&emulator.base_url, "modify", SERVICE_ID)
            .env("OS_ACCESS_KEY", "AK-CLI")
            .env("OS_SECRET_KEY", secret)
            .args(["--name", "signed", "--retries", "0"])
            .output()
            .unwrap()
    };
    let accepted = run("SK-CLI");
    assert!(accepted.status.success(), "{}", stderr(&accepted));
    let service: Value = serde_json::from_str(&stdout(&accepted)).unwrap();
    assert_eq!(
        service["service_name"],
        format!("eu-de.signed.{SERVICE_ID}")
    );

    let refused = run("wrong-secret");
    assert_eq!(refused.status.code(), Some(1));
    let errors = stderr(&refused);
    assert!(errors.contains("EndPoint.0003"), "{errors}");
    assert!(!errors.contains("wrong-secret"), "{errors}");
}

#[test]
fn get_prints_the_service_as_json_or_a_table() {
    let emulator = RunningEmulator::start(&[]);
    let get = |service: &str, args: &[&str]| {
        vpcep_at(&emulator.base_url, "get", service)
            .env("OS_AUTH_TOKEN", "any")
            .args(args)
            .output()
            .unwrap()
    };
    let output = get(SERVICE_ID, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(service["id"], SERVICE_ID);
    assert_eq!(
        service["service_name"],
        format!("eu-de.test123.{SERVICE_ID}")
    );
    assert_eq!(service["status"], "available");

    let output = get(SERVICE_ID, &["--output", "table"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(
        table.starts_with(&format!("id                {SERVICE_ID}\n")),
        "{table}"
    );
    assert!(
        table.contains("ports             8080:90/TCP, 8081:80/TCP\n"),
        "{table}"
    );

    let output = get("00000000-0000-4000-8000-000000000000", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("HTTP 404 EndPoint.0005"),
        "{}",
        stderr(&output)
    );
}
