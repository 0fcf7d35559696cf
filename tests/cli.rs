//! The `vpcep` binary, end to end: what an operator types, what they see, and the exit status.

#![cfg(feature = "cli")]

mod support;

use std::io::Write;

use serde_json::{Value, json};
use support::{
    PROJECT_ID, SERVICE_ID,
    cli::{RunningEmulator, stderr, stdout, vpcep},
    documented_request, documented_response,
    server::{Reply, TestServer},
};

const DOCUMENTED_FLAGS: [&str; 7] = [
    "--approval-enabled",
    "true",
    "--name",
    "test",
    "--port",
    "8081:22",
    "--port=8082:23/udp",
];

#[test]
fn help_reads_well_with_examples() {
    let output = vpcep().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = stdout(&output);
    assert!(
        help.contains("modify") && help.contains("emulator"),
        "{help}"
    );
    assert!(help.contains("OS_AUTH_TOKEN"), "{help}");

    let output = vpcep().args(["modify", "--help"]).output().unwrap();
    let help = stdout(&output);
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("--port <CLIENT:SERVER[/tcp|/udp]>"), "{help}");
    assert!(help.contains("Exit status"), "{help}");
}

#[test]
fn dry_run_prints_the_request_and_needs_no_credentials() {
    let output = vpcep()
        .args([
            "modify",
            SERVICE_ID,
            "--region",
            "eu-de",
            "--project-id",
            PROJECT_ID,
            "--dry-run",
        ])
        .args(DOCUMENTED_FLAGS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let (head, body) = text.split_once("\n\n").unwrap();
    assert_eq!(
        head,
        format!(
            "PUT https://vpcep.eu-de.otc.t-systems.com/v1/{PROJECT_ID}/vpc-endpoint-services/{SERVICE_ID}\n\
             content-type: application/json"
        )
    );
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap(),
        documented_request()
    );
}

#[test]
fn dry_run_takes_project_and_region_from_the_environment() {
    let output = vpcep()
        .env("OS_PROJECT_ID", PROJECT_ID)
        .env("OS_REGION_NAME", "eu-nl")
        .args(["modify", SERVICE_ID, "--name", "x", "--dry-run"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with(&format!(
        "PUT https://vpcep.eu-nl.otc.t-systems.com/v1/{PROJECT_ID}/"
    )));
}

#[test]
fn a_body_file_and_standard_input_are_accepted() {
    let mut file = tempfile();
    file.1
        .write_all(documented_request().to_string().as_bytes())
        .unwrap();
    let from_file = vpcep()
        .args([
            "modify",
            SERVICE_ID,
            "--region",
            "eu-de",
            "--project-id",
            PROJECT_ID,
            "--dry-run",
        ])
        .arg("--body")
        .arg(&file.0)
        .output()
        .unwrap();
    assert!(from_file.status.success(), "{}", stderr(&from_file));

    let from_stdin = vpcep()
        .args([
            "modify",
            SERVICE_ID,
            "--region",
            "eu-de",
            "--project-id",
            PROJECT_ID,
            "--dry-run",
            "--body",
            "-",
        ])
        .write_stdin(documented_request().to_string())
        .output()
        .unwrap();
    assert!(from_stdin.status.success(), "{}", stderr(&from_stdin));
    assert_eq!(stdout(&from_file), stdout(&from_stdin));
    let body = stdout(&from_file).split_once("\n\n").unwrap().1.to_owned();
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        documented_request()
    );
}

/// A file in the system's temporary folder, removed when the test process ends its use.
fn tempfile() -> (std::path::PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!(
        "vpcep-body-{}-{:?}.json",
        std::process::id(),
        std::thread::current().id()
    ));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

