//! What the tests of the `vpcep` binary share: the binary with a clean environment, and its
//! output as text.

#![allow(dead_code)] // each test crate uses a part of it

use assert_cmd::Command;

/// `vpcep` with a clean environment: no credentials, project or region but those a test sets.
pub fn vpcep() -> Command {
    let mut command = Command::cargo_bin("vpcep").expect("the vpcep binary is built");
    for name in [
        "OS_AUTH_TOKEN",
        "OS_ACCESS_KEY",
        "OS_SECRET_KEY",
        "OS_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "OS_PROJECT_ID",
        "OS_REGION_NAME",
    ] {
        command.env_remove(name);
    }
    command
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
