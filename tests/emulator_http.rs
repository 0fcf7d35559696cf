//! What the emulator answers beyond the happy path: every answer is JSON with an
//! `X-Request-Id`, including malformed JSON, a wrong content type, and unknown paths or methods.

#![cfg(feature = "emulator")]

use std::collections::HashSet;

use crate::support::emulator::{Answer, documented_path, put_json, send_raw};
use otc_vpcep::emulator::Emulator;
use reqwest::Method;

fn assert_json_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(
        (answer.status, answer.code()),
        (status, code),
        "{:?}",
        answer.body
    );
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert!(answer.body["error_msg"].is_string(), "{:?}", answer.body);
    assert!(
        answer
            .request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "no X-Request-Id"
    );
}

#[tokio::test]
async fn malformed_json_is_a_json_parameter_error() {
    let emulator = Emulator::start().await.unwrap();
    for body in [
        "{",
        "",
        "null",
        "[1]",
        "\"text\"",
        "{\"ports\":[{\"client_port\":1,}]}",
    ] {
        let answer = put_json(&emulator, body).await;
        assert_json_error(&answer, 400, "EndPoint.0002");
    }
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_refused() {
    let emulator = Emulator::start().await.unwrap();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let answer = send_raw(
            &emulator,
            Method::PUT,
            &documented_path(),
            content_type,
            r#"{"approval_enabled":true}"#,
        )
        .await;
        assert_json_error(&answer, 400, "EndPoint.0002");
    }
    let answer = send_raw(
        &emulator,
        Method::PUT,
        &documented_path(),
        Some("application/json; charset=utf-8"),
        r#"{"approval_enabled":true}"#,
    )
    .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404() {
    let emulator = Emulator::start().await.unwrap();
    for path in [
        "/",
        "/v2/6e9dfd51d1124e8d8498dce894923a0d/vpc-endpoint-services/4189d3c2-8882-4871-a3c2-d380272eed88",
        "/v1/6e9dfd51d1124e8d8498dce894923a0d/vpc-endpoint-services/4189d3c2-8882-4871-a3c2-d380272eed88/extra",
        "/v1/6e9dfd51d1124e8d8498dce894923a0d/quotas/endpoint",
        "/v1/6e9dfd51d1124e8d8498dce894923a0d",
    ] {
        let answer = send_raw(&emulator, Method::PUT, path, Some("application/json"), "{}").await;
        assert_json_error(&answer, 404, "EndPoint.0005");
    }
}

/// Another method on a path of the spec is a 405 whose `Allow` lists the spec's methods on it.
#[tokio::test]
async fn another_method_is_a_json_405_that_allows_the_spec_methods() {
    let emulator = Emulator::start().await.unwrap();
    let project = "/v1/6e9dfd51d1124e8d8498dce894923a0d";
    let collection = format!("{project}/vpc-endpoint-services");
    let quotas = format!("{project}/quotas");
    for (path, methods, allow) in [
        (
            documented_path(),
            vec![Method::POST, Method::PATCH, Method::OPTIONS],
            "GET, PUT, DELETE",
        ),
        (
            collection,
            vec![Method::PUT, Method::DELETE, Method::PATCH],
            "GET, POST",
        ),
        (
            quotas,
            vec![Method::POST, Method::PUT, Method::DELETE],
            "GET",
        ),
    ] {
        for method in methods {
            let answer = send_raw(&emulator, method.clone(), &path, None, "").await;
            assert_json_error(&answer, 405, "EndPoint.0002");
            assert_eq!(answer.allow.as_deref(), Some(allow), "{method} {path}");
        }
    }
}

#[tokio::test]
async fn every_answer_has_its_own_request_id() {
    let emulator = Emulator::start().await.unwrap();
    let mut ids = HashSet::new();
    for body in [
        r#"{"approval_enabled":true}"#,
        "{",
        r#"{"service_name":"a.b"}"#,
    ] {
        let answer = put_json(&emulator, body).await;
        ids.insert(answer.request_id.expect("an X-Request-Id"));
    }
    let unauthenticated = reqwest::Client::new()
        .put(format!("{}{}", emulator.base_url(), documented_path()))
        .send()
        .await
        .unwrap();
    let id = unauthenticated.headers().get("x-request-id").cloned();
    ids.insert(id.expect("an X-Request-Id").to_str().unwrap().to_owned());
    assert_eq!(ids.len(), 4);
}

#[tokio::test]
async fn a_body_over_1_mib_is_a_json_413_declared_or_chunked() {
    let emulator = Emulator::start().await.unwrap();
    let huge = format!(r#"{{"description":"{}"}}"#, "a".repeat(1 << 20));
    let answer = put_json(&emulator, &huge).await;
    assert_json_error(&answer, 413, "EndPoint.0002");
    assert!(
        answer.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("Content-Length 1048594"),
        "{:?}",
        answer.body
    );

    let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 << 10]));
    let chunked = reqwest::Client::new()
        .put(format!("{}{}", emulator.base_url(), documented_path()))
        .header("x-auth-token", "test-token")
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_json_error(
        &crate::support::emulator::answer(chunked).await,
        413,
        "EndPoint.0002",
    );
}