#[test]
fn a_body_is_checked_like_the_flags() {
    let body = json!({"service_name": "no spaces allowed", "ports": [{"client_port": 70000, "server_port": 22, "protocol": "SCTP"}], "colour": "red"});
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "t")
        .args([
            "modify",
            SERVICE_ID,
            "--region",
            "eu-de",
            "--project-id",
            PROJECT_ID,
            "--body",
            "-",
        ])
        .write_stdin(body.to_string())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let errors = stderr(&output);
    for expected in [
        "ports[0].protocol: \"SCTP\" is not one of TCP, UDP",
        "colour: is not a field of the spec's schema",
        "service_name: \"no spaces allowed\" is not 1 to 16 characters long",
        "ports[0].client_port: 70000 is not in 1..=65535",
    ] {
        assert!(errors.contains(expected), "{expected:?} in {errors}");
    }
}

#[test]
fn a_validation_failure_lists_every_violation_and_exits_2() {
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "t")
        .args([
            "modify",
            "not-a-uuid",
            "--endpoint",
            "http://127.0.0.1:9",
            "--project-id",
            PROJECT_ID,
        ])
        .args([
            "--name",
            "way-too-long-for-a-name",
            "--port",
            "0:22",
            "--port",
            "8081:22/tcp",
            "--port",
            "8081:23/tcp",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: invalid request:\n  \
         vpc_endpoint_service_id: \"not-a-uuid\" is not a UUID\n  \
         ports[0].client_port: 0 is not in 1..=65535\n  \
         service_name: \"way-too-long-for-a-name\" is not 1 to 16 characters long\n  \
         ports[2]: client port 8081/TCP is already mapped by ports[1]\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = vpcep()
        .args(["modify", SERVICE_ID, "--port", "8081"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("expected CLIENT:SERVER"),
        "{}",
        stderr(&output)
    );

    let output = vpcep()
        .args(["modify", SERVICE_ID, "--name", "x", "--body", "-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn missing_credentials_exit_2_naming_the_variables() {
    let output = vpcep()
        .args([
            "modify",
            SERVICE_ID,
            "--region",
            "eu-de",
            "--project-id",
            PROJECT_ID,
            "--name",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("OS_AUTH_TOKEN"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn modify_sends_the_flags_and_prints_the_answer_as_json() {
    let server = TestServer::always(Reply::ok()).await;
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "cli-token")
        .env("OS_PROJECT_ID", PROJECT_ID)
        .args(["modify", SERVICE_ID, "--endpoint", server.url()])
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
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "t")
        .args([
            "modify",
            SERVICE_ID,
            "--endpoint",
            server.url(),
            "--project-id",
            PROJECT_ID,
        ])
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
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "t")
        .args([
            "modify",
            SERVICE_ID,
            "--endpoint",
            server.url(),
            "--project-id",
            PROJECT_ID,
            "--name",
            "x",
        ])
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

#[test]
fn modify_against_the_emulator_with_a_token() {
    let emulator = RunningEmulator::start(&[]);
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "any")
        .env("OS_PROJECT_ID", PROJECT_ID)
        .args(["modify", SERVICE_ID, "--endpoint", &emulator.base_url])
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
        vpcep()
            .env("OS_ACCESS_KEY", "AK-CLI")
            .env("OS_SECRET_KEY", secret)
            .env("OS_PROJECT_ID", PROJECT_ID)
            .args([
                "modify",
                SERVICE_ID,
                "--endpoint",
                &emulator.base_url,
                "--name",
                "signed",
            ])
            .args(["--retries", "0"])
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
fn the_emulator_takes_a_seed_file_and_the_api_errors_exit_1() {
    let seed = std::env::temp_dir().join(format!("vpcep-seed-{}.json", std::process::id()));
    let service = json!([{
        "id": "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11",
        "project_id": PROJECT_ID,
        "port_id": "4189d3c2-8882-4871-a3c2-d380272eed88",
        "status": "creating",
        "service_name": "seeded",
        "ports": [{"client_port": 80, "server_port": 80, "protocol": "TCP"}]
    }]);
    std::fs::write(&seed, service.to_string()).unwrap();
    let emulator = RunningEmulator::start(&["--seed", seed.to_str().unwrap()]);
    let modify = |id: &str| {
        vpcep()
            .env("OS_AUTH_TOKEN", "any")
            .args([
                "modify",
                id,
                "--endpoint",
                &emulator.base_url,
                "--project-id",
                PROJECT_ID,
            ])
            .args(["--name", "x", "--retries", "0"])
            .output()
            .unwrap()
    };
    // The seeded service is not `available`: EndPoint.3045.
    let output = modify("0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("EndPoint.3045"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("request id"),
        "{}",
        stderr(&output)
    );
    // The default seed was replaced: the documented service is unknown here.
    let output = modify(SERVICE_ID);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("EndPoint.0005"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(seed).ok();
}

#[test]
fn a_bad_seed_file_is_a_usage_error() {
    let output = vpcep()
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "/nonexistent/seed.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--seed /nonexistent/seed.json"),
        "{}",
        stderr(&output)
    );
}

/// `vpcep modify --dry-run --body ARG` of the documented service, with `stdin`.
fn dry_run_body(arg: &str, stdin: std::process::Stdio) -> std::process::Output {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("vpcep"))
        .args(["modify", SERVICE_ID, "--region", "eu-de", "--project-id"])
        .args([PROJECT_ID, "--dry-run", "--body", arg])
        .stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn an_endless_body_or_seed_is_refused_at_the_limit() {
    let limit = "larger than the limit of 1 MiB (1048576 bytes)";
    for (arg, stdin) in [
        ("/dev/zero", std::process::Stdio::null()),
        ("-", std::fs::File::open("/dev/zero").unwrap().into()),
    ] {
        let output = dry_run_body(arg, stdin);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert_eq!(stdout(&output), "");
        assert_eq!(stderr(&output), format!("error: --body {arg}: {limit}\n"));
    }
    let output = vpcep()
        .args(["emulator", "--listen", "127.0.0.1:0", "--seed", "/dev/zero"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!("error: --seed /dev/zero: {limit}\n")
    );
}

#[test]
fn a_body_of_exactly_the_limit_is_read() {
    let json = format!(r#"{{"description":"{}"}}"#, "a".repeat(200));
    let mut exact = json.into_bytes();
    exact.resize(1 << 20, b' ');
    let run = |bytes: &[u8]| {
        vpcep()
            .args(["modify", SERVICE_ID, "--region", "eu-de", "--project-id"])
            .args([PROJECT_ID, "--dry-run", "--body", "-"])
            .write_stdin(bytes.to_vec())
            .output()
            .unwrap()
    };
    let output = run(&exact);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is longer than 128 characters"),
        "read and checked: {}",
        stderr(&output)
    );
    exact.push(b' ');
    assert!(stderr(&run(&exact)).contains("larger than the limit of 1 MiB"));
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
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "t")
        .args(["modify", SERVICE_ID, "--endpoint", server.url()])
        .args(["--project-id", PROJECT_ID, "--name", "x"])
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
        let output = vpcep()
            .env("OS_AUTH_TOKEN", "t")
            .args(["modify", SERVICE_ID, "--endpoint", server.url()])
            .args(["--project-id", PROJECT_ID, "--name", "x"])
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
fn an_absurd_timeout_is_a_usage_error() {
    let dry_run = |timeout: &str| {
        vpcep()
            .args(["modify", SERVICE_ID, "--region", "eu-de", "--project-id"])
            .args([PROJECT_ID, "--name", "x", "--dry-run"])
            .arg(format!("--timeout={timeout}"))
            .output()
            .unwrap()
    };
    for (timeout, rule) in [
        ("1e19", "is longer than one day (86400 seconds)"),
        ("86400.5", "is longer than one day (86400 seconds)"),
        ("25h", "is longer than one day (86400 seconds)"),
        ("0", "is not more than zero"),
        ("-1", "is not a positive number of seconds"),
        ("NaN", "is not a positive number of seconds"),
        ("inf", "is not a positive number of seconds"),
    ] {
        let output = dry_run(timeout);
        assert_eq!(output.status.code(), Some(2), "{timeout}");
        let errors = stderr(&output);
        assert!(
            errors.starts_with(&format!(
                "error: invalid value '{timeout}' for '--timeout <DURATION>': \"{timeout}\" {rule}"
            )),
            "{errors}"
        );
    }
    assert!(dry_run("86400").status.success());
    assert!(dry_run("24h").status.success());
}

#[test]
fn an_invalid_seed_service_is_a_usage_error_like_invalid_seed_json() {
    let seed = std::env::temp_dir().join(format!("vpcep-bad-seed-{}.json", std::process::id()));
    for (content, problem) in [
        (
            r#"[{"id": "not-a-uuid", "project_id": "p"}]"#,
            "invalid seed service",
        ),
        (r#"[{"project_id": "p"}]"#, "missing field `id`"),
        (r#"{"id": 1"#, "not a JSON list of services"),
    ] {
        std::fs::write(&seed, content).unwrap();
        let output = vpcep()
            .args(["emulator", "--listen", "127.0.0.1:0", "--seed"])
            .arg(&seed)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{content}");
        assert!(stderr(&output).contains(problem), "{}", stderr(&output));
    }
    std::fs::remove_file(seed).ok();
}

#[test]
fn a_body_that_repeats_a_key_is_a_usage_error_naming_the_key() {
    let output = vpcep()
        .args(["modify", SERVICE_ID, "--region", "eu-de", "--project-id"])
        .args([PROJECT_ID, "--dry-run", "--body", "-"])
        .write_stdin(r#"{"service_name":"bad name!","service_name":"good"}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: --body -: repeats a key: duplicate key \"service_name\" at line 1 column 42\n"
    );
}

/// `vpcep emulator ARGS` in a clean environment with `env`, run to its end.
fn emulator_run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    vpcep()
        .arg("emulator")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn emulator_secrets_on_the_command_line_are_refused() {
    for (args, variable) in [
        (&["--token", "flag-secret"][..], "VPCEP_EMULATOR_TOKENS"),
        (&["--token", ""][..], "VPCEP_EMULATOR_TOKENS"),
        (
            &["--access-key", "AK", "--secret-key", "flag-secret"][..],
            "VPCEP_EMULATOR_SECRET_KEY",
        ),
    ] {
        let output = emulator_run(&[&["--listen", "127.0.0.1:0"], args].concat(), &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let errors = stderr(&output);
        assert!(errors.contains(variable), "{errors}");
        assert!(!errors.contains("flag-secret"), "{errors}");
    }
}

#[test]
fn emulator_tokens_come_from_the_environment() {
    let emulator = RunningEmulator::start_with(&[], &[("VPCEP_EMULATOR_TOKENS", "one, two")]);
    let modify = |token: &str| {
        vpcep()
            .env("OS_AUTH_TOKEN", token)
            .args(["modify", SERVICE_ID, "--endpoint", &emulator.base_url])
            .args(["--project-id", PROJECT_ID, "--name", "x", "--retries", "0"])
            .output()
            .unwrap()
    };
    assert!(modify("two").status.success());
    let refused = modify("three");
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("EndPoint.0003"),
        "{}",
        stderr(&refused)
    );

    for (env, problem) in [
        (
            ("VPCEP_EMULATOR_TOKENS", "one,,two"),
            "VPCEP_EMULATOR_TOKENS: a token is empty",
        ),
        (
            ("VPCEP_EMULATOR_TOKENS", " "),
            "VPCEP_EMULATOR_TOKENS: a token is empty",
        ),
        (("VPCEP_EMULATOR_SECRET_KEY", "sk"), "needs its access key"),
        (("VPCEP_EMULATOR_ACCESS_KEY", "ak"), "needs its secret key"),
    ] {
        let output = emulator_run(&["--listen", "127.0.0.1:0"], &[env]);
        assert_eq!(output.status.code(), Some(2), "{env:?}");
        assert!(stderr(&output).contains(problem), "{}", stderr(&output));
        assert!(!stderr(&output).contains("sk"), "{}", stderr(&output));
    }
}

#[test]
fn the_emulator_refuses_to_accept_any_token_beyond_the_loopback_unless_told() {
    let output = emulator_run(&["--listen", "0.0.0.0:0"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("beyond the loopback"),
        "{}",
        stderr(&output)
    );
    // Allowed, it gets as far as binding: 192.0.2.1 (TEST-NET-1) is no address of this machine.
    let output = emulator_run(&["--listen", "192.0.2.1:0", "--allow-any-token"], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot listen on"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_emulator_limits_are_flags() {
    use std::io::Read;
    let emulator = RunningEmulator::start(&["--header-read-timeout", "0.3"]);
    let address = emulator.base_url.trim_start_matches("http://");
    let mut idle = std::net::TcpStream::connect(address).unwrap();
    idle.set_read_timeout(Some(std::time::Duration::from_secs(3)))
        .unwrap();
    let mut byte = [0u8; 1];
    assert_eq!(idle.read(&mut byte).unwrap(), 0, "closed by the emulator");

    for args in [
        &["--max-connections", "0"][..],
        &["--max-body-reads", "0"][..],
        &["--idle-timeout", "0"][..],
        &["--body-read-timeout", "1e19"][..],
    ] {
        let output = emulator_run(&[&["--listen", "127.0.0.1:0"], args].concat(), &[]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// Sends `signal` (`INT`, `TERM`) to the process `pid`.
fn signal(pid: u32, signal: &str) {
    let sent = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(sent.success());
}

/// A connection to `emulator` holding a request whose body never comes.
fn half_sent_request(emulator: &RunningEmulator) -> std::net::TcpStream {
    let mut stream =
        std::net::TcpStream::connect(emulator.base_url.trim_start_matches("http://")).unwrap();
    let head = format!(
        "PUT /v1/{PROJECT_ID}/vpc-endpoint-services/{SERVICE_ID} HTTP/1.1\r\nHost: x\r\n\
         X-Auth-Token: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    stream
}

/// Waits at most `within` for the emulator to exit, and returns its exit status.
fn exits_within(emulator: &mut RunningEmulator, within: std::time::Duration) -> Option<i32> {
    let started = std::time::Instant::now();
    while started.elapsed() < within {
        if let Some(status) = emulator.child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the emulator still runs after {within:?}");
}

#[test]
fn a_signal_stops_the_emulator_within_its_shutdown_timeout() {
    for name in ["INT", "TERM"] {
        let mut emulator = RunningEmulator::start(&["--shutdown-timeout", "0.3"]);
        let _held = half_sent_request(&emulator);
        signal(emulator.child.id(), name);
        let status = exits_within(&mut emulator, std::time::Duration::from_secs(3));
        assert_eq!(status, Some(0), "{name}");
    }
}

#[test]
fn a_second_signal_stops_the_emulator_at_once() {
    use std::io::BufRead;
    let mut emulator = RunningEmulator::start(&["--shutdown-timeout", "60"]);
    let _held = half_sent_request(&emulator);
    let mut errors = std::io::BufReader::new(emulator.child.stderr.take().unwrap());
    signal(emulator.child.id(), "INT");
    let mut line = String::new();
    while !line.starts_with("stopping") {
        line.clear();
        assert_ne!(errors.read_line(&mut line).unwrap(), 0, "no stopping line");
    }
    signal(emulator.child.id(), "INT");
    let status = exits_within(&mut emulator, std::time::Duration::from_secs(2));
    assert_eq!(status, Some(130));
}

/// A folder standing for the user's: `clouds.yaml` in it, and `HOME` pointing at it, so
/// that no real clouds.yaml is read.
fn clouds_dir(label: &str, clouds: &str) -> support::tls::TempDir {
    let dir = support::tls::TempDir::new(label);
    dir.write("clouds.yaml", clouds);
    dir
}

#[test]
fn os_cloud_with_a_token_cloud_against_the_emulator() {
    let emulator = RunningEmulator::start_with(&[], &[("VPCEP_EMULATOR_TOKENS", "cloud-token")]);
    let dir = clouds_dir(
        "cli-token-cloud",
        &format!(
            "clouds:\n  emu:\n    auth_type: token\n    auth:\n      token: cloud-token\n      \
             project_id: {PROJECT_ID}\n    vpcep_endpoint_override: {}/v1/{{project_id}}\n",
            emulator.base_url
        ),
    );
    let run = |cloud: &str| {
        vpcep()
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .args([
                "modify",
                SERVICE_ID,
                "--os-cloud",
                cloud,
                "--name",
                "fromcloud",
                "--retries",
                "0",
            ])
            .output()
            .unwrap()
    };
    let output = run("emu");
    assert!(output.status.success(), "{}", stderr(&output));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        service["service_name"],
        format!("eu-de.fromcloud.{SERVICE_ID}")
    );

    let output = run("absent");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cloud \"absent\" is not in"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn os_cloud_with_an_access_key_cloud_and_an_explicit_file() {
    let emulator = RunningEmulator::start_with(
        &["--access-key", "AK-CLOUD"],
        &[("VPCEP_EMULATOR_SECRET_KEY", "SK-CLOUD")],
    );
    let dir = clouds_dir("cli-keys-cloud", "");
    let file = dir.write(
        "conf/my-clouds.yaml",
        format!(
            "clouds:\n  keys:\n    ak: AK-CLOUD\n    auth: {{project_id: {PROJECT_ID}}}\n    \
             vpcep_endpoint_override: {0}\n  plain:\n    auth: {{project_id: {PROJECT_ID}}}\n    \
             vpcep_endpoint_override: {0}\n  other: {{}}\n",
            emulator.base_url
        ),
    );
    // The secret key in secure.yaml beside it.
    dir.write("conf/secure.yaml", "clouds:\n  keys:\n    sk: SK-CLOUD\n");
    let output = vpcep()
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("OS_CLOUD", "keys")
        .args([
            "modify",
            SERVICE_ID,
            "--name",
            "signedcloud",
            "--retries",
            "0",
        ])
        .arg("--os-client-config-file")
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        service["service_name"],
        format!("eu-de.signedcloud.{SERVICE_ID}")
    );

    // A dry run takes the project and endpoint from a cloud without credentials...
    let dry_run = |cloud: &str| {
        vpcep()
            .env("HOME", dir.path())
            .args([
                "modify",
                SERVICE_ID,
                "--os-cloud",
                cloud,
                "--name",
                "x",
                "--dry-run",
            ])
            .arg("--os-client-config-file")
            .arg(&file)
            .output()
            .unwrap()
    };
    // ...but half-set credentials are an error naming what is missing, dry run or not.
    std::fs::remove_file(dir.path().join("conf/secure.yaml")).unwrap();
    let output = dry_run("keys");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("clouds.keys.sk: is not set"),
        "{}",
        stderr(&output)
    );
    let output = dry_run("plain");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with(&format!("PUT {}/v1/{PROJECT_ID}/", emulator.base_url)),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_malformed_clouds_yaml_exits_2_naming_file_cloud_and_key() {
    let dir = clouds_dir(
        "cli-bad-cloud",
        "clouds:\n  otc:\n    region_name: eu-de\n    auth:\n      token: 12345\n    auth_type: token\n",
    );
    let output = vpcep()
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("OS_PROJECT_ID", PROJECT_ID)
        .args(["modify", SERVICE_ID, "--os-cloud", "otc", "--name", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    assert!(
        errors.contains("clouds.yaml: clouds.otc.auth.token: is a number, expected a string"),
        "{errors}"
    );
    assert!(!errors.contains("12345"), "{errors}");
}

/// `vpcep emulator` over HTTPS with a certificate made now; the folder holds `ca.pem`.
fn https_emulator(label: &str) -> (RunningEmulator, support::tls::TempDir) {
    let pki = support::tls::pki(&["127.0.0.1", "localhost"]);
    let dir = support::tls::TempDir::new(label);
    let cert = dir.write("cert.pem", &pki.cert_pem);
    let key = dir.write("key.pem", &pki.key_pem);
    dir.write("ca.pem", &pki.ca_pem);
    let emulator = RunningEmulator::start(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert!(
        emulator.base_url.starts_with("https://"),
        "{}",
        emulator.base_url
    );
    (emulator, dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn https_through_a_connect_proxy_with_os_cacert() {
    let (emulator, dir) = https_emulator("cli-proxy");
    let proxy = support::tls::ConnectProxy::start().await;
    let host = emulator.base_url.trim_start_matches("https://").to_owned();
    let run = |extra: &'static [(&'static str, &'static str)], with_ca: bool| {
        let mut command = vpcep();
        command
            .env("HTTPS_PROXY", &proxy.url)
            .env("OS_AUTH_TOKEN", "t")
            .env("OS_PROJECT_ID", PROJECT_ID)
            .args(["modify", SERVICE_ID, "--endpoint", &emulator.base_url])
            .args(["--name", "proxied", "--retries", "0"]);
        if with_ca {
            command.env("OS_CACERT", dir.path().join("ca.pem"));
        }
        for (name, value) in extra {
            command.env(name, value);
        }
        async move {
            tokio::task::spawn_blocking(move || command.output().unwrap())
                .await
                .unwrap()
        }
    };

    let output = run(&[], true).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        service["service_name"],
        format!("eu-de.proxied.{SERVICE_ID}")
    );
    assert_eq!(proxy.targets(), std::slice::from_ref(&host));

    // NO_PROXY sends it directly.
    let output = run(&[("NO_PROXY", "127.0.0.1")], true).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(proxy.targets().len(), 1, "{:?}", proxy.targets());

    // Without the CA: a TLS error naming the host, exit 1.
    let output = run(&[], false).await;
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors.contains(&format!("TLS handshake with {host} failed")),
        "{errors}"
    );
}

#[test]
fn get_prints_the_service_as_json_or_a_table() {
    let emulator = RunningEmulator::start(&[]);
    let get = |args: &[&str]| {
        vpcep()
            .env("OS_AUTH_TOKEN", "any")
            .env("OS_PROJECT_ID", PROJECT_ID)
            .args(["get", "--endpoint", &emulator.base_url])
            .args(args)
            .output()
            .unwrap()
    };
    let output = get(&[SERVICE_ID]);
    assert!(output.status.success(), "{}", stderr(&output));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(service["id"], SERVICE_ID);
    assert_eq!(
        service["service_name"],
        format!("eu-de.test123.{SERVICE_ID}")
    );
    assert_eq!(service["status"], "available");

    let output = get(&[SERVICE_ID, "--output", "table"]);
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

    let output = get(&["00000000-0000-4000-8000-000000000000"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("HTTP 404 EndPoint.0005"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn get_refuses_a_bad_id_or_missing_credentials_without_sending() {
    let server = TestServer::always(Reply::ok()).await;
    let output = vpcep()
        .env("OS_AUTH_TOKEN", "t")
        .args([
            "get",
            "not-a-uuid",
            "--endpoint",
            server.url(),
            "--project-id",
            PROJECT_ID,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: invalid request:\n  vpc_endpoint_service_id: \"not-a-uuid\" is not a UUID\n"
    );
    let output = vpcep()
        .args([
            "get",
            SERVICE_ID,
            "--endpoint",
            server.url(),
            "--project-id",
            PROJECT_ID,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("OS_AUTH_TOKEN"),
        "{}",
        stderr(&output)
    );
    assert!(server.received().is_empty());
}
