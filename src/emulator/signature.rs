//! AK/SK verification as the provider's API gateway does it (`SDK-HMAC-SHA256`): rebuild the
//! canonical request from what arrived, hash it into the string to sign, and compare the
//! HMAC-SHA256 of that, keyed by the secret key, with the signature sent. The `X-Sdk-Date` of
//! the signature may be at most 15 minutes away from the emulator's clock.
//!
//! Written from the provider's description of the scheme, independently of the client's
//! signer, so that each checks the other.

use std::{
    collections::HashMap,
    time::{Duration, SystemTime},
};

use axum::http::{HeaderMap, Method};
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use time::{PrimitiveDateTime, macros::format_description};

/// The name of the signing algorithm, first word of the `Authorization` header.
pub(crate) const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// How far the `X-Sdk-Date` of an AK/SK signature may be from the emulator's clock (15 minutes).
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// Everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The parts of an arrived request that a signature covers.
pub(crate) struct Arrived<'a> {
    pub(crate) method: &'a Method,
    /// The path as it arrived (percent-encoded).
    pub(crate) path: &'a str,
    /// The query as it arrived, without `?`.
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// The headers every signature must cover: the gateway's SDKs always sign them, and a
/// signature without `host` could be replayed to another host.
pub(crate) const REQUIRED_SIGNED_HEADERS: [&str; 2] = ["host", "x-sdk-date"];

/// Why a signature is refused on its headers alone.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A header of [`REQUIRED_SIGNED_HEADERS`] is not signed: the gateway answers that itself.
    Unsigned(String),
    /// Anything else.
    Invalid(String),
}

impl From<Refusal> for String {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Unsigned(reason) | Refusal::Invalid(reason) => reason,
        }
    }
}

/// The three parts of an `Authorization: SDK-HMAC-SHA256 ...` header.
#[derive(Debug, PartialEq, Eq)]
struct Authorization<'a> {
    access: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

/// Checks what the headers of a signed request tell before its body is read: the
/// `Authorization` header's form, the [`REQUIRED_SIGNED_HEADERS`], a known access key, and an
/// `X-Sdk-Date` within [`MAX_CLOCK_SKEW`] of `now`.
pub(crate) fn check_headers(
    keys: &HashMap<String, SecretString>,
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<(), Refusal> {
    let auth = authorization(headers).map_err(Refusal::Invalid)?;
    if let Some(missing) = REQUIRED_SIGNED_HEADERS
        .iter()
        .find(|h| !auth.signed_headers.contains(h))
    {
        return Err(Refusal::Unsigned(format!(
            "{missing} is not among the signed headers (SignedHeaders={})",
            auth.signed_headers.join(";")
        )));
    }
    if !keys.contains_key(auth.access) {
        return Err(Refusal::Invalid("the access key is not known".to_owned()));
    }
    let date = header_value(headers, "x-sdk-date")
        .ok_or_else(|| Refusal::Invalid("the X-Sdk-Date header is missing".to_owned()))?;
    check_clock_skew(date, now).map_err(Refusal::Invalid)
}

/// The parsed `Authorization` header.
fn authorization(headers: &HeaderMap) -> Result<Authorization<'_>, String> {
    let header = header_value(headers, "authorization")
        .ok_or("the Authorization header is missing or not text")?;
    parse_authorization(header)
}

/// Checks the signature of a request against the configured `access key -> secret key` pairs
/// as of `now` ([`check_headers`], then the signature itself). The error says why the request
/// is refused (it never shows a secret).
pub(crate) fn verify(
    keys: &HashMap<String, SecretString>,
    request: &Arrived<'_>,
    now: SystemTime,
) -> Result<(), String> {
    check_headers(keys, request.headers, now)?;
    let auth = authorization(request.headers)?;
    let secret = keys.get(auth.access).ok_or("the access key is not known")?;
    let date =
        header_value(request.headers, "x-sdk-date").ok_or("the X-Sdk-Date header is missing")?;
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = header_value(request.headers, name)
            .ok_or_else(|| format!("the signed header {name} is missing"))?;
        signed.push((*name, value));
    }
    let canonical = canonical_request(
        request.method.as_str(),
        request.path,
        request.query.unwrap_or(""),
        &signed,
        request.body,
    );
    let expected = hex::decode(auth.signature).map_err(|_| "the signature is not hex")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .map_err(|_| "the secret key cannot key an HMAC")?;
    mac.update(string_to_sign(date, &canonical).as_bytes());
    mac.verify_slice(&expected)
        .map_err(|_| "the signature does not match the request".to_owned())
}

