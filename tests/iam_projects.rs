//! The project's ID from its name, with AK/SK or a token: a signed `GET /v3/projects?name=`
//! on first use, once per client; none or several is an error naming the project. And the
//! emulator's IAM as other clients see it: the Keystone forms of a login.

#![cfg(feature = "emulator")]

use otc_vpcep::{
    Client, ClientBuilder, Credentials, Error, IamError, IamFailure,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator, EmulatorBuilder},
};
use serde_json::{Value, json};

const AK: &str = "HPUAFNKYZ7LTZ1ZKGQ8M";
const SK: &str = "sk-never-shown";

fn with_keys() -> EmulatorBuilder {
    Emulator::builder().access_key(AK, SK)
}

fn builder(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .endpoint(emulator.base_url())
        .auth_url(format!("{}/v3", emulator.base_url()))
        .credentials(Credentials::access_key(AK, SK))
        .no_retries()
}

#[tokio::test]
async fn a_project_name_is_looked_up_once_with_a_signed_request() {
    let emulator = with_keys()
        .project("eu-de_apps", DOCUMENTED_PROJECT_ID)
        .project("eu-de_other", "0123456789abcdef0123456789abcdef")
        .start()
        .await
        .unwrap();
    let client = builder(&emulator)
        .project_name("eu-de_apps")
        .build()
        .unwrap();
    for _ in 0..3 {
        let service = client
            .get_endpoint_service(DOCUMENTED_SERVICE_ID)
            .send()
            .await
            .unwrap();
        assert_eq!(service.id, DOCUMENTED_SERVICE_ID);
    }
    assert_eq!(
        client.known_project_id().map(|p| p.as_str()),
        Some(DOCUMENTED_PROJECT_ID)
    );
    assert_eq!(emulator.iam_requests(), 1);
}

#[tokio::test]
async fn without_a_project_the_project_named_after_the_region_is_used() {
    let emulator = with_keys()
        .project("eu-de", DOCUMENTED_PROJECT_ID)
        .start()
        .await
        .unwrap();
    let client = builder(&emulator).region("eu-de").build().unwrap();
    assert_eq!(
        client.project_id().await.unwrap().as_str(),
        DOCUMENTED_PROJECT_ID
    );
    assert_eq!(emulator.iam_requests(), 1);
}

#[tokio::test]
async fn no_project_or_two_of_the_name_is_an_error_naming_it() {
    let emulator = with_keys()
        .project("twice", "0123456789abcdef0123456789abcdef")
        .project("twice", "fedcba9876543210fedcba9876543210")
        .start()
        .await
        .unwrap();
    for (name, expected) in [
        ("missing", IamFailure::NoProject),
        ("twice", IamFailure::SeveralProjects(2)),
    ] {
        let client = builder(&emulator).project_name(name).build().unwrap();
        let error = client
            .get_endpoint_service(DOCUMENTED_SERVICE_ID)
            .send()
            .await
            .unwrap_err();
        let Error::Iam(iam) = &error else {
            panic!("not an IAM error: {error:?}");
        };
        assert!(
            matches!(&**iam, IamError::Project { name: n, failure, .. } if n == name && *failure == expected),
            "{iam:?}"
        );
        assert!(error.to_string().contains(&format!("{name:?}")), "{error}");
        assert!(!error.is_retryable());
        assert!(!format!("{error:?}").contains(SK));
    }
}

#[tokio::test]
async fn a_token_looks_the_project_up_too_and_a_bad_signature_is_refused() {
    let emulator = with_keys()
        .user("u", "pw", "D")
        .project("eu-de_apps", DOCUMENTED_PROJECT_ID)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token = http
        .post(format!("{}/v3/auth/tokens", emulator.base_url()))
        .json(&login_body(json!({"project": {"name": "eu-de_apps"}})))
        .send()
        .await
        .unwrap()
        .headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let client = Client::builder()
        .endpoint(emulator.base_url())
        .auth_url(format!("{}/v3", emulator.base_url()))
        .project_name("eu-de_apps")
        .credentials(Credentials::token(token))
        .build()
        .unwrap();
    assert_eq!(
        client.project_id().await.unwrap().as_str(),
        DOCUMENTED_PROJECT_ID
    );

    let client = Client::builder()
        .endpoint(emulator.base_url())
        .auth_url(format!("{}/v3", emulator.base_url()))
        .project_name("eu-de_apps")
        .credentials(Credentials::access_key(AK, "not-the-secret-key"))
        .no_retries()
        .build()
        .unwrap();
    let error = client.project_id().await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error}");
}

