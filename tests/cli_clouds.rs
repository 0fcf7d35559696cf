//! `vpcep --os-cloud NAME` with token and access-key clouds against `vpcep emulator`:
//! clouds.yaml found or named, secure.yaml beside it, and malformed files (exit status 2,
//! naming the file, the cloud and the key, never a secret).

#![cfg(feature = "cli")]

use crate::support::{
    PROJECT_ID, SERVICE_ID,
    cli::{RunningEmulator, stderr, stdout, vpcep},
    tls::TempDir,
};
use serde_json::Value;

/// A folder standing for the user's: `clouds.yaml` in it, and `HOME` pointing at it, so
/// that no real clouds.yaml is read.
fn clouds_dir(label: &str, clouds: &str) -> TempDir {
    let dir = TempDir::new(label);
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