fn header_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
fn parse_authorization(header: &str) -> Result<Authorization<'_>, String> {
    let rest = header
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| format!("the Authorization header does not start with {ALGORITHM}"))?;
    let (mut access, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or("the Authorization header is malformed")?;
        match key {
            "Access" => access = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => {
                return Err(format!(
                    "the Authorization header has an unknown part {key:?}"
                ));
            }
        }
    }
    let (Some(access), Some(signed_headers), Some(signature)) = (access, signed_headers, signature)
    else {
        return Err("the Authorization header lacks Access, SignedHeaders or Signature".to_owned());
    };
    let signed_headers: Vec<&str> = signed_headers.split(';').collect();
    if signed_headers
        .iter()
        .any(|h| h.is_empty() || h.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err("SignedHeaders must be lower-case header names joined by ';'".to_owned());
    }
    Ok(Authorization {
        access,
        signed_headers,
        signature,
    })
}

/// Refuses an `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`) more than [`MAX_CLOCK_SKEW`] away from `now`.
fn check_clock_skew(date: &str, now: SystemTime) -> Result<(), String> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let signed_at = PrimitiveDateTime::parse(date, format)
        .map_err(|_| format!("X-Sdk-Date {date:?} is not YYYYMMDDTHHMMSSZ"))?
        .assume_utc();
    let now = time::OffsetDateTime::from(now);
    let skew = (now - signed_at).unsigned_abs();
    if skew > MAX_CLOCK_SKEW {
        return Err(format!(
            "X-Sdk-Date {date} is more than 15 minutes away from the server's clock"
        ));
    }
    Ok(())
}

/// Percent-decodes then re-encodes a path segment or query part in the canonical way.
fn canonical_part(raw: &str) -> String {
    let decoded = percent_decode_str(raw).decode_utf8_lossy();
    utf8_percent_encode(&decoded, ENCODED).to_string()
}

/// The canonical URI: each segment encoded, always ending in `/`.
fn canonical_uri(path: &str) -> String {
    let mut uri = path
        .split('/')
        .map(canonical_part)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query: `k=v` pairs encoded, sorted by key then value, joined by `&`.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                canonical_part(&k.replace('+', " ")),
                canonical_part(&v.replace('+', " ")),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request: method, URI, query, headers, signed header names, body hash.
fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    signed: &[(&str, &str)],
    body: &[u8],
) -> String {
    let headers: String = signed
        .iter()
        .map(|(name, value)| format!("{name}:{}\n", value.trim()))
        .collect();
    let names = signed
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    format!(
        "{}\n{}\n{}\n{headers}\n{names}\n{}",
        method.to_ascii_uppercase(),
        canonical_uri(path),
        canonical_query(query),
        hex::encode(Sha256::digest(body)),
    )
}

