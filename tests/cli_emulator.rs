//! `vpcep emulator` as an operator runs it: a seed file, secrets only from the environment,
//! the loopback guard, its limits as flags, and how a signal stops it.

#![cfg(feature = "cli")]

use std::io::Write;

use crate::support::{
    PROJECT_ID, SERVICE_ID,
    cli::{RunningEmulator, modify_at, stderr, vpcep, vpcep_at},
    tls::TempDir,
};
use serde_json::json;

#[test]
fn the_emulator_takes_a_seed_file_and_the_api_errors_exit_1() {
    let dir = TempDir::new("vpcep-seed");
    let service = json!([{
        "id": "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11",
        "project_id": PROJECT_ID,
        "port_id": "4189d3c2-8882-4871-a3c2-d380272eed88",
        "status": "creating",
        "service_name": "seeded",
        "ports": [{"client_port": 80, "server_port": 80, "protocol": "TCP"}]
    }]);
    let seed = dir.write("seed.json", service.to_string());
    let emulator = RunningEmulator::start(&["--seed", seed.to_str().unwrap()]);
    let modify = |id: &str| {
        vpcep_at(&emulator.base_url, "modify", id)
            .env("OS_AUTH_TOKEN", "any")
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

#[test]
fn an_invalid_seed_service_is_a_usage_error_like_invalid_seed_json() {
    let dir = TempDir::new("vpcep-bad-seed");
    for (content, problem) in [
        (
            r#"[{"id": "not-a-uuid", "project_id": "p"}]"#,
            "invalid seed service",
        ),
        (r#"[{"project_id": "p"}]"#, "missing field `id`"),
        (r#"{"id": 1"#, "not a JSON list of services"),
    ] {
        let seed = dir.write("seed.json", content);
        let output = vpcep()
            .args(["emulator", "--listen", "127.0.0.1:0", "--seed"])
            .arg(&seed)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{content}");
        assert!(stderr(&output).contains(problem), "{}", stderr(&output));
    }
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
        modify_at(&emulator.base_url, token)
            .args(["--name", "x", "--retries", "0"])
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