fn login_body(scope: Value) -> Value {
    json!({"auth": {
        "identity": {"methods": ["password"],
                     "password": {"user": {"name": "u", "password": "pw", "domain": {"name": "D"}}}},
        "scope": scope,
    }})
}

/// A raw login: status, the token header, and the body.
async fn raw_login(
    emulator: &Emulator,
    query: &str,
    content_type: &str,
    body: &Value,
) -> (u16, Option<String>, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}/v3/auth/tokens{query}", emulator.base_url()))
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let token = answer
        .headers()
        .get("x-subject-token")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, token, answer.json().await.unwrap())
}

#[tokio::test]
async fn the_emulator_accepts_what_the_usual_clients_send() {
    let emulator = Emulator::builder()
        .user("u", "pw", "D")
        .project("eu-de_apps", DOCUMENTED_PROJECT_ID)
        .start()
        .await
        .unwrap();
    let domain_id = {
        let (_, _, body) =
            raw_login(&emulator, "", "application/json", &login_body(json!(null))).await;
        body["token"]["user"]["domain"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for (query, content_type, scope) in [
        (
            "?nocatalog=true",
            "application/json;charset=utf8",
            json!({"project": {"name": "eu-de_apps"}}),
        ),
        (
            "?nocatalog",
            "application/json",
            json!({"project": {"name": "eu-de_apps", "domain": {"name": "D"}}}),
        ),
        (
            "",
            "application/json; charset=UTF-8",
            json!({"project": {"name": "eu-de_apps", "domain": {"id": domain_id}}}),
        ),
        (
            "?nocatalog=",
            "application/json",
            json!({"project": {"id": DOCUMENTED_PROJECT_ID}}),
        ),
    ] {
        let (status, token, body) =
            raw_login(&emulator, query, content_type, &login_body(scope.clone())).await;
        assert_eq!(status, 201, "{query} {content_type} {scope}: {body}");
        let token = token.expect("X-Subject-Token");
        assert_eq!(
            body["token"]["project"]["id"], DOCUMENTED_PROJECT_ID,
            "{body}"
        );
        assert!(body["token"]["expires_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            body["token"]["catalog"].is_null(),
            query.starts_with("?nocatalog"),
            "{query}"
        );
        // The token opens the VPCEP routes.
        let answer = reqwest::Client::new()
            .get(format!(
                "{}/v1/{DOCUMENTED_PROJECT_ID}/vpc-endpoint-services/{DOCUMENTED_SERVICE_ID}",
                emulator.base_url()
            ))
            .header("x-auth-token", token)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    // A wrong password, a scope in another domain or an unknown project: 401, Keystone form.
    for body in [
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "u", "password": "wrong", "domain": {"name": "D"}}}}}}),
        login_body(json!({"project": {"name": "eu-de_apps", "domain": {"name": "E"}}})),
        login_body(json!({"project": {"id": "unknown"}})),
    ] {
        let (status, token, answer) =
            raw_login(&emulator, "?nocatalog=true", "application/json", &body).await;
        assert_eq!((status, token), (401, None), "{body}");
        assert_eq!(answer["error"]["code"], 401, "{answer}");
        assert_eq!(answer["error"]["title"], "Unauthorized", "{answer}");
        assert!(answer["error"]["message"].is_string(), "{answer}");
    }
    let (status, _, answer) =
        raw_login(&emulator, "", "text/plain", &login_body(json!(null))).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], 400, "{answer}");
}
