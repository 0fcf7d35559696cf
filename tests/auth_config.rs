//! Credential checks of `ClientBuilder::build`: values that cannot be sent, and credentials
//! over plain http, are configuration errors naming the field, never showing the secret.

use crate::support::{PROJECT_ID, config_violations};
use otc_vpcep::{Client, ClientBuilder, Credentials};

fn builder(credentials: Credentials) -> ClientBuilder {
    Client::builder()
        .region("eu-de")
        .project_id(PROJECT_ID)
        .credentials(credentials)
}

fn fields(violations: &[String]) -> Vec<&str> {
    violations
        .iter()
        .map(|v| v.split(':').next().unwrap_or_default())
        .collect()
}

#[test]
fn good_credentials_build() {
    for credentials in [
        Credentials::token("MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQExDTALBglghkgBZQ-_+/="),
        Credentials::access_key("HPUAFNKYZ7LTZ1ZKGQ8M", "any secret, even with spaces"),
        Credentials::temporary("HPUAFNKYZ7LTZ1ZKGQ8M", "sk", "gQpjbi1ub3J0aC00"),
    ] {
        builder(credentials).build().expect("valid credentials");
    }
}

#[test]
fn a_token_that_cannot_be_a_header_is_an_error_that_hides_it() {
    for (token, rule) in [
        ("", "must not be empty"),
        ("secret-token\n", "trailing newline"),
        ("secret token", "must not contain spaces"),
        ("secret-token\u{1}", "visible ASCII"),
        ("secret-tökén", "visible ASCII"),
    ] {
        let found = config_violations(builder(Credentials::token(token)));
        assert_eq!(fields(&found), ["credentials.token"], "{token:?}");
        assert!(found[0].contains(rule), "{token:?}: {found:?}");
        assert!(!found[0].contains("secret"), "{found:?}");
    }
}

#[test]
fn access_keys_that_cannot_be_sent_are_errors_naming_each_field() {
    let found = config_violations(builder(Credentials::temporary("AK,1", "", "hidden token")));
    assert_eq!(
        fields(&found),
        [
            "credentials.access_key",
            "credentials.secret_key",
            "credentials.security_token"
        ]
    );
    assert!(found[0].contains("','"), "{found:?}");
    assert!(found[1].contains("must not be empty"), "{found:?}");
    assert!(!found.join(" ").contains("hidden"), "{found:?}");

    let found = config_violations(builder(Credentials::access_key("", "sk")));
    assert_eq!(fields(&found), ["credentials.access_key"]);
}

#[test]
fn a_secret_key_with_a_trailing_newline_is_refused_like_a_token() {
    for (secret_key, rule) in [
        ("secret-key\n", "trailing newline"),
        ("secret-key\r\n", "trailing newline"),
        (" secret-key", "must not start or end"),
        ("secret\u{7}key", "control characters"),
    ] {
        let found = config_violations(builder(Credentials::access_key("AK", secret_key)));
        assert_eq!(fields(&found), ["credentials.secret_key"], "{secret_key:?}");
        assert!(found[0].contains(rule), "{secret_key:?}: {found:?}");
        assert!(!found[0].contains("secret-key"), "{found:?}");
    }
}

#[test]
fn credential_problems_are_reported_with_the_others() {
    // An endpoint without a region: no project named after the region to fall back on.
    let found = config_violations(
        Client::builder()
            .endpoint("https://vpcep.example.com")
            .credentials(Credentials::token("bad token")),
    );
    assert_eq!(fields(&found), ["project_id", "credentials.token"]);
}

#[test]
fn credentials_over_plain_http_to_a_remote_host_are_refused() {
    for endpoint in [
        "http://vpcep.eu-de.otc.t-systems.com",
        "http://10.0.0.1:8080",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
    ] {
        for credentials in [Credentials::token("t"), Credentials::access_key("AK", "SK")] {
            let found = config_violations(builder(credentials).endpoint(endpoint));
            assert_eq!(fields(&found), ["endpoint"], "{endpoint}");
            assert!(found[0].contains("plain http"), "{found:?}");
            assert!(found[0].contains("allow_insecure_http"), "{found:?}");
        }
    }
}

#[test]
fn the_explicit_opt_out_allows_plain_http() {
    let client = builder(Credentials::access_key("AK", "SK"))
        .endpoint("http://10.0.0.1:8080")
        .allow_insecure_http(true)
        .build()
        .expect("allowed explicitly");
    assert_eq!(client.endpoint(), "http://10.0.0.1:8080");
    assert!(
        builder(Credentials::access_key("AK", "SK"))
            .endpoint("http://10.0.0.1:8080")
            .allow_insecure_http(false)
            .build()
            .is_err()
    );
}

#[test]
fn plain_http_to_loopback_or_without_credentials_is_fine() {
    for endpoint in [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://localhost:9000",
        "http://LOCALHOST",
        "http://[::1]:8080",
        "https://vpcep.eu-de.otc.t-systems.com",
        "https://10.0.0.1",
    ] {
        builder(Credentials::token("t"))
            .endpoint(endpoint)
            .build()
            .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
    }
    Client::builder()
        .endpoint("http://vpcep.example.com")
        .project_id(PROJECT_ID)
        .build()
        .expect("nothing secret to send");
}

#[test]
fn a_token_carries_no_security_token() {
    let token = Credentials::token("t").with_security_token("st");
    assert!(matches!(token, Credentials::Token(_)));
    let keys = Credentials::access_key("AK", "SK").with_security_token("st");
    assert!(matches!(
        keys,
        Credentials::AccessKey {
            security_token: Some(_),
            ..
        }
    ));
}
