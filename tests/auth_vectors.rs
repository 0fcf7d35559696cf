//! The published `SDK-HMAC-SHA256` test vectors (from the public Huawei Cloud SDKs' test
//! suites) reproduced by the pure signer, and the signer's encoding of paths and queries.

use otc_vpcep::signer::{SigningRequest, sign};

const AK: &str = "AccessKey";
const SK: &[u8] = b"SecretKey";
const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn authorization(signed_headers: &str, signature: &str) -> String {
    format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders={signed_headers}, Signature={signature}")
}

#[test]
fn vector_1_get_with_query_and_unsigned_underscore_header() {
    let request = SigningRequest {
        method: "GET",
        path: "/path",
        query: "limit=1",
        headers: &[("TEST_UNDERSCORE", "TEST_VALUE")],
        body: b"",
    };
    let signature = sign(&request, "20060102T150405Z", AK, SK);
    assert_eq!(
        signature.canonical_request,
        format!(
            "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n{EMPTY_BODY_SHA256}"
        )
    );
    assert_eq!(
        signature.string_to_sign,
        "SDK-HMAC-SHA256\n20060102T150405Z\n\
         85c3b7730f308aee452b16138a42a914397e43a8f0d732dfa521c0ef2afa98a4"
    );
    assert_eq!(signature.signed_headers, "x-sdk-date");
    assert_eq!(
        signature.authorization,
        authorization(
            "x-sdk-date",
            "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
        )
    );
}

#[test]
fn vector_2_post_with_json_body_and_unsigned_content_type() {
    let request = SigningRequest {
        method: "POST",
        path: "/path",
        query: "key=value",
        headers: &[
            ("TEST_UNDERSCORE", "TEST_VALUE"),
            ("Content-Type", "application/json"),
        ],
        body: b"{\"Name\":\"test\",\"Id\":1}\n",
    };
    let signature = sign(&request, "20060102T150405Z", AK, SK);
    assert_eq!(
        signature.authorization,
        authorization(
            "x-sdk-date",
            "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
        )
    );
}

#[test]
fn vector_3_get_with_host() {
    let request = SigningRequest {
        method: "GET",
        path: "/resources",
        query: "size=1",
        headers: &[("Host", "service.endpoint.myhuaweicloud.com")],
        body: b"",
    };
    let signature = sign(&request, "20200608T023900Z", AK, SK);
    assert_eq!(
        signature.authorization,
        authorization(
            "host;x-sdk-date",
            "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
        )
    );
}

#[test]
fn vector_4_post_with_host_and_body() {
    let request = SigningRequest {
        method: "POST",
        path: "/resources",
        query: "size=1",
        headers: &[("Host", "service.endpoint.myhuaweicloud.com")],
        body: b"{\"name\":\"test\",\"id\":1}",
    };
    let signature = sign(&request, "20200608T023900Z", AK, SK);
    assert_eq!(
        signature.authorization,
        authorization(
            "host;x-sdk-date",
            "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
        )
    );
}

#[test]
fn the_signature_changes_with_every_signed_part() {
    let base = SigningRequest {
        method: "PUT",
        path: "/v1/p/vpc-endpoint-services/s",
        query: "",
        headers: &[("Host", "h"), ("X-Project-Id", "p")],
        body: b"{}",
    };
    let reference = sign(&base, "20200608T023900Z", AK, SK).authorization;
    let variants = [
        sign(
            &SigningRequest {
                method: "POST",
                ..base
            },
            "20200608T023900Z",
            AK,
            SK,
        ),
        sign(
            &SigningRequest {
                path: "/v1/p/vpc-endpoint-services/t",
                ..base
            },
            "20200608T023900Z",
            AK,
            SK,
        ),
        sign(
            &SigningRequest {
                query: "a=1",
                ..base
            },
            "20200608T023900Z",
            AK,
            SK,
        ),
        sign(
            &SigningRequest {
                headers: &[("Host", "h"), ("X-Project-Id", "q")],
                ..base
            },
            "20200608T023900Z",
            AK,
            SK,
        ),
        sign(
            &SigningRequest {
                body: b"{ }",
                ..base
            },
            "20200608T023900Z",
            AK,
            SK,
        ),
        sign(&base, "20200608T023901Z", AK, SK),
        sign(&base, "20200608T023900Z", AK, b"OtherKey"),
    ];
    for (i, variant) in variants.iter().enumerate() {
        assert_ne!(
            variant.authorization, reference,
            "variant {i} signs the same"
        );
    }
}

#[test]
fn a_path_needing_encoding_is_encoded_segment_by_segment() {
    // Raw and already-encoded forms of the same path give the same canonical URI.
    for path in [
        "/v1/my project/ü~é/a+b",
        "/v1/my%20project/%C3%BC~%c3%a9/a%2Bb",
    ] {
        let request = SigningRequest {
            method: "GET",
            path,
            query: "name=a b&flag",
            headers: &[],
            body: b"",
        };
        let signature = sign(&request, "20060102T150405Z", AK, SK);
        let lines: Vec<&str> = signature.canonical_request.split('\n').collect();
        assert_eq!(lines[1], "/v1/my%20project/%C3%BC~%C3%A9/a%2Bb/", "{path}");
        assert_eq!(lines[2], "flag=&name=a%20b", "{path}");
    }
}

#[test]
fn an_empty_body_hashes_as_the_empty_string() {
    let request = SigningRequest {
        method: "DELETE",
        path: "/",
        query: "",
        headers: &[],
        body: b"",
    };
    let signature = sign(&request, "20060102T150405Z", AK, SK);
    assert!(signature.canonical_request.ends_with(EMPTY_BODY_SHA256));
}

#[test]
fn debug_of_a_signature_hides_the_canonical_request() {
    let request = SigningRequest {
        method: "GET",
        path: "/",
        query: "",
        headers: &[("X-Security-Token", "temporary-secret-token")],
        body: b"",
    };
    let signature = sign(&request, "20060102T150405Z", AK, SK);
    assert!(
        signature
            .canonical_request
            .contains("temporary-secret-token")
    );
    assert!(!format!("{signature:?}").contains("temporary-secret-token"));
}
