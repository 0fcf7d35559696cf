//! Authentication by the emulator: tokens, and AK/SK signatures (`SDK-HMAC-SHA256`) verified
//! as the provider's gateway does, with a 15-minute clock-skew limit. The signed requests are
//! signed here, by a signer of the test's own, so that the emulator is checked on its own.

#![cfg(feature = "emulator")]

mod emulator_support;

use std::time::{Duration, SystemTime};

use emulator_support::{Answer, answer, client, documented_path};
use hmac::{Hmac, KeyInit, Mac};
use otc_vpcep::{
    Client, Credentials, Error,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, EmulatorError},
};
use sha2::{Digest, Sha256};
use time::{OffsetDateTime, macros::format_description};

const BODY: &str = r#"{"approval_enabled":true}"#;

async fn put(emulator: &Emulator, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut request = reqwest::Client::new()
        .put(format!("{}{}", emulator.base_url(), documented_path()))
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    answer(request.send().await.unwrap()).await
}

fn sdk_date(at: SystemTime) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    OffsetDateTime::from(at).format(format).unwrap()
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Signs a PUT of `body` to the documented service as of `at`, signing `host`, `x-project-id`
/// and `x-sdk-date`, and returns the headers to send.
fn signed_headers(
    emulator: &Emulator,
    ak: &str,
    sk: &str,
    at: SystemTime,
    body: &str,
) -> Vec<(String, String)> {
    sign(
        emulator,
        (ak, sk),
        at,
        body,
        &["host", "x-project-id", "x-sdk-date"],
    )
}