/// The string to sign: algorithm, date, and the hex SHA-256 of the canonical request.
fn string_to_sign(date: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// The hex HMAC-SHA256 of `message` keyed by `key`.
    fn hmac_hex(key: &str, message: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(message.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A test vector: method, path, query, signed headers, body, signature.
    type Vector = (
        &'static str,
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static [u8],
        &'static str,
    );

    /// The published SDK-HMAC-SHA256 test vectors (AK `AccessKey`, SK `SecretKey`).
    const VECTORS: [Vector; 4] = [
        (
            "GET",
            "/path",
            "limit=1",
            &[("x-sdk-date", "20060102T150405Z")],
            b"",
            "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
        ),
        (
            "POST",
            "/path",
            "key=value",
            &[("x-sdk-date", "20060102T150405Z")],
            b"{\"Name\":\"test\",\"Id\":1}\n",
            "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
        ),
        (
            "GET",
            "/resources",
            "size=1",
            &[
                ("host", "service.endpoint.myhuaweicloud.com"),
                ("x-sdk-date", "20200608T023900Z"),
            ],
            b"",
            "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842",
        ),
        (
            "POST",
            "/resources",
            "size=1",
            &[
                ("host", "service.endpoint.myhuaweicloud.com"),
                ("x-sdk-date", "20200608T023900Z"),
            ],
            b"{\"name\":\"test\",\"id\":1}",
            "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f",
        ),
    ];

    #[test]
    fn vector_1_canonical_request_and_string_to_sign() {
        let canonical = canonical_request(
            "GET",
            "/path",
            "limit=1",
            &[("x-sdk-date", "20060102T150405Z")],
            b"",
        );
        assert_eq!(
            canonical,
            "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(
            string_to_sign("20060102T150405Z", &canonical)
                .ends_with("85c3b7730f308aee452b16138a42a914397e43a8f0d732dfa521c0ef2afa98a4")
        );
    }

    #[test]
    fn published_vectors_give_the_published_signatures() {
        for (method, path, query, signed, body, signature) in VECTORS {
            let date = signed.iter().find(|(n, _)| *n == "x-sdk-date").unwrap().1;
            let canonical = canonical_request(method, path, query, signed, body);
            assert_eq!(
                hmac_hex("SecretKey", &string_to_sign(date, &canonical)),
                signature,
                "{method} {path}"
            );
        }
    }

    fn keys() -> HashMap<String, SecretString> {
        HashMap::from([("AccessKey".to_owned(), SecretString::from("SecretKey"))])
    }

    fn at(date: &str) -> SystemTime {
        let format = format_description!("[year][month][day]T[hour][minute][second]Z");
        let t = PrimitiveDateTime::parse(date, format).unwrap().assume_utc();
        SystemTime::UNIX_EPOCH + Duration::from_secs(t.unix_timestamp() as u64)
    }

    fn vector_4_headers(signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            "host",
            HeaderValue::from_static("service.endpoint.myhuaweicloud.com"),
        );
        headers.insert("x-sdk-date", HeaderValue::from_static("20200608T023900Z"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let auth = format!(
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature={signature}"
        );
        headers.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        headers
    }

    fn verify_vector_4(headers: &HeaderMap, body: &[u8], now: SystemTime) -> Result<(), String> {
        let arrived = Arrived {
            method: &Method::POST,
            path: "/resources",
            query: Some("size=1"),
            headers,
            body,
        };
        verify(&keys(), &arrived, now)
    }

    #[test]
    fn a_published_signed_request_verifies_within_15_minutes() {
        let headers = vector_4_headers(VECTORS[3].5);
        let body = VECTORS[3].4;
        assert_eq!(
            verify_vector_4(&headers, body, at("20200608T023900Z")),
            Ok(())
        );
        assert_eq!(
            verify_vector_4(&headers, body, at("20200608T025400Z")),
            Ok(())
        );
        assert_eq!(
            verify_vector_4(&headers, body, at("20200608T022400Z")),
            Ok(())
        );
        let late = verify_vector_4(&headers, body, at("20200608T025401Z")).unwrap_err();
        assert!(late.contains("15 minutes"), "{late}");
        assert!(verify_vector_4(&headers, body, at("20200608T022359Z")).is_err());
    }

    #[test]
    fn any_change_to_the_request_breaks_the_signature() {
        let now = at("20200608T023900Z");
        let headers = vector_4_headers(VECTORS[3].5);
        assert!(verify_vector_4(&headers, b"{\"name\":\"test\",\"id\":2}", now).is_err());
        let mut wrong = vector_4_headers(&"0".repeat(64));
        assert!(verify_vector_4(&wrong, VECTORS[3].4, now).is_err());
        wrong = vector_4_headers(VECTORS[3].5);
        wrong.insert("host", HeaderValue::from_static("elsewhere.example"));
        assert!(verify_vector_4(&wrong, VECTORS[3].4, now).is_err());
        let unknown_key = HashMap::from([("Other".to_owned(), SecretString::from("SecretKey"))]);
        let arrived = Arrived {
            method: &Method::POST,
            path: "/resources",
            query: Some("size=1"),
            headers: &headers,
            body: VECTORS[3].4,
        };
        assert!(verify(&unknown_key, &arrived, now).is_err());
    }

    #[test]
    fn authorization_headers_are_parsed_strictly() {
        assert_eq!(
            parse_authorization(
                "SDK-HMAC-SHA256 Access=A, SignedHeaders=host;x-sdk-date, Signature=ab"
            ),
            Ok(Authorization {
                access: "A",
                signed_headers: vec!["host", "x-sdk-date"],
                signature: "ab"
            })
        );
        assert!(parse_authorization("Bearer x").is_err());
        assert!(parse_authorization("SDK-HMAC-SHA256 Access=A, Signature=ab").is_err());
        assert!(
            parse_authorization("SDK-HMAC-SHA256 Access=A, SignedHeaders=Host, Signature=ab")
                .is_err()
        );
    }

    #[test]
    fn paths_and_queries_are_canonicalised() {
        assert_eq!(
            canonical_uri("/v1/p/vpc-endpoint-services/s"),
            "/v1/p/vpc-endpoint-services/s/"
        );
        assert_eq!(canonical_uri("/a%20b/c/"), "/a%20b/c/");
        assert_eq!(canonical_query("b=2&a=2&a=1"), "a=1&a=2&b=2");
        assert_eq!(canonical_query(""), "");
    }
}
