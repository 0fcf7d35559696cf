//! `vpcep` over HTTPS: `vpcep emulator --tls-cert/--tls-key`, a client that trusts its CA
//! through `OS_CACERT`, a CONNECT proxy from `HTTPS_PROXY` (or not, by `NO_PROXY`), and the TLS
//! error without the CA.

#![cfg(feature = "cli")]

use crate::support::{
    SERVICE_ID,
    cli::{RunningEmulator, modify_at, output_off_runtime, stderr, stdout},
    tls::{ConnectProxy, TempDir, pki},
};
use serde_json::Value;

/// `vpcep emulator` over HTTPS with a certificate made now; the folder holds `ca.pem`.
fn https_emulator(label: &str) -> (RunningEmulator, TempDir) {
    let pki = pki(&["127.0.0.1", "localhost"]);
    let dir = TempDir::new(label);
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
    let proxy = ConnectProxy::start().await;
    let host = emulator.base_url.trim_start_matches("https://").to_owned();
    let run = |extra: &'static [(&'static str, &'static str)], with_ca: bool| {
        let mut command = modify_at(&emulator.base_url, "t");
        command
            .env("HTTPS_PROXY", &proxy.url)
            .args(["--name", "proxied", "--retries", "0"]);
        if with_ca {
            command.env("OS_CACERT", dir.path().join("ca.pem"));
        }
        for (name, value) in extra {
            command.env(name, value);
        }
        output_off_runtime(command)
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
