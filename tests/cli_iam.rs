//! `vpcep --os-cloud NAME` with a password cloud, against `vpcep emulator` serving IAM: the
//! login, the project ID from the token's scope, and the emulator's IAM flags.

#![cfg(feature = "cli")]

use crate::support::{
    PROJECT_ID, SERVICE_ID,
    cli::{RunningEmulator, stderr, stdout, vpcep},
};
use serde_json::Value;

const PASSWORD: &str = "cli-pa55-never-shown";

#[test]
fn os_cloud_with_a_password_cloud_logs_in_at_the_emulator() {
    let users = crate::support::tls::TempDir::new("cli-iam-users");
    users.write("users", "# name:password:domain\nbob:other-pass:OTC02\n");
    let emulator = RunningEmulator::start_with(
        &[
            "--project",
            &format!("eu-de_myproject={PROJECT_ID}"),
            "--users-file",
            &users.path().join("users").display().to_string(),
            "--token-ttl",
            "1h",
        ],
        &[("VPCEP_EMULATOR_USERS", &format!("alice:{PASSWORD}:OTC01"))],
    );
    let dir = crate::support::tls::TempDir::new("cli-password-cloud");
    let cloud = |user: &str| {
        format!(
            "clouds:\n  emu:\n    auth:\n      auth_url: {base}/v3\n      username: {user}\n      \
             user_domain_name: OTC01\n      project_name: eu-de_myproject\n    region_name: eu-de\n    \
             vpcep_endpoint_override: {base}/v1/{{project_id}}\n",
            base = emulator.base_url
        )
    };
    dir.write("clouds.yaml", cloud("alice"));
    dir.write(
        "secure.yaml",
        format!("clouds:\n  emu:\n    auth:\n      password: {PASSWORD}\n"),
    );
    let run = || {
        vpcep()
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .args(["get", SERVICE_ID, "--os-cloud", "emu", "--retries", "0"])
            .output()
            .unwrap()
    };
    let output = run();
    assert!(output.status.success(), "{}", stderr(&output));
    let service: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(service["id"], SERVICE_ID);
    assert_eq!(service["project_id"], PROJECT_ID);

    // Bob, from the users file, is in another domain: the login fails, naming him, the
    // domain and the IAM endpoint, never the password.
    dir.write("clouds.yaml", cloud("bob"));
    let output = run();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let shown = stderr(&output);
    assert!(
        shown.contains("IAM login of user \"bob\" of domain name \"OTC01\""),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("{}/v3", emulator.base_url)),
        "{shown}"
    );
    assert!(
        !shown.contains(PASSWORD) && !shown.contains("other-pass"),
        "{shown}"
    );
}

#[test]
fn the_emulators_iam_flags_are_checked() {
    for (args, expected) in [
        (
            vec!["--user", "alice:nodomain"],
            "--user: a user is NAME:PASSWORD:DOMAIN",
        ),
        (
            vec!["--project", "noid"],
            "--project \"noid\": a project is NAME=ID",
        ),
        (vec!["--token-ttl", "0"], "--token-ttl"),
    ] {
        let output = vpcep()
            .args(["emulator", "--listen", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("nodomain") || args[0] != "--user");
    }
}