/// Signs a PUT of `body` to the documented service as of `at`, signing the headers `names`
/// (sorted), and returns the headers to send.
fn sign(
    emulator: &Emulator,
    (ak, sk): (&str, &str),
    at: SystemTime,
    body: &str,
    names: &[&str],
) -> Vec<(String, String)> {
    let host = emulator.local_addr().to_string();
    let date = sdk_date(at);
    let value = |name: &str| match name {
        "host" => host.clone(),
        "x-project-id" => DOCUMENTED_PROJECT_ID.to_owned(),
        _ => date.clone(),
    };
    let headers: String = names
        .iter()
        .map(|n| format!("{n}:{}\n", value(n)))
        .collect();
    let canonical = format!(
        "PUT\n{}/\n\n{headers}\n{}\n{}",
        documented_path(),
        names.join(";"),
        hex_sha256(body.as_bytes())
    );
    let to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex_sha256(canonical.as_bytes())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(sk.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    vec![
        ("x-project-id".to_owned(), DOCUMENTED_PROJECT_ID.to_owned()),
        ("x-sdk-date".to_owned(), date),
        (
            "authorization".to_owned(),
            format!(
                "SDK-HMAC-SHA256 Access={ak}, SignedHeaders={}, Signature={signature}",
                names.join(";")
            ),
        ),
    ]
}

async fn put_signed(emulator: &Emulator, headers: &[(String, String)], body: &str) -> Answer {
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    put(emulator, &headers, body).await
}

fn assert_refused(answer: &Answer) {
    assert_eq!(
        (answer.status, answer.code()),
        (401, "EndPoint.0003"),
        "{:?}",
        answer.body
    );
    assert!(answer.request_id.is_some());
}

#[tokio::test]
async fn a_request_without_credentials_is_refused_with_0003() {
    let emulator = Emulator::start().await.unwrap();
    assert_refused(&put(&emulator, &[], BODY).await);
    assert_refused(&put(&emulator, &[("x-auth-token", "")], BODY).await);
    // The same through the ergonomic client without credentials.
    let client = Client::builder()
        .endpoint(emulator.base_url())
        .project_id(DOCUMENTED_PROJECT_ID)
        .build()
        .unwrap();
    let result = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await;
    match result {
        Err(Error::Api(e)) => assert_eq!((e.status, e.code.as_str()), (401, "EndPoint.0003")),
        other => panic!("expected 401, got {other:?}"),
    }
}

#[tokio::test]
async fn any_token_is_accepted_unless_tokens_are_configured() {
    let open = Emulator::start().await.unwrap();
    assert_eq!(
        put(&open, &[("x-auth-token", "whatever")], BODY)
            .await
            .status,
        200
    );
    let closed = Emulator::builder().token("right").start().await.unwrap();
    assert_refused(&put(&closed, &[("x-auth-token", "wrong")], BODY).await);
    assert_eq!(
        put(&closed, &[("x-auth-token", "right")], BODY)
            .await
            .status,
        200
    );
    // The ergonomic client's token reaches the emulator.
    let accepted = Emulator::builder()
        .token("test-token")
        .start()
        .await
        .unwrap();
    client(&accepted)
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_valid_signature_is_accepted() {
    let emulator = Emulator::builder()
        .access_key("AK1", "SK1")
        .start()
        .await
        .unwrap();
    let headers = signed_headers(&emulator, "AK1", "SK1", SystemTime::now(), BODY);
    let answer = put_signed(&emulator, &headers, BODY).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["approval_enabled"], true);
}

#[tokio::test]
async fn wrong_keys_or_a_changed_request_are_refused() {
    let emulator = Emulator::builder()
        .access_key("AK1", "SK1")
        .start()
        .await
        .unwrap();
    let now = SystemTime::now();
    assert_refused(
        &put_signed(
            &emulator,
            &signed_headers(&emulator, "AK1", "wrong", now, BODY),
            BODY,
        )
        .await,
    );
    assert_refused(
        &put_signed(
            &emulator,
            &signed_headers(&emulator, "AK2", "SK1", now, BODY),
            BODY,
        )
        .await,
    );
    let headers = signed_headers(&emulator, "AK1", "SK1", now, BODY);
    assert_refused(&put_signed(&emulator, &headers, r#"{"approval_enabled":false}"#).await);
    // A signature alone is not enough when the emulator has no keys, whatever the token.
    let keyless = Emulator::start().await.unwrap();
    let mut headers = signed_headers(&keyless, "AK1", "SK1", now, BODY);
    headers.push(("x-auth-token".to_owned(), "token".to_owned()));
    assert_refused(&put_signed(&keyless, &headers, BODY).await);
}

#[tokio::test]
async fn signatures_more_than_15_minutes_off_are_refused() {
    let emulator = Emulator::builder()
        .access_key("AK1", "SK1")
        .start()
        .await
        .unwrap();
    let now = SystemTime::now();
    let minutes = |m: u64| Duration::from_secs(m * 60);
    for at in [now - minutes(16), now + minutes(16)] {
        let answer = put_signed(
            &emulator,
            &signed_headers(&emulator, "AK1", "SK1", at, BODY),
            BODY,
        )
        .await;
        assert_refused(&answer);
        assert!(
            answer.body["error_msg"]
                .as_str()
                .unwrap()
                .contains("15 minutes"),
            "{:?}",
            answer.body
        );
    }
    for at in [now - minutes(14), now + minutes(14)] {
        let answer = put_signed(
            &emulator,
            &signed_headers(&emulator, "AK1", "SK1", at, BODY),
            BODY,
        )
        .await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
    }
}

#[tokio::test]
async fn refusals_never_show_the_secret_key() {
    let emulator = Emulator::builder()
        .access_key("AK1", "TopSecretKey")
        .start()
        .await
        .unwrap();
    let headers = signed_headers(&emulator, "AK1", "other", SystemTime::now(), BODY);
    let answer = put_signed(&emulator, &headers, BODY).await;
    assert_refused(&answer);
    assert!(!answer.body.to_string().contains("TopSecretKey"));
    assert!(!format!("{emulator:?}").contains("TopSecretKey"));
}

/// The client's own AK/SK signing against the emulator's verification.
#[tokio::test]
async fn the_client_signs_requests_the_emulator_accepts() {
    let emulator = Emulator::builder()
        .access_key("AK1", "SK1")
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(emulator.base_url())
        .project_id(DOCUMENTED_PROJECT_ID)
        .credentials(Credentials::access_key("AK1", "SK1"))
        .build()
        .unwrap();
    let service = client
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(true)
        .service_name("signed")
        .send()
        .await
        .unwrap();
    assert_eq!(service.approval_enabled, Some(true));

    // A wrong secret key is refused, typed, and not retried.
    let wrong = Client::builder()
        .endpoint(emulator.base_url())
        .project_id(DOCUMENTED_PROJECT_ID)
        .credentials(Credentials::access_key("AK1", "not-SK1"))
        .build()
        .unwrap();
    let error = wrong
        .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
        .approval_enabled(false)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
    assert_eq!(error.error_code(), Some("EndPoint.0003"), "{error:?}");
}

#[tokio::test]
async fn a_signature_must_cover_host_and_x_sdk_date_as_the_gateway_requires() {
    let emulator = Emulator::builder()
        .access_key("AK1", "SK1")
        .start()
        .await
        .unwrap();
    let now = SystemTime::now();
    for (names, missing) in [
        (&["x-sdk-date"][..], "host"),
        (&["x-project-id", "x-sdk-date"][..], "host"),
        (&["host", "x-project-id"][..], "x-sdk-date"),
    ] {
        let mut headers = sign(&emulator, ("AK1", "SK1"), now, BODY, names);
        headers.push(("host".to_owned(), "evil.example".to_owned()));
        let answer = put_signed(&emulator, &headers, BODY).await;
        assert_eq!(
            (answer.status, answer.code()),
            (401, "APIG.0303"),
            "{:?}",
            answer.body
        );
        let message = answer.body["error_msg"].as_str().unwrap();
        assert!(
            message.contains(&format!("{missing} is not among the signed headers")),
            "{message}"
        );
        assert_eq!(
            answer.body["request_id"].as_str(),
            answer.request_id.as_deref()
        );
    }
    let headers = sign(
        &emulator,
        ("AK1", "SK1"),
        now,
        BODY,
        &["host", "x-sdk-date"],
    );
    assert_eq!(put_signed(&emulator, &headers, BODY).await.status, 200);
}

#[tokio::test]
async fn a_token_is_compared_whole() {
    let emulator = Emulator::builder()
        .token("right-token")
        .token("other-token")
        .start()
        .await
        .unwrap();
    for wrong in ["right", "right-token-", "right-tokeN", "Right-token", "x"] {
        assert_refused(&put(&emulator, &[("x-auth-token", wrong)], BODY).await);
    }
    for right in ["right-token", "other-token"] {
        assert_eq!(
            put(&emulator, &[("x-auth-token", right)], BODY)
                .await
                .status,
            200
        );
    }
}

#[tokio::test]
async fn an_empty_token_or_key_is_a_configuration_error() {
    for builder in [
        Emulator::builder().token(""),
        Emulator::builder().token("ok").token(""),
        Emulator::builder().access_key("AK", ""),
    ] {
        let error = builder.start().await.unwrap_err();
        assert!(error.to_string().contains("must not be empty"), "{error}");
    }
}

#[tokio::test]
async fn beyond_the_loopback_any_token_needs_an_explicit_yes() {
    let everywhere = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
    let error = Emulator::builder()
        .address(everywhere)
        .access_key("AK", "SK")
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("beyond the loopback"), "{error}");
    // Allowed, these get as far as binding: TEST-NET-1 (192.0.2.1) is no address of this
    // machine, so nothing listens beyond the loopback during the test.
    let elsewhere = std::net::SocketAddr::from(([192, 0, 2, 1], 0));
    for builder in [
        Emulator::builder().address(elsewhere).token("t"),
        Emulator::builder().address(elsewhere).allow_any_token(true),
    ] {
        let error = builder.start().await.unwrap_err();
        assert!(matches!(error, EmulatorError::Bind { .. }), "{error}");
    }
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 2], 0));
    Emulator::builder()
        .address(loopback)
        .start()
        .await
        .unwrap()
        .shutdown()
        .await;
}
