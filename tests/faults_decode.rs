//! Answers that are odd in shape: non-JSON error pages, truncated or undocumented bodies,
//! tolerant error bodies, forward-compatible success bodies.

use crate::support::faults::{FaultServer, Reply, client, get, modify, service_json, tiny_policy};
use otc_vpcep::{
    Error, OpenEnum,
    types::{ServiceStatus, TcpProxy},
};

fn html(status: u16, page: &str) -> Reply {
    Reply::Http {
        status,
        headers: vec![
            ("Content-Type".into(), "text/html".into()),
            ("X-Request-Id".into(), "gw-42".into()),
        ],
        body: page.as_bytes().to_vec(),
    }
}

/// What an undecodable response reports: status, reason, excerpt and request id.
struct Undecodable<'e> {
    status: Option<u16>,
    reason: &'e str,
    excerpt: &'e str,
    request_id: Option<&'e str>,
}

/// The parts of `error`, which must be an undecodable response.
fn undecodable(error: &Error) -> Undecodable<'_> {
    let Error::InvalidResponse {
        status,
        reason,
        excerpt,
        request_id,
    } = error
    else {
        panic!("not an undecodable response: {error:?}")
    };
    Undecodable {
        status: *status,
        reason,
        excerpt,
        request_id: request_id.as_deref(),
    }
}

#[tokio::test]
async fn a_502_html_page_is_an_api_error_with_status_request_id_and_raw_body() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = FaultServer::always(html(502, page)).await;
    let error = modify(&client(&server, tiny_policy(2))).await.unwrap_err();
    assert_eq!(server.hits(), 2, "a 502 is retried");
    let Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(api.status, 502);
    assert_eq!(api.error_code(), None);
    assert_eq!(api.message, "Bad Gateway");
    assert_eq!(api.request_id.as_deref(), Some("gw-42"));
    assert_eq!(api.raw_body.as_deref(), Some(page));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "HTTP 502: Bad Gateway (request id gw-42)"
    );
}

