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
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
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
    verify_signature(keys, request)
}

/// Checks the signature itself: the canonical request of the headers it names, signed with
/// the access key's secret key (which headers must be signed, and the clock, are
/// [`check_headers`]'s).
fn verify_signature(
    keys: &HashMap<String, SecretString>,
    request: &Arrived<'_>,
) -> Result<(), String> {
    let auth = authorization(request.headers)?;
    let secret = keys.get(auth.access).ok_or("the access key is not known")?;
    let date =
        header_value(request.headers, "x-sdk-date").ok_or("the X-Sdk-Date header is missing")?;
    let canonical = canonical_request(request, &auth.signed_headers)?;
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

/// Percent-decodes a path segment or query part to its bytes, then encodes them in the
/// canonical way. The bytes need not be UTF-8: `%ff` is the byte `%FF`, not a replacement
/// character (the gateway's Go SDKs escape a path's bytes).
fn canonical_part(raw: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(raw).collect();
    percent_encode(&decoded, ENCODED).to_string()
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

/// The canonical request of `request` with the headers named in `signed_headers`: method,
/// URI, query, headers, signed header names, body hash. A signed header that was not sent is
/// an error.
fn canonical_request(request: &Arrived<'_>, signed_headers: &[&str]) -> Result<String, String> {
    let mut headers = String::new();
    for name in signed_headers {
        // A header sent more than once is a line per value, the values sorted (as the
        // provider's SDKs sign them).
        let mut values = request
            .headers
            .get_all(*name)
            .iter()
            .map(|value| value.to_str().map(str::trim))
            .collect::<Result<Vec<&str>, _>>()
            .map_err(|_| format!("the signed header {name} is not text"))?;
        if values.is_empty() {
            return Err(format!("the signed header {name} is missing"));
        }
        values.sort_unstable();
        for value in values {
            headers.push_str(&format!("{name}:{value}\n"));
        }
    }
    Ok(format!(
        "{}\n{}\n{}\n{headers}\n{}\n{}",
        request.method.as_str().to_ascii_uppercase(),
        canonical_uri(request.path),
        canonical_query(request.query.unwrap_or("")),
        signed_headers.join(";"),
        hex::encode(Sha256::digest(request.body)),
    ))
}

/// The string to sign: algorithm, date, and the hex SHA-256 of the canonical request.
fn string_to_sign(date: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The shared reader of the signing vectors' fixture.
#[cfg(test)]
#[path = "../../tests/fixtures/signing_vectors.rs"]
mod signing_vectors;

#[cfg(test)]
mod tests {
    use super::signing_vectors::{Vector, vectors};
    use super::*;
    use axum::http::{HeaderName, HeaderValue};

    impl Vector {
        fn keys(&self) -> HashMap<String, SecretString> {
            HashMap::from([(
                self.access_key.clone(),
                SecretString::from(self.secret_key.as_str()),
            )])
        }

        fn method(&self) -> Method {
            Method::from_bytes(self.request.method.as_bytes()).unwrap()
        }

        /// The headers as they arrive: the request's, in order (a repeated one twice),
        /// then `X-Sdk-Date` and `Authorization` as the signer's caller adds them.
        fn arrived_headers(&self) -> HeaderMap {
            let mut headers = HeaderMap::new();
            let added = [
                ("X-Sdk-Date", self.date.as_str()),
                ("Authorization", self.authorization.as_str()),
            ];
            let sent = self
                .request
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()));
            for (name, value) in sent.chain(added) {
                headers.append(
                    HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    HeaderValue::from_str(value).unwrap(),
                );
            }
            headers
        }

        fn arrived<'a>(&'a self, method: &'a Method, headers: &'a HeaderMap) -> Arrived<'a> {
            Arrived {
                method,
                path: &self.request.path,
                query: Some(self.request.query.as_str()).filter(|q| !q.is_empty()),
                headers,
                body: self.request.body.as_bytes(),
            }
        }

        /// The vector's signing time.
        fn now(&self) -> SystemTime {
            at(&self.date)
        }
    }

    fn vector(name: &str) -> Vector {
        vectors().into_iter().find(|v| v.name == name).unwrap()
    }

    fn at(date: &str) -> SystemTime {
        let format = format_description!("[year][month][day]T[hour][minute][second]Z");
        let t = PrimitiveDateTime::parse(date, format).unwrap().assume_utc();
        SystemTime::UNIX_EPOCH + Duration::from_secs(t.unix_timestamp() as u64)
    }

    /// The vector's signature and clock checked, without the gateway's rule on which headers
    /// must be signed (the published vectors do not sign `host`; that rule has its own tests).
    fn verified(
        keys: &HashMap<String, SecretString>,
        arrived: &Arrived<'_>,
        now: SystemTime,
    ) -> Result<(), String> {
        let date = header_value(arrived.headers, "x-sdk-date").ok_or("no X-Sdk-Date")?;
        check_clock_skew(date, now)?;
        verify_signature(keys, arrived)
    }

    #[test]
    fn every_vector_of_the_fixture_verifies_with_the_pinned_canonical_request() {
        for vector in vectors() {
            let (method, headers) = (vector.method(), vector.arrived_headers());
            let arrived = vector.arrived(&method, &headers);
            let name = &vector.name;
            let signed: Vec<&str> = vector.signed_headers.split(';').collect();
            let canonical = canonical_request(&arrived, &signed).unwrap();
            assert_eq!(canonical, vector.canonical_request.join("\n"), "{name}");
            assert_eq!(
                string_to_sign(&vector.date, &canonical),
                vector.string_to_sign.join("\n"),
                "{name}"
            );
            assert_eq!(
                verified(&vector.keys(), &arrived, vector.now()),
                Ok(()),
                "{name}"
            );
        }
    }

    #[test]
    fn any_change_to_a_vector_breaks_its_signature() {
        for vector in vectors() {
            let (method, headers) = (vector.method(), vector.arrived_headers());
            let keys = vector.keys();
            let now = vector.now();
            let name = &vector.name;
            let body = format!("{} ", vector.request.body);
            let changed_body = Arrived {
                body: body.as_bytes(),
                ..vector.arrived(&method, &headers)
            };
            assert!(verified(&keys, &changed_body, now).is_err(), "{name}: body");
            let changed_path = Arrived {
                path: "/elsewhere",
                ..vector.arrived(&method, &headers)
            };
            assert!(verified(&keys, &changed_path, now).is_err(), "{name}: path");
            let other_method = Method::DELETE;
            let changed_method = vector.arrived(&other_method, &headers);
            assert!(
                verified(&keys, &changed_method, now).is_err(),
                "{name}: method"
            );
            let other_key =
                HashMap::from([(vector.access_key.clone(), SecretString::from("OtherKey"))]);
            let arrived = vector.arrived(&method, &headers);
            assert!(verified(&other_key, &arrived, now).is_err(), "{name}: key");
            let mut changed_date = headers.clone();
            changed_date.insert("x-sdk-date", HeaderValue::from_static("20000101T000000Z"));
            let arrived = vector.arrived(&method, &changed_date);
            assert!(
                verified(&keys, &arrived, at("20000101T000000Z")).is_err(),
                "{name}: date"
            );
        }
    }

    #[test]
    fn a_signed_request_verifies_within_15_minutes() {
        let vector = vector("python-sdk-post");
        let (method, headers) = (vector.method(), vector.arrived_headers());
        let arrived = vector.arrived(&method, &headers);
        let keys = vector.keys();
        let skewed = |seconds: i64| {
            let now = vector.now();
            let by = Duration::from_secs(seconds.unsigned_abs());
            verify(
                &keys,
                &arrived,
                if seconds < 0 { now - by } else { now + by },
            )
        };
        assert_eq!(skewed(0), Ok(()));
        assert_eq!(skewed(15 * 60), Ok(()));
        assert_eq!(skewed(-15 * 60), Ok(()));
        let late = skewed(15 * 60 + 1).unwrap_err();
        assert!(late.contains("15 minutes"), "{late}");
        assert!(skewed(-15 * 60 - 1).is_err());
    }

    #[test]
    fn an_unknown_access_key_or_a_missing_signed_header_is_refused() {
        let vector = vector("python-sdk-post");
        let (method, mut headers) = (vector.method(), vector.arrived_headers());
        let unknown_key = HashMap::from([("Other".to_owned(), SecretString::from("SecretKey"))]);
        let arrived = vector.arrived(&method, &headers);
        assert!(verified(&unknown_key, &arrived, vector.now()).is_err());
        headers.remove("host");
        let arrived = vector.arrived(&method, &headers);
        let missing = verified(&vector.keys(), &arrived, vector.now()).unwrap_err();
        assert!(missing.contains("host is missing"), "{missing}");
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
