//! The `vpcep` binary, end to end: what an operator types, what they see, and the exit status.

#![cfg(feature = "cli")]

mod common;
mod tls_support;

use std::io::Write;

use assert_cmd::Command;
use common::{
    PROJECT_ID, SERVICE_ID, documented_request, documented_response,
    server::{Reply, TestServer},
};
use serde_json::{Value, json};

/// `vpcep` with a clean environment: no credentials, project or region but those a test sets.
fn vpcep() -> Command {
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

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

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

/// `vpcep emulator`, running in the background until dropped.
struct RunningEmulator {
    child: std::process::Child,
    base_url: String,
}

impl RunningEmulator {
    fn start(args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vpcep"))
            .args(["emulator", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
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
    let emulator = RunningEmulator::start(&["--access-key", "AK-CLI", "--secret-key", "SK-CLI"]);
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

/// A folder standing for the user's: `clouds.yaml` in it, and `HOME` pointing at it, so
/// that no real clouds.yaml is read.
fn clouds_dir(label: &str, clouds: &str) -> tls_support::TempDir {
    let dir = tls_support::TempDir::new(label);
    dir.write("clouds.yaml", clouds);
    dir
}

#[test]
fn os_cloud_with_a_token_cloud_against_the_emulator() {
    let emulator = RunningEmulator::start(&["--token", "cloud-token"]);
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
    let emulator =
        RunningEmulator::start(&["--access-key", "AK-CLOUD", "--secret-key", "SK-CLOUD"]);
    let dir = clouds_dir("cli-keys-cloud", "");
    let file = dir.write(
        "conf/my-clouds.yaml",
        format!(
            "clouds:\n  keys:\n    ak: AK-CLOUD\n    auth: {{project_id: {PROJECT_ID}}}\n    \
             vpcep_endpoint_override: {}\n  other: {{}}\n",
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

    // A dry run takes the project and endpoint from the cloud and needs no credentials.
    std::fs::remove_file(dir.path().join("conf/secure.yaml")).unwrap();
    let output = vpcep()
        .env("HOME", dir.path())
        .args([
            "modify",
            SERVICE_ID,
            "--os-cloud",
            "keys",
            "--name",
            "x",
            "--dry-run",
        ])
        .arg("--os-client-config-file")
        .arg(&file)
        .output()
        .unwrap();
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
fn https_emulator(label: &str) -> (RunningEmulator, tls_support::TempDir) {
    let pki = tls_support::pki(&["127.0.0.1", "localhost"]);
    let dir = tls_support::TempDir::new(label);
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
    let proxy = tls_support::ConnectProxy::start().await;
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
