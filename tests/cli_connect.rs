//! Who may connect, through the command line, against `vpcep emulator` (issue 26, section 4):
//! the owner turns approval on and whitelists a second account (`vpcep modify`, `vpcep
//! whitelist --add`); that account's consumer connects (`vpcep create-endpoint`, generated
//! from the spec) and waits in `vpcep connections`; the owner accepts it (`vpcep accept
//! --all-pending`) and both sides see it accepted; an account not whitelisted is refused; a
//! whitelist set removes the second account; the service cannot be deleted while connected,
//! and can be once the endpoint is deleted. Then the refusals before anything is sent.

#![cfg(feature = "cli")]

use crate::support::{
    SERVICE_ID,
    cli::{RunningEmulator, stderr, stdout, vpcep_with_token},
};
use serde_json::Value;

const CONSUMER_PROJECT: &str = otc_vpcep::emulator::DEFAULT_CONSUMER_PROJECT_ID;
const CONSUMER_DOMAIN: &str = otc_vpcep::emulator::DEFAULT_CONSUMER_DOMAIN_ID;
/// A project of a third account, which no whitelist names.
const STRANGER_PROJECT: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const VPC: &str = "4189d3c2-8882-4871-a3c2-d380272eed80";
const SUBNET: &str = "4189d3c2-8882-4871-a3c2-d380272eed81";

/// Runs `vpcep ARGS` against the emulator as the owner; answers its exit status, standard
/// output and standard error.
fn run(emulator: &RunningEmulator, args: &[&str]) -> (i32, String, String) {
    let output = vpcep_with_token(&emulator.base_url, args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        stdout(&output),
        stderr(&output),
    )
}

/// The JSON lines of `text`.
fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// `vpcep create-endpoint` as the consumer of `project`: its exit status, output and errors.
fn connect(emulator: &RunningEmulator, project: &str) -> (i32, String, String) {
    run(
        emulator,
        &[
            "create-endpoint",
            "--project-id",
            project,
            "--endpoint-service-id",
            SERVICE_ID,
            "--vpc-id",
            VPC,
            "--subnet-id",
            SUBNET,
            "--output",
            "jsonl",
        ],
    )
}

