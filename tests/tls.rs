//! HTTPS: the emulator serving TLS with a certificate made at test time, and a client that
//! trusts extra CA certificates (from the builder, `OS_CACERT` or clouds.yaml's `cacert`),
//! refuses untrusted ones with a typed error naming the host, and verifies nothing only when
//! told to.

#![cfg(feature = "emulator")]

use std::collections::HashMap;

use crate::support::{
    config_violations,
    emulator::builder_as,
    tls::{TempDir, TestPki, pki},
};
use otc_vpcep::{
    Client, ClientBuilder, CloudsSearch, Credentials, Error,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, EmulatorError},
};

async fn https_emulator(pki: &TestPki) -> Emulator {
    Emulator::builder()
        .tls(pki.cert_pem.as_bytes(), pki.key_pem.as_bytes())
        .start()
        .await
        .expect("the emulator starts with TLS")
}

fn builder(emulator: &Emulator) -> ClientBuilder {
    builder_as(emulator, Credentials::token("tls-token")).no_retries()
}

async fn rename(client: &Client) -> Result<String, Error> {
    let service = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .service_name("tls")
        .send()
        .await?;
    Ok(service.service_name.unwrap_or_default())
}

#[tokio::test]
async fn a_client_that_trusts_the_ca_talks_to_the_https_emulator() {
    let pki = pki(&["localhost", "127.0.0.1"]);
    let emulator = https_emulator(&pki).await;
    assert!(emulator.base_url().starts_with("https://127.0.0.1:"));
    let client = builder(&emulator)
        .ca_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .expect("a valid configuration");
    assert_eq!(
        rename(&client).await.expect("the call works"),
        format!("eu-de.tls.{DOCUMENTED_SERVICE_ID}")
    );
    // By host name too: the certificate names both.
    let by_name = emulator.base_url().replace("127.0.0.1", "localhost");
    let client = builder(&emulator)
        .endpoint(by_name)
        .ca_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .expect("a valid configuration");
    rename(&client).await.expect("the call works by name");
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error_naming_the_host() {
    let pki = pki(&["localhost", "127.0.0.1"]);
    let emulator = https_emulator(&pki).await;
    let client = builder(&emulator).build().expect("a valid configuration");
    let error = rename(&client).await.expect_err("the CA is not trusted");
    let Error::Tls(tls) = &error else {
        panic!("expected Error::Tls, got {error:?}");
    };
    let host = emulator.base_url().trim_start_matches("https://");
    assert_eq!(tls.host, host);
    assert!(tls.is_certificate_problem(), "{tls:?}");
    let shown = error.to_string();
    assert!(
        shown.contains(&format!("TLS handshake with {host} failed")),
        "{shown}"
    );
    assert!(shown.contains("OS_CACERT"), "{shown}");
    assert!(!error.is_retryable());
    assert_eq!(emulator.requests_received(), 0);

    // Another CA does not help either.
    let other = crate::support::tls::pki(&["localhost"]);
    let client = builder(&emulator)
        .ca_certificate_pem(other.ca_pem.as_bytes())
        .build()
        .expect("a valid configuration");
    assert!(matches!(rename(&client).await, Err(Error::Tls(_))));
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let pki = pki(&["localhost"]);
    let emulator = https_emulator(&pki).await;
    let client = builder(&emulator)
        .ca_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .expect("a valid configuration");
    let error = rename(&client)
        .await
        .expect_err("127.0.0.1 is not in the certificate");
    let Error::Tls(tls) = &error else {
        panic!("expected Error::Tls, got {error:?}");
    };
    assert!(tls.reason.contains("not valid for name"), "{tls:?}");
}

#[tokio::test]
async fn os_cacert_and_clouds_yaml_cacert_are_trusted() {
    let pki = pki(&["127.0.0.1"]);
    let emulator = https_emulator(&pki).await;
    let dir = TempDir::new("tls-cacert");
    let ca = dir.write("ca.pem", &pki.ca_pem);

    let env = HashMap::from([
        ("OS_CACERT", ca.display().to_string()),
        ("OS_AUTH_TOKEN", "t".to_owned()),
        ("OS_PROJECT_ID", DOCUMENTED_PROJECT_ID.to_owned()),
    ]);
    let client = ClientBuilder::from_env_with(|name| env.get(name).cloned())
        .clouds_search(CloudsSearch::none())
        .endpoint(emulator.base_url())
        .no_retries()
        .build()
        .expect("a valid configuration");
    rename(&client).await.expect("OS_CACERT is trusted");

    dir.write(
        "clouds.yaml",
        format!(
            "clouds:\n  private:\n    auth_type: token\n    auth: {{token: t, project_id: {DOCUMENTED_PROJECT_ID}}}\n    \
             cacert: {}\n    vpcep_endpoint_override: {}/v1/{{project_id}}\n",
            ca.display(),
            emulator.base_url()
        ),
    );
    let client = Client::builder()
        .cloud("private")
        .clouds_search(CloudsSearch::none().current_dir(dir.path()))
        .no_retries()
        .build()
        .expect("a valid cloud");
    assert_eq!(client.endpoint(), emulator.base_url());
    rename(&client).await.expect("cacert is trusted");
}

#[tokio::test]
async fn verify_false_and_danger_accept_invalid_certs_skip_the_check() {
    let pki = pki(&["localhost"]);
    let emulator = https_emulator(&pki).await;
    let client = builder(&emulator)
        .danger_accept_invalid_certs(true)
        .build()
        .expect("a valid configuration");
    rename(&client).await.expect("nothing is verified");

    let dir = TempDir::new("tls-verify");
    dir.write(
        "clouds.yaml",
        "clouds:\n  lab:\n    auth_type: token\n    auth: {token: t}\n    verify: false\n",
    );
    let from_cloud = |verify_on_builder: Option<bool>| {
        let mut builder = builder(&emulator)
            .cloud("lab")
            .clouds_search(CloudsSearch::none().current_dir(dir.path()));
        if let Some(accept) = verify_on_builder {
            builder = builder.danger_accept_invalid_certs(accept);
        }
        builder.build().expect("a valid configuration")
    };
    rename(&from_cloud(None))
        .await
        .expect("verify: false in clouds.yaml");
    // The builder's setting wins over the cloud's.
    assert!(matches!(
        rename(&from_cloud(Some(false))).await,
        Err(Error::Tls(_))
    ));
}

#[test]
fn unusable_ca_certificates_are_errors_naming_their_source() {
    let dir = TempDir::new("tls-bad-ca");
    let base = || {
        Client::builder()
            .region("eu-de")
            .project_id(DOCUMENTED_PROJECT_ID)
    };
    let found = config_violations(base().ca_certificate_pem("not a certificate"));
    assert_eq!(
        found,
        [
            "ca_certificates: ca_certificate_pem: holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        ]
    );
    let found = config_violations(base().ca_certificate_pem(
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .starts_with("ca_certificates: ca_certificate_pem: certificate 1 cannot be trusted"),
        "{found:?}"
    );

    let missing = dir.path().join("missing.pem");
    let env = HashMap::from([("OS_CACERT", missing.display().to_string())]);
    let found = config_violations(
        ClientBuilder::from_env_with(|name| env.get(name).cloned())
            .clouds_search(CloudsSearch::none())
            .region("eu-de")
            .project_id(DOCUMENTED_PROJECT_ID)
            .credentials(Credentials::token("t")),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!(
            "ca_certificates: OS_CACERT ({}): cannot be read",
            missing.display()
        )),
        "{found:?}"
    );
}

#[tokio::test]
async fn the_emulator_refuses_an_unusable_certificate_or_key() {
    let pki = pki(&["localhost"]);
    let other = crate::support::tls::pki(&["localhost"]);
    for (cert, key, expected) in [
        ("junk", pki.key_pem.as_str(), "no PEM certificate"),
        (
            pki.cert_pem.as_str(),
            "junk",
            "the key is not a PEM private key",
        ),
        (
            pki.cert_pem.as_str(),
            other.key_pem.as_str(),
            "do not go together",
        ),
    ] {
        let error = Emulator::builder()
            .tls(cert.as_bytes(), key.as_bytes())
            .start()
            .await
            .expect_err("unusable");
        let EmulatorError::InvalidTls(reason) = &error else {
            panic!("expected InvalidTls, got {error:?}");
        };
        assert!(reason.contains(expected), "{expected:?} in {reason}");
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_handshake_holds_up_no_other() {
    let pki = pki(&["127.0.0.1"]);
    let emulator = https_emulator(&pki).await;
    // Connects and says nothing.
    let _silent = tokio::net::TcpStream::connect(emulator.local_addr())
        .await
        .expect("connects");
    let client = builder(&emulator)
        .ca_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .expect("a valid configuration");
    rename(&client).await.expect("served meanwhile");
}

/// A certificate that is not trusted stays untrusted: the handshake failure is not retried,
/// even by a client whose policy retries connection failures.
#[tokio::test]
async fn an_untrusted_certificate_is_not_retried() {
    let pki = pki(&["localhost", "127.0.0.1"]);
    let emulator = https_emulator(&pki).await;
    // A loopback relay in front of the emulator, counting the connections made.
    let relay = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_url = format!("https://{}", relay.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = connections.clone();
    let target = emulator.local_addr();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = relay.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    let client = Client::builder()
        .endpoint(relay_url)
        .project_id(DOCUMENTED_PROJECT_ID)
        .credentials(Credentials::token("tls-token"))
        .retry_policy(
            otc_vpcep::RetryPolicy::default()
                .with_max_attempts(4)
                .with_backoff(
                    std::time::Duration::from_millis(1),
                    std::time::Duration::from_millis(2),
                ),
        )
        .build()
        .expect("a valid configuration");
    let error = rename(&client).await.expect_err("the CA is not trusted");
    assert!(matches!(error, Error::Tls(_)), "{error:?}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
}