#[tokio::test]
async fn a_non_json_4xx_is_typed_and_not_retried() {
    let server = FaultServer::always(html(403, "Forbidden by WAF")).await;
    let error = modify(&client(&server, tiny_policy(3))).await.unwrap_err();
    assert_eq!(server.hits(), 1);
    let Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(
        (api.status, api.raw_body.as_deref()),
        (403, Some("Forbidden by WAF"))
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn error_bodies_are_read_in_the_sdk_order() {
    for (body, code, message, request_id) in [
        (
            r#"{"error_code":"APIG.0303","error_msg":"Incorrect app","request_id":"gw-body"}"#,
            "APIG.0303",
            "Incorrect app",
            "req-401",
        ),
        (
            r#"{"code":"EndPoint.0003","message":"token expired"}"#,
            "EndPoint.0003",
            "token expired",
            "req-401",
        ),
        (
            r#"{"error":{"code":"EndPoint.0003","message":"nested"}}"#,
            "EndPoint.0003",
            "nested",
            "req-401",
        ),
        (
            r#"{"error_code":401,"error_msg":"numeric code"}"#,
            "401",
            "numeric code",
            "req-401",
        ),
    ] {
        let server = FaultServer::always(Reply::json(401, body)).await;
        let error = modify(&client(&server, tiny_policy(3))).await.unwrap_err();
        assert_eq!(server.hits(), 1, "{body}");
        let Error::Api(api) = &error else {
            panic!("{body}: not an API error: {error:?}")
        };
        assert_eq!(
            (
                api.status,
                api.code.as_str(),
                api.message.as_str(),
                api.request_id.as_deref()
            ),
            (401, code, message, Some(request_id)),
            "{body}"
        );
        assert_eq!(api.raw_body, None, "{body}");
    }
}

#[tokio::test]
async fn the_gateway_request_id_is_used_without_the_header() {
    let body = r#"{"error_code":"APIG.0201","error_msg":"Backend timeout","request_id":"gw-7"}"#;
    let server = FaultServer::always(Reply::Http {
        status: 504,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    })
    .await;
    let error = modify(&client(&server, tiny_policy(1))).await.unwrap_err();
    assert_eq!(error.request_id(), Some("gw-7"));
    assert_eq!(error.error_code(), Some("APIG.0201"));
}

#[tokio::test]
async fn a_nested_rate_limit_body_is_still_retried() {
    let server = FaultServer::sequence(
        vec![Reply::json(
            400,
            r#"{"error":{"code":"ENDPOINT.0022","message":"later"}}"#,
        )],
        Reply::ok(),
    )
    .await;
    modify(&client(&server, tiny_policy(2)))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_truncated_json_body_is_an_undecodable_response() {
    let truncated = &service_json()[..120];
    let server = FaultServer::always(Reply::json(200, truncated)).await;
    let error = modify(&client(&server, tiny_policy(3))).await.unwrap_err();
    assert_eq!(server.hits(), 1, "a complete 200 is not retried");
    let found = undecodable(&error);
    assert_eq!(found.status, Some(200));
    assert!(found.reason.contains("EOF"), "{}", found.reason);
    assert_eq!(found.excerpt, truncated);
    assert_eq!(found.request_id, Some("req-200"));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn the_excerpt_of_a_long_undecodable_body_is_bounded() {
    let long = format!("[{}]", "1,".repeat(5000));
    let server = FaultServer::always(Reply::json(200, &long)).await;
    let error = modify(&client(&server, tiny_policy(1))).await.unwrap_err();
    let excerpt = undecodable(&error).excerpt;
    assert_eq!(excerpt.len(), 512);
    assert!(long.starts_with(excerpt));
}

#[tokio::test]
async fn a_200_of_another_shape_is_an_undecodable_response() {
    for body in [
        r#"{"id":42,"status":"available"}"#,
        r#"{"ports":"all of them"}"#,
        r#"["4189d3c2-8882-4871-a3c2-d380272eed83"]"#,
        "",
        "OK",
    ] {
        let server = FaultServer::always(Reply::json(200, body)).await;
        let error = modify(&client(&server, tiny_policy(2))).await.unwrap_err();
        let found = undecodable(&error);
        assert_eq!((found.status, found.excerpt), (Some(200), body), "{body}");
    }
}

/// An object without the service's `id`, and the service's values as a positional list
/// (which serde would decode as a struct), are not services: for the query and the change.
#[tokio::test]
async fn a_200_that_is_not_a_service_object_is_an_undecodable_response() {
    // The service's fields in the order the generated struct declares them (by name), each
    // its documented value or an empty one: serde decodes this list as a service.
    let documented: serde_json::Value = serde_json::from_str(&service_json()).unwrap();
    let schema =
        serde_json::to_value(schemars::schema_for!(otc_vpcep::types::EndpointService)).unwrap();
    let mut names: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    names.sort();
    let values: Vec<serde_json::Value> = names
        .iter()
        .map(
            |name| match (documented.get(name.as_str()), name.as_str()) {
                (Some(value), _) => value.clone(),
                (None, "error" | "ports" | "tags") => serde_json::json!([]),
                (None, _) => serde_json::Value::Null,
            },
        )
        .collect();
    let positional = serde_json::Value::Array(values).to_string();
    let decoded: otc_vpcep::types::EndpointService = serde_json::from_str(&positional).unwrap();
    assert_eq!(decoded.id, "4189d3c2-8882-4871-a3c2-d380272eed83");
    for (body, reason) in [
        (r#"{"unexpected": true}"#, "missing field `id`"),
        (positional.as_str(), "the answer is not a JSON object"),
    ] {
        let server = FaultServer::always(Reply::json(200, body)).await;
        let client = client(&server, tiny_policy(2));
        for error in [
            get(&client).await.unwrap_err(),
            modify(&client).await.unwrap_err(),
        ] {
            let found = undecodable(&error);
            assert_eq!((found.status, found.excerpt), (Some(200), body));
            assert!(found.reason.contains(reason), "{}", found.reason);
            assert!(!error.is_retryable());
        }
        assert_eq!(server.hits(), 2, "not retried");
    }
}

#[tokio::test]
async fn a_200_with_extra_fields_and_unknown_enum_values_decodes() {
    let mut service: serde_json::Value = serde_json::from_str(&service_json()).expect("example");
    service["status"] = "migrating".into();
    service["tcp_proxy"] = "proxy_vni".into();
    service["server_type"] = "QUANTUM".into();
    service["ports"][0]["protocol"] = "SCTP".into();
    service["ports"][0]["future_field"] = serde_json::json!({"nested": [1, 2]});
    service["brand_new_field"] = "ignored".into();
    service["enable_policy"] = true.into();
    let server = FaultServer::always(Reply::json(200, &service.to_string())).await;
    let decoded = modify(&client(&server, tiny_policy(1)))
        .await
        .expect("decodes");
    assert_eq!(decoded.status, Some(OpenEnum::Unknown("migrating".into())));
    assert_eq!(decoded.tcp_proxy, Some(OpenEnum::Known(TcpProxy::ProxyVni)));
    assert_eq!(
        decoded.server_type,
        Some(OpenEnum::Unknown("QUANTUM".into()))
    );
    assert_eq!(
        decoded.ports[0].protocol,
        Some(OpenEnum::Unknown("SCTP".into()))
    );
    assert_ne!(
        decoded.status,
        Some(OpenEnum::Known(ServiceStatus::Available))
    );
}

#[tokio::test]
async fn an_undocumented_status_is_an_undecodable_response_with_an_excerpt() {
    let server = FaultServer::always(Reply::json(302, "moved somewhere")).await;
    let error = modify(&client(&server, tiny_policy(3))).await.unwrap_err();
    assert_eq!(server.hits(), 1);
    let found = undecodable(&error);
    assert_eq!(
        (found.status, found.excerpt, found.request_id),
        (Some(302), "moved somewhere", Some("req-302"))
    );
}

/// A 200 whose `body` is sent with `Transfer-Encoding: chunked`, in pieces of `size` bytes.
fn chunked(body: &[u8], size: usize) -> Reply {
    let mut raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
        X-Request-Id: chunky\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        .to_vec();
    for piece in body.chunks(size) {
        raw.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        raw.extend_from_slice(piece);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    Reply::Raw(raw)
}

#[tokio::test]
async fn an_answer_in_many_chunks_decodes_as_one_body() {
    let body = service_json();
    let whole = {
        let server = FaultServer::always(Reply::ok()).await;
        modify(&client(&server, tiny_policy(1)))
            .await
            .expect("one piece")
    };
    for size in [1, 7, 100] {
        let server = FaultServer::always(chunked(body.as_bytes(), size)).await;
        let service = modify(&client(&server, tiny_policy(1)))
            .await
            .unwrap_or_else(|e| panic!("pieces of {size} bytes: {e:?}"));
        assert_eq!(service, whole, "pieces of {size} bytes");
    }
}

#[tokio::test]
async fn an_undecodable_answer_in_chunks_keeps_its_whole_excerpt() {
    let truncated = &service_json()[..300];
    let server = FaultServer::always(chunked(truncated.as_bytes(), 50)).await;
    let error = modify(&client(&server, tiny_policy(1))).await.unwrap_err();
    let found = undecodable(&error);
    assert_eq!(
        (found.status, found.excerpt, found.request_id),
        (Some(200), truncated, Some("chunky"))
    );
}

/// The documented answer with an extra (unknown, so ignored) field that pads it to `length`
/// bytes; cut anywhere, it is no longer JSON.
fn padded_answer(length: usize) -> String {
    let body = service_json();
    let open = body.strip_suffix('}').expect("a JSON object");
    let frame = r#","padding":""}"#.len();
    let padding = "a".repeat(length - open.len() - frame);
    format!(r#"{open},"padding":"{padding}"}}"#)
}

#[tokio::test]
async fn an_answer_of_4_mib_is_read_whole_and_a_longer_one_is_cut() {
    const LIMIT: usize = 4 << 20;
    assert_eq!(padded_answer(LIMIT).len(), LIMIT);
    let server = FaultServer::always(Reply::json(200, &padded_answer(LIMIT))).await;
    modify(&client(&server, tiny_policy(1)))
        .await
        .expect("an answer of exactly 4 MiB is read whole");

    let server = FaultServer::always(Reply::json(200, &padded_answer(LIMIT + 1))).await;
    let error = modify(&client(&server, tiny_policy(3))).await.unwrap_err();
    assert_eq!(server.hits(), 1, "a complete answer is not retried");
    let found = undecodable(&error);
    assert_eq!(found.status, Some(200));
    assert_eq!(found.reason, "the body is longer than 4194304 bytes");
    assert_eq!(found.excerpt.len(), 512);
    assert_eq!(found.request_id, Some("req-200"));
}
