//! An `SDK-HMAC-SHA256` verifier for the authentication tests, written independently of the
//! crate's signer: its own canonical URI, query and header handling from the raw request the
//! loopback server (`common::server`) read; only the hash and HMAC primitives (`sha2`,
//! `hmac`) are shared.

#![allow(dead_code, unused_imports)] // Each test file uses part of it.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

pub use crate::common::{
    PROJECT_ID, SERVICE_ID,
    server::{Received, Reply, TestServer},
};

/// The example response of the API reference page, as text.
pub fn example_response() -> String {
    crate::common::documented_response().to_string()
}

/// What the server answers: status and JSON body.
pub type Answer = (u16, String);

/// Starts a loopback server answering every request with `answer(request)`.
pub async fn start_server(
    answer: impl Fn(&Received) -> Answer + Send + Sync + 'static,
) -> TestServer {
    TestServer::start(move |_, request| {
        let (status, body) = answer(request);
        Reply::json(status, &body)
    })
    .await
}

/// The gateway's answer to a request whose signature does not verify.
pub fn rejected(reason: &str) -> Answer {
    (
        401,
        serde_json::json!({
            "error_code": "APIG.0303",
            "error_msg": format!("Incorrect app authentication information: {reason}"),
            "request_id": "gateway-request-id",
        })
        .to_string(),
    )
}

/// What a verified signature covered.
#[derive(Debug)]
pub struct Verified {
    /// The signed header names, as listed in `Authorization`.
    pub signed_headers: Vec<String>,
    /// The canonical request the verifier rebuilt.
    pub canonical_request: String,
}

/// Re-computes the `SDK-HMAC-SHA256` signature of `request` with the secret key of
/// `access_key` and compares it with the one in its `Authorization` header.
pub fn verify_signature(
    request: &Received,
    access_key: &str,
    secret_key: &str,
) -> Result<Verified, String> {
    let authorization = request
        .header("authorization")
        .ok_or("no single Authorization header")?;
    let parameters = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or("not an SDK-HMAC-SHA256 authorization")?;
    let mut access = None;
    let mut signed = None;
    let mut signature = None;
    for parameter in parameters.split(", ") {
        match parameter.split_once('=') {
            Some(("Access", v)) => access = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(format!("unknown authorization parameter {parameter:?}")),
        }
    }
    let (Some(access), Some(signed), Some(signature)) = (access, signed, signature) else {
        return Err("Access, SignedHeaders or Signature missing".into());
    };
    if access != access_key {
        return Err(format!("unknown access key {access:?}"));
    }
    let signed_headers: Vec<String> = signed.split(';').map(str::to_owned).collect();
    let mut sorted = signed_headers.clone();
    sorted.sort();
    sorted.dedup();
    if sorted != signed_headers || signed_headers.iter().any(|h| h.to_lowercase() != *h) {
        return Err("SignedHeaders not lower-case, sorted and unique".into());
    }
    let date = request.header("x-sdk-date").ok_or("no single X-Sdk-Date")?;

    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let mut canonical = String::new();
    canonical.push_str(&request.method);
    canonical.push('\n');
    canonical.push_str(&uri_of(path));
    canonical.push('\n');
    canonical.push_str(&query_of(query));
    canonical.push('\n');
    for name in &signed_headers {
        let values = request.header_values(name);
        if values.is_empty() {
            return Err(format!("signed header {name} was not sent"));
        }
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(
            &values
                .iter()
                .map(|v| v.trim())
                .collect::<Vec<_>>()
                .join(","),
        );
        canonical.push('\n');
    }
    canonical.push('\n');
    canonical.push_str(signed);
    canonical.push('\n');
    canonical.push_str(&hex::encode(Sha256::digest(&request.body)));

    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("HMAC key");
    mac.update(string_to_sign.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    if expected != signature {
        return Err(format!(
            "signature mismatch; canonical request was {canonical:?}"
        ));
    }
    Ok(Verified {
        signed_headers,
        canonical_request: canonical,
    })
}

/// What the provider's gateway requires of a signed call to the VPCEP API, beyond a valid
/// signature: a fresh date, and host, project (matching the path) and security token signed.
pub fn verify_call(
    request: &Received,
    access_key: &str,
    secret_key: &str,
    security_token: Option<&str>,
) -> Result<Verified, String> {
    let verified = verify_signature(request, access_key, secret_key)?;
    for required in ["host", "x-project-id", "x-sdk-date"] {
        if !verified.signed_headers.iter().any(|h| h == required) {
            return Err(format!("{required} is not signed"));
        }
    }
    if request.header_values("content-type").len() > 1 || request.header("api-version").is_some() {
        return Err("unexpected headers".into());
    }
    let project_in_path = request.target.split('/').nth(2).unwrap_or_default();
    if request.header("x-project-id") != Some(project_in_path) {
        return Err("X-Project-Id does not name the project of the path".into());
    }
    match (security_token, request.header("x-security-token")) {
        (None, None) => {}
        (Some(expected), Some(sent)) if expected == sent => {
            if !verified
                .signed_headers
                .iter()
                .any(|h| h == "x-security-token")
            {
                return Err("x-security-token is not signed".into());
            }
        }
        _ => return Err("wrong or missing X-Security-Token".into()),
    }
    let date = request.header("x-sdk-date").unwrap_or_default();
    let signed_at = unix_time_of(date).ok_or("X-Sdk-Date is not YYYYMMDDTHHMMSSZ")?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    if (now - signed_at).abs() > 15 * 60 {
        return Err("X-Sdk-Date is more than 15 minutes off".into());
    }
    Ok(verified)
}

/// Seconds since the epoch of `YYYYMMDDTHHMMSSZ`.
fn unix_time_of(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| date.get(range)?.parse::<u32>().ok();
    let day = time::Date::from_calendar_date(
        number(0..4)? as i32,
        time::Month::try_from(number(4..6)? as u8).ok()?,
        number(6..8)? as u8,
    )
    .ok()?;
    let clock = time::Time::from_hms(
        number(9..11)? as u8,
        number(11..13)? as u8,
        number(13..15)? as u8,
    )
    .ok()?;
    Some(
        time::PrimitiveDateTime::new(day, clock)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// The canonical URI: every segment decoded, encoded again, and a final `/`.
fn uri_of(path: &str) -> String {
    let mut uri = path
        .split('/')
        .map(|segment| encoded(&decoded(segment, false)))
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query: pairs decoded (`+` is a space), encoded again, sorted.
fn query_of(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encoded(&decoded(key, true)), encoded(&decoded(value, true)))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn decoded(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

fn encoded(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
