//! Secrets (token, secret key, security token) never show in `Debug` or `Display` of the
//! credentials, the builder, the client, or any error the client produces.

use crate::support::{
    auth::{SERVICE_ID, start_server},
    builder_as,
};
use otc_vpcep::{ClientBuilder, Credentials, Error, types::Protocol};

/// Every secret below contains this marker; nothing shown may.
const MARKER: &str = "SECRET";
const TOKEN: &str = "tok-SECRET-MIIEhQYJKoZIhvcNAQcCoIIEdj";
const SECRET_KEY: &str = "sk-SECRET-0123456789abcdef";
const SECURITY_TOKEN: &str = "st-SECRET-gQpjbi1ub3J0aC00";

fn all_credentials() -> [Credentials; 3] {
    [
        Credentials::token(TOKEN),
        Credentials::access_key("HPUAFNKYZ7LTZ1ZKGQ8M", SECRET_KEY),
        Credentials::temporary("HPUAFNKYZ7LTZ1ZKGQ8M", SECRET_KEY, SECURITY_TOKEN),
    ]
}

#[track_caller]
fn assert_hidden(what: &str, shown: &str) {
    assert!(!shown.contains(MARKER), "{what} shows a secret: {shown}");
}

#[track_caller]
fn assert_error_hidden(what: &str, error: &Error) {
    assert_hidden(what, &format!("{error}"));
    assert_hidden(what, &format!("{error:?}"));
    assert_hidden(what, &format!("{error:#?}"));
}

#[test]
fn credentials_builder_and_client_do_not_show_secrets() {
    for credentials in all_credentials() {
        assert_hidden("Credentials", &format!("{credentials:?} {credentials:#?}"));
        let builder = builder_as("https://vpcep.eu-de.otc.t-systems.com", credentials);
        assert_hidden("ClientBuilder", &format!("{builder:?} {builder:#?}"));
        let client = builder.build().expect("valid");
        assert_hidden("Client", &format!("{client:?} {client:#?}"));
        let modify = client
            .modify_endpoint_service(SERVICE_ID)
            .service_name("test");
        assert_hidden("ModifyEndpointService", &format!("{modify:?}"));
    }
    let from_env = ClientBuilder::from_env_with(|name| match name {
        "OS_ACCESS_KEY" => Some("AK".into()),
        "OS_SECRET_KEY" => Some(SECRET_KEY.into()),
        "OS_SECURITY_TOKEN" => Some(SECURITY_TOKEN.into()),
        _ => None,
    });
    assert_hidden("ClientBuilder::from_env_with", &format!("{from_env:?}"));
}

#[test]
fn config_errors_do_not_show_secrets() {
    for credentials in [
        Credentials::token(format!("{TOKEN}\n")),
        Credentials::temporary(
            "AK",
            format!("{SECRET_KEY}\n"),
            format!("{SECURITY_TOKEN} x"),
        ),
    ] {
        let error = builder_as("http://vpcep.example.com", credentials)
            .build()
            .expect_err("invalid");
        assert!(matches!(error, Error::InvalidConfig(_)), "{error:?}");
        assert_error_hidden("InvalidConfig", &error);
    }
}

#[tokio::test]
async fn request_errors_do_not_show_secrets() {
    for credentials in all_credentials() {
        let client = builder_as("https://vpcep.eu-de.otc.t-systems.com", credentials)
            .build()
            .expect("valid");
        let error = client
            .modify_endpoint_service(SERVICE_ID)
            .port(0, 22, Protocol::Tcp)
            .send()
            .await
            .expect_err("port 0 is invalid");
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert_error_hidden("InvalidRequest", &error);
    }
}

#[tokio::test]
async fn api_and_response_errors_do_not_show_secrets() {
    let api = start_server(|_| {
        (
            400,
            r#"{"error_code":"EndPoint.0002","error_msg":"Parameter error."}"#.to_owned(),
        )
    })
    .await;
    let garbage = start_server(|_| (200, "<html>not JSON</html>".to_owned())).await;
    for credentials in all_credentials() {
        for (server, is_expected) in [
            (
                &api,
                (|e: &Error| matches!(e, Error::Api(_))) as fn(&Error) -> bool,
            ),
            (&garbage, |e: &Error| {
                matches!(e, Error::InvalidResponse { .. })
            }),
        ] {
            let client = builder_as(server.url(), credentials.clone())
                .build()
                .expect("valid");
            let error = client
                .modify_endpoint_service(SERVICE_ID)
                .approval_enabled(true)
                .send()
                .await
                .expect_err("the server answers an error");
            assert!(is_expected(&error), "{error:?}");
            assert_error_hidden("Api/InvalidResponse", &error);
        }
    }
    // The secrets were sent, so their absence above is not for lack of them.
    let received = api.received();
    assert!(
        received
            .iter()
            .any(|r| r.header("x-auth-token") == Some(TOKEN))
    );
    assert!(
        received
            .iter()
            .any(|r| r.header("x-security-token") == Some(SECURITY_TOKEN))
    );
}