#[test]
fn the_approval_story_through_the_cli() {
    let emulator = RunningEmulator::start(&[]);

    // 1. Approval on.
    let (code, out, err) = run(
        &emulator,
        &[
            "modify",
            SERVICE_ID,
            "--approval-enabled",
            "true",
            "--output",
            "jsonl",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines(&out)[0]["approval_enabled"], true);

    // 2. The consumer's account whitelisted, as a bare domain ID.
    let (code, _, err) = run(
        &emulator,
        &["whitelist", SERVICE_ID, "--add", CONSUMER_DOMAIN],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&emulator, &["whitelist", SERVICE_ID, "--output", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let records = lines(&out);
    assert_eq!(records.len(), 1, "{out}");
    assert_eq!(
        records[0]["permission"],
        format!("iam:domain::{CONSUMER_DOMAIN}")
    );

    // 3. The consumer connects, and waits for the owner.
    let (code, out, err) = connect(&emulator, CONSUMER_PROJECT);
    assert_eq!(code, 0, "{err}");
    let endpoint = lines(&out)[0]["id"].as_str().unwrap().to_owned();
    let (code, out, err) = run(
        &emulator,
        &[
            "connections",
            SERVICE_ID,
            "--status",
            "pendingAcceptance",
            "--output",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let pending: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(pending.as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(pending[0]["id"], endpoint.as_str());
    assert_eq!(pending[0]["domain_id"], CONSUMER_DOMAIN);

    // 4. Accepted, as every pending one, and so on both sides; again, a no-op said so.
    let (code, out, err) = run(
        &emulator,
        &["accept", SERVICE_ID, "--all-pending", "--output", "jsonl"],
    );
    assert_eq!(code, 0, "{err}");
    let outcomes = lines(&out);
    assert_eq!(outcomes.len(), 1, "{out}");
    assert_eq!(outcomes[0]["endpoint_id"], endpoint.as_str());
    assert_eq!(outcomes[0]["outcome"], "accepted");
    let (code, out, _) = run(&emulator, &["connections", SERVICE_ID, "--output", "jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(lines(&out)[0]["status"], "accepted");
    let (code, out, err) = run(
        &emulator,
        &[
            "get-endpoint",
            &endpoint,
            "--project-id",
            CONSUMER_PROJECT,
            "--output",
            "jsonl",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines(&out)[0]["status"], "accepted");
    let (code, out, _) = run(
        &emulator,
        &["accept", SERVICE_ID, &endpoint, "--output", "jsonl"],
    );
    assert_eq!(code, 0);
    assert_eq!(lines(&out)[0]["outcome"], "already_accepted");
    // A dry run with credentials reads the connections: no request for an accepted one.
    let (code, out, err) = run(&emulator, &["accept", SERVICE_ID, &endpoint, "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "no request to print");
    assert!(err.contains("accepted already: no request"), "{err}");

    // 5. An account that is not whitelisted is refused.
    let (code, _, err) = connect(&emulator, STRANGER_PROJECT);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("EndPoint.2012"), "{err}");

    // 6. A whitelist set to nothing removes the consumer's account: shown first, then made.
    let (code, out, err) = run(
        &emulator,
        &[
            "whitelist",
            SERVICE_ID,
            "--set=",
            "--dry-run",
            "--output",
            "table",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("- iam:domain::{CONSUMER_DOMAIN}")),
        "{out}"
    );
    assert!(err.contains("nothing sent"), "{err}");
    let (code, _, err) = run(&emulator, &["whitelist", SERVICE_ID, "--set="]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(&emulator, &["whitelist", SERVICE_ID, "--output", "json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        Value::Array(vec![])
    );

    // 7. Not deleted while connected; deleted once the endpoint is gone.
    let (code, _, err) = run(&emulator, &["delete", SERVICE_ID, "--yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("EndPoint.3006"), "{err}");
    let (code, _, err) = run(
        &emulator,
        &[
            "delete-endpoint",
            &endpoint,
            "--project-id",
            CONSUMER_PROJECT,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&emulator, &["delete", SERVICE_ID, "--yes", "--wait=1m"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_reject_is_reported_per_endpoint_and_a_bad_one_does_not_hide_the_others() {
    let emulator = RunningEmulator::start(&[]);
    let (code, _, err) = run(&emulator, &["whitelist", SERVICE_ID, "--add", "*"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        &emulator,
        &["modify", SERVICE_ID, "--approval-enabled", "true"],
    );
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = connect(&emulator, CONSUMER_PROJECT);
    let endpoint = lines(&out)[0]["id"].as_str().unwrap().to_owned();
    // The consumer's list of endpoints (generated from the spec) walks every page; --limit
    // stops it.
    let (_, out, _) = connect(&emulator, CONSUMER_PROJECT);
    let second = lines(&out)[0]["id"].as_str().unwrap().to_owned();
    let listed = |extra: &[&str]| {
        let mut args = vec![
            "list-endpoints",
            "--project-id",
            CONSUMER_PROJECT,
            "--output",
            "jsonl",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&emulator, &args);
        assert_eq!(code, 0, "{err}");
        lines(&out)
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let all = listed(&[]);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.contains(&endpoint) && all.contains(&second), "{all:?}");
    assert_eq!(listed(&["--limit", "1"]).len(), 1);
    // An endpoint the service does not know, beside one it does.
    let unknown = "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
    let both = format!("{endpoint},{unknown}");
    let (code, out, err) = run(
        &emulator,
        &["reject", SERVICE_ID, &both, "--output", "jsonl"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("1 of 2 endpoints"), "{err}");
    let outcomes = lines(&out);
    assert_eq!(outcomes[0]["endpoint_id"], endpoint.as_str());
    assert_eq!(outcomes[0]["outcome"], "rejected");
    assert_eq!(outcomes[1]["endpoint_id"], unknown);
    assert_eq!(outcomes[1]["outcome"], "failed");
    assert!(outcomes[1]["error"].as_str().is_some(), "{out}");
}

#[test]
fn bad_records_and_endpoints_are_refused_before_anything_is_sent() {
    // No server: a request would fail with exit status 1, not 2.
    let nowhere = "http://127.0.0.1:9";
    let refused = |args: &[&str]| {
        let output = vpcep_with_token(nowhere, args).output().unwrap();
        (output.status.code(), stderr(&output))
    };
    let (code, err) = refused(&["whitelist", SERVICE_ID, "--add", "not/a/domain"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--add \"not/a/domain\""), "{err}");
    let (code, err) = refused(&["whitelist", SERVICE_ID, "--set", "ok1,bad id"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--set \"bad id\""), "{err}");
    let (code, err) = refused(&["accept", SERVICE_ID, "not-an-endpoint"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not-an-endpoint"), "{err}");
    let (code, err) = refused(&["accept", SERVICE_ID]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("<ENDPOINT>"), "{err}");

    // A dry run of an accept shows one request per endpoint, in the documented form.
    let output = vpcep_with_token(
        nowhere,
        &[
            "accept",
            SERVICE_ID,
            "705290f3-0d00-41f2-aedc-71f09844e879,f0c6d4e5-2f1b-4d8a-9c0e-7a3b1e2d4c5f",
            "--dry-run",
        ],
    )
    .env_remove("OS_AUTH_TOKEN")
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(out.matches("/connections/action").count(), 2, "{out}");
    assert_eq!(out.matches("\"receive\"").count(), 2, "{out}");
    // A dry run of --add shows the records with their prefix.
    let output = vpcep_with_token(
        nowhere,
        &["whitelist", SERVICE_ID, "--add", "abc123,*", "--dry-run"],
    )
    .env_remove("OS_AUTH_TOKEN")
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("\"iam:domain::abc123\""), "{out}");
    assert!(out.contains("\"iam:domain::*\""), "{out}");
}
