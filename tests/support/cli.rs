//! What the tests of the `vpcep` binary share: the binary with a clean environment, the
//! commands an operator types most (`vpcep modify` against a server, a dry run), its output as
//! text, and `vpcep emulator` running in the background.

#![allow(dead_code)] // each test crate uses a part of it

use std::process::Output;

use assert_cmd::Command;

use super::{PROJECT_ID, SERVICE_ID};

/// The flags of the API reference's example request.
pub const DOCUMENTED_FLAGS: [&str; 7] = [
    "--approval-enabled",
    "true",
    "--name",
    "test",
    "--port",
    "8081:22",
    "--port=8082:23/udp",
];

/// `vpcep` with a clean environment: no credentials, project, region, clouds.yaml, proxy or
/// emulator secrets but those a test sets.
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
        "VPCEP_EMULATOR_TOKENS",
        "VPCEP_EMULATOR_ACCESS_KEY",
        "VPCEP_EMULATOR_SECRET_KEY",
        "OS_PROJECT_NAME",
        "OS_USERNAME",
        "OS_PASSWORD",
        "OS_USER_DOMAIN_NAME",
        "OS_DOMAIN_NAME",
        "OS_AUTH_URL",
        "OS_CACERT",
        "OS_CLOUD",
        "OS_CLIENT_CONFIG_FILE",
        "OS_CLIENT_SECURE_FILE",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(name);
    }
    command
}

/// `vpcep COMMAND SERVICE --endpoint ENDPOINT` for the documented project (`OS_PROJECT_ID`),
/// as an operator runs it against a server or an emulator; the test adds the credentials and
/// the other flags.
pub fn vpcep_at(endpoint: &str, command: &str, service: &str) -> Command {
    let mut vpcep = vpcep();
    vpcep
        .env("OS_PROJECT_ID", PROJECT_ID)
        .args([command, service, "--endpoint", endpoint]);
    vpcep
}

/// `vpcep modify` of the documented service and project at `endpoint`, with the token `token`
/// (`OS_AUTH_TOKEN`); the test adds the flags.
pub fn modify_at(endpoint: &str, token: &str) -> Command {
    let mut vpcep = vpcep_at(endpoint, "modify", SERVICE_ID);
    vpcep.env("OS_AUTH_TOKEN", token);
    vpcep
}

/// `vpcep modify` of the documented service and project in region eu-de (its public
/// endpoint), without credentials; the test adds them and the flags.
pub fn modify_in_eu_de() -> Command {
    let mut vpcep = vpcep();
    vpcep.args([
        "modify",
        SERVICE_ID,
        "--region",
        "eu-de",
        "--project-id",
        PROJECT_ID,
    ]);
    vpcep
}

/// `vpcep modify --dry-run` of the documented service and project in region eu-de, without
/// credentials; the test adds the flags.
pub fn dry_run() -> Command {
    let mut vpcep = modify_in_eu_de();
    vpcep.arg("--dry-run");
    vpcep
}

/// Runs `command` to its end off the test's runtime (which may be serving what it talks to).
pub async fn output_off_runtime(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("vpcep runs"))
        .await
        .expect("vpcep was run")
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `vpcep emulator`, running in the background until dropped.
pub struct RunningEmulator {
    pub child: std::process::Child,
    pub base_url: String,
}

impl RunningEmulator {
    pub fn start(args: &[&str]) -> Self {
        Self::start_with(args, &[])
    }

    /// Starts `vpcep emulator` on a free port with `args` and, in a clean environment, `env`.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vpcep"))
            .args(["emulator", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_clear()
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("vpcep emulator starts");
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("a first line");
        let base_url = first
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        assert!(
            base_url.starts_with("http://127.0.0.1:") || base_url.starts_with("https://127.0.0.1:"),
            "{base_url}"
        );
        Self { child, base_url }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token of [`vpcep_with_token`].
pub const CLI_TOKEN: &str = "cli-token";

/// `vpcep ARGS --endpoint ENDPOINT` for the documented project (`OS_PROJECT_ID`) with the
/// token [`CLI_TOKEN`] (`OS_AUTH_TOKEN`), for the commands that take no SERVICE or that the
/// test gives one in `args`.
pub fn vpcep_with_token(endpoint: &str, args: &[&str]) -> Command {
    let mut vpcep = vpcep();
    vpcep
        .env("OS_PROJECT_ID", PROJECT_ID)
        .env("OS_AUTH_TOKEN", CLI_TOKEN)
        .args(args)
        .args(["--endpoint", endpoint]);
    vpcep
}

/// What `vpcep` showed on a terminal, and how it ended.
pub struct OnATerminal {
    /// Standard output and standard error as the terminal showed them (what was typed
    /// echoed, line ends as `\r\n`).
    pub screen: String,
    pub code: Option<i32>,
}

/// Runs `vpcep ARGS` on a pseudo-terminal (util-linux `script`): its standard input, output
/// and error are that terminal. The environment is only `env` (and `PATH`, `TERM`); `typed` is
/// typed on the terminal.
pub fn on_a_terminal(args: &[&str], env: &[(&str, &str)], typed: &str) -> OnATerminal {
    use std::io::Write;
    let quoted = |word: &str| format!("'{}'", word.replace('\'', r"'\''"));
    let binary = assert_cmd::cargo::cargo_bin("vpcep");
    let line = std::iter::once(quoted(&binary.to_string_lossy()))
        .chain(args.iter().map(|arg| quoted(arg)))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = std::process::Command::new("script")
        .args(["--quiet", "--return", "--command", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("SHELL", "/bin/sh")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(typed.as_bytes()).expect("typed");
    drop(stdin);
    let output = child.wait_with_output().expect("script ends");
    OnATerminal {
        screen: String::from_utf8_lossy(&output.stdout).into_owned(),
        code: output.status.code(),
    }
}
