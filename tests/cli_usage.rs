//! `vpcep --help`, and what is refused with exit status 2 before anything is sent: usage
//! errors, invalid requests (every violation listed), missing credentials, absurd timeouts.

#![cfg(feature = "cli")]

use crate::support::{
    SERVICE_ID,
    cli::{dry_run, modify_in_eu_de, stderr, stdout, vpcep, vpcep_at},
    server::{Reply, TestServer},
};

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
fn a_validation_failure_lists_every_violation_and_exits_2() {
    // A SERVICE that is not a UUID is a name: the body is checked before it is looked up.
    let output = vpcep_at("http://127.0.0.1:9", "modify", "not-a-uuid")
        .env("OS_AUTH_TOKEN", "t")
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
         ports[0].client_port: 0 is not in 1..=65535\n  \
         service_name: \"way-too-long-for-a-name\" is not 1 to 16 characters long\n  \
         ports[2]: client port 8081/TCP is already mapped by ports[1]\n"
    );
}

#[test]
fn missing_credentials_exit_2_naming_the_variables() {
    let output = modify_in_eu_de().args(["--name", "x"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("OS_AUTH_TOKEN"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_absurd_timeout_is_a_usage_error() {
    let with_timeout = |timeout: &str| {
        dry_run()
            .args(["--name", "x"])
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
        let output = with_timeout(timeout);
        assert_eq!(output.status.code(), Some(2), "{timeout}");
        let errors = stderr(&output);
        assert!(
            errors.starts_with(&format!(
                "error: invalid value '{timeout}' for '--timeout <DURATION>': \"{timeout}\" {rule}"
            )),
            "{errors}"
        );
    }
    assert!(with_timeout("86400").status.success());
    assert!(with_timeout("24h").status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn get_refuses_a_bad_id_or_missing_credentials_without_sending() {
    let server = TestServer::always(Reply::ok()).await;
    // Neither a UUID nor a name a service may have.
    let output = vpcep_at(server.url(), "get", "")
        .env("OS_AUTH_TOKEN", "t")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: SERVICE is empty: give the ID (a UUID) or the name of a service\n"
    );
    let output = vpcep_at(server.url(), "get", SERVICE_ID).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("OS_AUTH_TOKEN"),
        "{}",
        stderr(&output)
    );
    assert!(server.received().is_empty());
}
