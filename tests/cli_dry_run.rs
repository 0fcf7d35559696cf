//! `vpcep modify --dry-run` and `--body FILE|-`: the request printed without credentials, the
//! project and region from flags or the environment, a body checked like the flags, and the
//! 1 MiB limit of what is read.

#![cfg(feature = "cli")]

use crate::support::{
    PROJECT_ID, SERVICE_ID,
    cli::{DOCUMENTED_FLAGS, dry_run, modify_in_eu_de, stderr, stdout, vpcep},
    documented_request,
    tls::TempDir,
};
use serde_json::{Value, json};

#[test]
fn dry_run_prints_the_request_and_needs_no_credentials() {
    let output = dry_run().args(DOCUMENTED_FLAGS).output().unwrap();
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
    let dir = TempDir::new("vpcep-body");
    let file = dir.write("body.json", documented_request().to_string());
    let from_file = dry_run().arg("--body").arg(&file).output().unwrap();
    assert!(from_file.status.success(), "{}", stderr(&from_file));

    let from_stdin = dry_run()
        .args(["--body", "-"])
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

#[test]
fn a_body_is_checked_like_the_flags() {
    let body = json!({"service_name": "no spaces allowed", "ports": [{"client_port": 70000, "server_port": 22, "protocol": "SCTP"}], "colour": "red"});
    let output = modify_in_eu_de()
        .env("OS_AUTH_TOKEN", "t")
        .args(["--body", "-"])
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
fn a_body_that_repeats_a_key_is_a_usage_error_naming_the_key() {
    let output = dry_run()
        .args(["--body", "-"])
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
        dry_run()
            .args(["--body", "-"])
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
