//! Password login through IAM, against the emulator's IAM on the same address: the project ID
//! from the token's scope, the token cached and refreshed before it expires, one new login
//! and one more try after a 401, single flight, a bad password, and IAM 5xx then success.

#![cfg(feature = "emulator")]

use std::time::Duration;

use crate::support::emulator::builder_as;
use otc_vpcep::{
    Client, ClientBuilder, Credentials, Error, IamError, IamFailure, RetryPolicy, UserDomain,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, EmulatorBuilder},
};

const USER: &str = "alice";
const PASSWORD: &str = "pa55-w0rd-never-shown";
const DOMAIN: &str = "OTC00000000001000000xxx";
const PROJECT: &str = "eu-de_myproject";

fn with_iam() -> EmulatorBuilder {
    Emulator::builder()
        .user(USER, PASSWORD, DOMAIN)
        .project(PROJECT, DOCUMENTED_PROJECT_ID)
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(3)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A client of the emulator that logs in as `password`, scoped to the project by name.
fn builder(emulator: &Emulator, password: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(emulator.base_url())
        .auth_url(format!("{}/v3", emulator.base_url()))
        .project_name(PROJECT)
        .credentials(Credentials::password(
            USER,
            password,
            UserDomain::Name(DOMAIN.to_owned()),
        ))
        .retry_policy(policy())
}

async fn get(client: &Client) -> Result<otc_vpcep::types::EndpointService, Error> {
    client
        .get_endpoint_service(DOCUMENTED_SERVICE_ID)
        .send()
        .await
}

#[tokio::test]
async fn a_login_gives_the_token_and_the_project_id_from_its_scope() {
    let emulator = with_iam().start().await.unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    assert_eq!(client.known_project_id(), None);
    let service = get(&client).await.unwrap();
    assert_eq!(service.id, DOCUMENTED_SERVICE_ID);
    assert_eq!(
        client.known_project_id().map(|p| p.as_str()),
        Some(DOCUMENTED_PROJECT_ID)
    );
    assert_eq!(
        client.project_id().await.unwrap().as_str(),
        DOCUMENTED_PROJECT_ID
    );
    // A second call and a clone reuse the token.
    get(&client.clone()).await.unwrap();
    assert_eq!(emulator.iam_requests(), 1);
}

#[tokio::test]
async fn the_vpcep_routes_refuse_tokens_the_emulator_did_not_issue() {
    let emulator = with_iam().start().await.unwrap();
    let client = builder_as(&emulator, Credentials::token("made-up"))
        .no_retries()
        .build()
        .unwrap();
    let error = get(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error}");
}

#[tokio::test]
async fn a_token_is_fetched_again_inside_the_refresh_margin() {
    // Tokens live four minutes, less than the default margin of five: each call logs in.
    let emulator = with_iam()
        .token_ttl(Duration::from_secs(240))
        .start()
        .await
        .unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    for _ in 0..3 {
        get(&client).await.unwrap();
    }
    assert_eq!(emulator.iam_requests(), 3);

    // With a margin of three minutes, the same tokens are reused.
    let emulator = with_iam()
        .token_ttl(Duration::from_secs(240))
        .start()
        .await
        .unwrap();
    let client = builder(&emulator, PASSWORD)
        .token_refresh_margin(Duration::from_secs(180))
        .build()
        .unwrap();
    for _ in 0..3 {
        get(&client).await.unwrap();
    }
    assert_eq!(emulator.iam_requests(), 1);
}

#[tokio::test]
async fn a_revoked_token_is_replaced_once_then_the_call_passes() {
    let emulator = with_iam().start().await.unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    get(&client).await.unwrap();
    emulator.revoke_tokens();
    let before = emulator.requests_received();
    get(&client).await.unwrap();
    // The refused request, the login, the request again.
    assert_eq!(emulator.requests_received() - before, 3);
    assert_eq!(emulator.iam_requests(), 2);
}

#[tokio::test]
async fn a_second_401_after_a_new_token_is_the_answer_not_a_loop() {
    // Every token expires as it is issued: the service refuses each one.
    let emulator = with_iam()
        .token_ttl(Duration::from_nanos(1))
        .start()
        .await
        .unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    let error = get(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error}");
    assert!(matches!(&error, Error::Api(_)), "{error:?}");
    // Login, request, new login, request again: no more.
    assert_eq!(emulator.iam_requests(), 2);
    assert_eq!(emulator.requests_received(), 4);
}

#[tokio::test]
async fn a_login_that_fails_after_a_401_is_the_calls_error() {
    let emulator = with_iam().start().await.unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    get(&client).await.unwrap();
    // The token is refused, and so is the new login.
    emulator.revoke_tokens();
    emulator.fail_next(2, 401, "EndPoint.0003");
    let before = emulator.requests_received();
    let error = get(&client).await.unwrap_err();
    assert!(
        matches!(&error, Error::Iam(iam) if matches!(**iam, IamError::Login { .. })),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(401));
    assert_eq!(emulator.requests_received() - before, 2, "{error}");
}

#[tokio::test]
async fn a_hundred_concurrent_calls_on_a_fresh_client_log_in_once() {
    let emulator = with_iam().start().await.unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get(&client).await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(emulator.iam_requests(), 1);
}

#[tokio::test]
async fn a_bad_password_is_a_typed_error_that_never_shows_the_password() {
    let emulator = with_iam().start().await.unwrap();
    let wrong = "wr0ng-pa55-never-shown";
    let client = builder(&emulator, wrong).build().unwrap();
    let error = get(&client).await.unwrap_err();
    let Error::Iam(iam) = &error else {
        panic!("not an IAM error: {error:?}");
    };
    let IamError::Login {
        user,
        domain,
        auth_url,
        failure,
        ..
    } = &**iam
    else {
        panic!("not a login error: {iam:?}");
    };
    assert_eq!(user, USER);
    assert_eq!(domain, &UserDomain::Name(DOMAIN.to_owned()));
    assert_eq!(auth_url, &format!("{}/v3", emulator.base_url()));
    assert!(
        matches!(failure, IamFailure::Status { status: 401, .. }),
        "{failure:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(error.status(), Some(401));
    let shown = format!("{error} {error:?} {client:?}");
    assert!(shown.contains(USER) && shown.contains(DOMAIN), "{shown}");
    assert!(shown.contains(emulator.base_url()), "{shown}");
    for secret in [wrong, PASSWORD] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // IAM's 401 is not retried.
    assert_eq!(emulator.iam_requests(), 1);
}

#[tokio::test]
async fn iam_unavailable_is_retried_under_the_policy_then_the_login_passes() {
    let emulator = with_iam().start().await.unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    emulator.fail_next(2, 503, "EndPoint.0001");
    get(&client).await.unwrap();
    assert_eq!(emulator.iam_requests(), 3);

    // Unavailable for longer than the policy's attempts: a retryable IAM error.
    let emulator = with_iam().start().await.unwrap();
    let client = builder(&emulator, PASSWORD).build().unwrap();
    emulator.fail_next(3, 503, "EndPoint.0001");
    let error = get(&client).await.unwrap_err();
    assert!(matches!(&error, Error::Iam(_)), "{error:?}");
    assert!(error.is_retryable(), "{error}");
    assert_eq!(error.status(), Some(503));
    assert_eq!(emulator.iam_requests(), 3);
}

#[tokio::test]
async fn a_login_scoped_by_project_id_keeps_that_id() {
    let emulator = with_iam().start().await.unwrap();
    let client = builder(&emulator, PASSWORD)
        .project_id(DOCUMENTED_PROJECT_ID)
        .build()
        .unwrap();
    assert_eq!(
        client.known_project_id().map(|p| p.as_str()),
        Some(DOCUMENTED_PROJECT_ID)
    );
    get(&client).await.unwrap();
    assert_eq!(emulator.iam_requests(), 1);
}

#[tokio::test]
async fn the_password_goes_only_over_https_or_to_a_loopback_host() {
    let error = Client::builder()
        .region("eu-de")
        .auth_url("http://iam.example.com/v3")
        .project_name(PROJECT)
        .credentials(Credentials::password(
            USER,
            PASSWORD,
            UserDomain::Name(DOMAIN.to_owned()),
        ))
        .build()
        .unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("auth_url"), "{shown}");
    assert!(shown.contains("clear text"), "{shown}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}
