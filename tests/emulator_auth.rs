//! Authentication by the emulator: tokens, and AK/SK signatures (`SDK-HMAC-SHA256`) verified
//! as the provider's gateway does, with a 15-minute clock-skew limit. The signed requests are
//! signed by the crate's pure signer at chosen times; that the emulator's verifier agrees with
//! the published vectors on its own is pinned by its unit tests on the shared fixture
//! `tests/fixtures/signing-vectors.json`.

#![cfg(feature = "emulator")]

use std::time::{Duration, SystemTime};

use crate::support::emulator::{Answer, answer, builder_as, client, documented_path};
use otc_vpcep::{
    Client, Credentials, Error,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, EmulatorError},
    signer::{self, SigningRequest},
};

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

/// Signs a PUT of `body` to the documented service as of `at`, signing `host`, `x-project-id`
/// and `x-sdk-date`, and returns the headers to send beside `host` and `content-type`.
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

/// The headers of a request signed at `at` with `ak`/`sk` by the crate's signer, with
/// `SignedHeaders` naming `names`: of `host` and `x-project-id`, those in `names` are signed
/// (and `x-sdk-date`, which the signer always signs). A set of names without `x-sdk-date` is
/// written as asked; the emulator refuses it for that before it looks at the signature.
fn sign(
    emulator: &Emulator,
    (ak, sk): (&str, &str),
    at: SystemTime,
    body: &str,
    names: &[&str],
) -> Vec<(String, String)> {
    let host = emulator.local_addr().to_string();
    let date = signer::sdk_date(at);
    let headers: Vec<(&str, &str)> = [
        ("host", host.as_str()),
        ("x-project-id", DOCUMENTED_PROJECT_ID),
    ]
    .into_iter()
    .filter(|(name, _)| names.contains(name))
    .chain([("content-type", "application/json")])
    .collect();
    let signature = signer::sign(
        &SigningRequest {
            method: "PUT",
            path: &documented_path(),
            query: "",
            headers: &headers,
            body: body.as_bytes(),
        },
        &date,
        ak,
        sk.as_bytes(),
    );
    let authorization = signature.authorization.replace(
        &format!("SignedHeaders={}", signature.signed_headers),
        &format!("SignedHeaders={}", names.join(";")),
    );
    vec![
        ("x-project-id".to_owned(), DOCUMENTED_PROJECT_ID.to_owned()),
        ("x-sdk-date".to_owned(), date),
        ("authorization".to_owned(), authorization),
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
    let client = builder_as(&emulator, Credentials::access_key("AK1", "SK1"))
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
    let wrong = builder_as(&emulator, Credentials::access_key("AK1", "not-SK1"))
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
    assert!(
        !format!("{error} {error:?}").contains("not-SK1"),
        "{error:?}"
    );
}

/// A vector of the shared signing fixture (`tests/fixtures/README.md`), by name.
fn fixture_vector(name: &str) -> serde_json::Value {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/signing-vectors.json")).unwrap();
    let vectors = fixture["vectors"].as_array().unwrap();
    vectors.iter().find(|v| v["name"] == name).unwrap().clone()
}

/// The `[name, value]` pairs of a fixture request's headers.
fn pairs(headers: &serde_json::Value) -> Vec<(&str, &str)> {
    headers
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h[0].as_str().unwrap(), h[1].as_str().unwrap()))
        .collect()
}

/// The fixture's request with a header sent twice, signed now by the crate's signer and sent
/// to the emulator: it accepts the signature whatever the order of the two values on the
/// wire, and refuses it when one of them is missing.
#[tokio::test]
async fn a_header_sent_twice_is_signed_and_verified_alike() {
    let vector = fixture_vector("repeated-header");
    let (ak, sk) = (
        vector["access_key"].as_str().unwrap(),
        vector["secret_key"].as_str().unwrap(),
    );
    let emulator = Emulator::builder()
        .access_key(ak, sk)
        .start()
        .await
        .unwrap();
    let request = &vector["request"];
    let (path, body) = (
        request["path"].as_str().unwrap(),
        request["body"].as_str().unwrap(),
    );
    let headers = pairs(&request["headers"]);
    assert_eq!(
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("x-tag"))
            .count(),
        2,
        "the fixture sends X-Tag twice"
    );
    let date = signer::sdk_date(SystemTime::now());
    let signature = signer::sign(
        &SigningRequest {
            method: request["method"].as_str().unwrap(),
            path,
            query: request["query"].as_str().unwrap(),
            headers: &headers,
            body: body.as_bytes(),
        },
        &date,
        ak,
        sk.as_bytes(),
    );
    assert_eq!(
        signature.signed_headers,
        vector["signed_headers"].as_str().unwrap()
    );
    let send = |headers: Vec<(&str, &str)>| {
        let mut put = reqwest::Client::new()
            .put(format!("{}{path}", emulator.base_url()))
            .header("x-sdk-date", &date)
            .header("authorization", &signature.authorization)
            .body(body.to_owned());
        for (name, value) in headers {
            put = put.header(name, value);
        }
        put.send()
    };
    let accepted = answer(send(headers.clone()).await.unwrap()).await;
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    assert_eq!(accepted.body["approval_enabled"], true);

    let mut swapped = headers.clone();
    let tags: Vec<usize> = (0..swapped.len())
        .filter(|&i| swapped[i].0.eq_ignore_ascii_case("x-tag"))
        .collect();
    swapped.swap(tags[0], tags[1]);
    let swapped = answer(send(swapped).await.unwrap()).await;
    assert_eq!(swapped.status, 200, "{:?}", swapped.body);

    let mut one_value = headers.clone();
    one_value.remove(tags[1]);
    assert_refused(&answer(send(one_value).await.unwrap()).await);
}

/// The fixture's path with percent-encoded bytes that are not UTF-8 (`%ff`, a lone `%C3`),
/// as the path of the endpoint (a proxy's, say): the client signs the real request and the
/// emulator authenticates it (then answers that no API is there), and refuses it when it is
/// signed with another secret key.
#[tokio::test]
async fn percent_encoded_path_bytes_that_are_not_utf8_are_signed_and_verified_alike() {
    let vector = fixture_vector("non-utf8-percent-encoding");
    let (ak, sk) = (
        vector["access_key"].as_str().unwrap(),
        vector["secret_key"].as_str().unwrap(),
    );
    let prefix = vector["request"]["path"].as_str().unwrap();
    assert!(
        prefix.contains("%ff"),
        "the fixture's path has a byte that is not UTF-8"
    );
    let emulator = Emulator::builder()
        .access_key(ak, sk)
        .start()
        .await
        .unwrap();
    let modify = |secret_key: &str| {
        let client = Client::builder()
            .endpoint(format!("{}{prefix}", emulator.base_url()))
            .project_id(DOCUMENTED_PROJECT_ID)
            .credentials(Credentials::access_key(ak, secret_key))
            .no_retries()
            .build()
            .unwrap();
        async move {
            client
                .modify_endpoint_service(DOCUMENTED_SERVICE_ID)
                .approval_enabled(true)
                .send()
                .await
                .unwrap_err()
        }
    };
    let authenticated = modify(sk).await;
    assert_eq!(
        (authenticated.status(), authenticated.error_code()),
        (Some(404), Some("EndPoint.0005")),
        "{authenticated:?}"
    );
    let refused = modify("OtherKey").await;
    assert_eq!(
        (refused.status(), refused.error_code()),
        (Some(401), Some("EndPoint.0003")),
        "{refused:?}"
    );
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
