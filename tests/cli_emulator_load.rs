//! `vpcep emulator --rate-limit/--rate-burst/--failure-rate`, end to end.

#![cfg(feature = "cli")]

use crate::support::cli::{RunningEmulator, stderr, vpcep, vpcep_at};
use otc_vpcep::emulator::DOCUMENTED_SERVICE_ID;

fn get(emulator: &RunningEmulator) -> std::process::Output {
    vpcep_at(&emulator.base_url, "get", DOCUMENTED_SERVICE_ID)
        .env("OS_AUTH_TOKEN", "cli-token")
        .output()
        .expect("vpcep runs")
}

#[test]
fn a_failure_rate_of_one_answers_every_request_503() {
    let emulator = RunningEmulator::start(&["--failure-rate", "1"]);
    let output = get(&emulator);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("EndPoint.0001"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn past_the_burst_the_rate_limit_answers_endpoint_0022() {
    let emulator = RunningEmulator::start(&["--rate-limit", "0.001", "--rate-burst", "1"]);
    let first = get(&emulator);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = get(&emulator);
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("EndPoint.0022"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn broken_load_flags_are_refused_by_name() {
    let output = vpcep()
        .args(["emulator", "--listen", "127.0.0.1:0", "--failure-rate", "2"])
        .output()
        .expect("vpcep runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("failure_rate"),
        "{}",
        stderr(&output)
    );
    let output = vpcep()
        .args(["emulator", "--listen", "127.0.0.1:0", "--rate-burst", "3"])
        .output()
        .expect("vpcep runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--rate-limit"),
        "{}",
        stderr(&output)
    );
}