#[tokio::test]
async fn transport_errors_do_not_show_secrets() {
    // A loopback port where nothing listens any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    for credentials in all_credentials() {
        let client = builder_as(&endpoint, credentials)
            .no_retries()
            .build()
            .expect("valid");
        let error = client
            .modify_endpoint_service(SERVICE_ID)
            .approval_enabled(true)
            .send()
            .await
            .expect_err("nothing listens");
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert_error_hidden("Transport", &error);
    }
}

#[test]
fn passwords_never_show_either() {
    const PASSWORD: &str = "pw-SECRET-correct-horse";
    let login = Credentials::password(
        "my-user",
        PASSWORD,
        otc_vpcep::UserDomain::Name("OTC0001".into()),
    );
    let hidden = |what: &str, shown: String| {
        assert!(
            !shown.contains("correct-horse"),
            "{what} shows the password: {shown}"
        )
    };
    hidden("Credentials::Password", format!("{login:?} {login:#?}"));
    let builder = builder_as("https://vpcep.eu-de.otc.t-systems.com", login);
    hidden("ClientBuilder", format!("{builder:?}"));
    // Refused (no IAM endpoint: neither an auth_url nor a region), without showing it.
    let error = builder.build().expect_err("password login is refused");
    assert!(matches!(error, Error::InvalidConfig(_)), "{error:?}");
    assert!(error.to_string().contains("my-user"), "{error}");
    hidden("InvalidConfig", format!("{error} {error:?}"));

    let from_env = ClientBuilder::from_env_with(|name| match name {
        "OS_USERNAME" => Some("u".into()),
        "OS_PASSWORD" => Some(PASSWORD.into()),
        _ => None,
    });
    hidden("ClientBuilder::from_env_with", format!("{from_env:?}"));
    let error = from_env.build().expect_err("no domain");
    hidden("InvalidConfig", format!("{error} {error:?}"));
}

/// A password login against the emulator: the password and the tokens it issues (each starts
/// with `MIIEmu`) never show in the client's `Debug`, its errors, or its logs (at TRACE, the
/// HTTP crates' included), whether the login passes, is refused, or is renewed after a 401.
#[cfg(feature = "emulator")]
#[tokio::test(flavor = "current_thread")]
async fn passwords_and_issued_tokens_never_show_in_debug_errors_or_logs() {
    use crate::support::PROJECT_ID;
    use otc_vpcep::{Client, UserDomain, emulator::Emulator};

    const PASSWORD: &str = "pw-SECRET-battery-staple";
    const ISSUED: &str = "MIIEmu";

    let logs = crate::support::logs::Logs::capture(tracing::Level::TRACE);

    let emulator = Emulator::builder()
        .user("u", PASSWORD, "OTC0001")
        .project("eu-de", PROJECT_ID)
        .start()
        .await
        .expect("emulator");
    let login = |password: &str| {
        Client::builder()
            .endpoint(emulator.base_url())
            .auth_url(format!("{}/v3", emulator.base_url()))
            .region("eu-de")
            .credentials(Credentials::password(
                "u",
                password,
                UserDomain::Name("OTC0001".into()),
            ))
            .no_retries()
            .build()
            .expect("client")
    };
    let client = login(PASSWORD);
    client
        .get_endpoint_service(SERVICE_ID)
        .send()
        .await
        .expect("logged in");
    emulator.revoke_tokens();
    client
        .get_endpoint_service(SERVICE_ID)
        .send()
        .await
        .expect("logged in again");
    let shown = format!("{client:?} {client:#?}");
    assert_hidden("Client after a login", &shown);
    assert!(!shown.contains(ISSUED), "{shown}");

    let refused = login("pw-SECRET-wrong");
    let error = refused
        .get_endpoint_service(SERVICE_ID)
        .send()
        .await
        .expect_err("wrong password");
    assert_error_hidden("a failed login", &error);

    let logs = logs.text();
    assert!(logs.contains("logging in to IAM"), "{logs}");
    assert_hidden("the logs", &logs);
    assert!(!logs.contains(ISSUED), "{logs}");
}
