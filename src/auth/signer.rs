//! The `SDK-HMAC-SHA256` request signature of the provider's API gateway, as a pure function:
//! request parts and a date in, the canonical request, the string to sign and the
//! `Authorization` header out. No I/O and no clock. Its test suite is data:
//! `tests/fixtures/signing-vectors.json`, the published vectors of the provider's SDKs and the
//! cases where implementations could disagree, also read by the emulator's verifier.
//!
//! ```
//! use otc_vpcep::signer::{SigningRequest, sign};
//!
//! let request = SigningRequest {
//!     method: "PUT",
//!     path: "/v1/my-project/vpc-endpoint-services/my-service",
//!     query: "",
//!     headers: &[
//!         ("Host", "vpcep.eu-de.otc.t-systems.com"),
//!         ("X-Project-Id", "my-project"),
//!         ("Content-Type", "application/json"),
//!     ],
//!     body: br#"{"approval_enabled":true}"#,
//! };
//! let signature = sign(&request, "20261201T120000Z", "my-access-key", b"my-secret-key");
//! assert_eq!(signature.signed_headers, "host;x-project-id;x-sdk-date");
//! assert!(signature.authorization.starts_with(
//!     "SDK-HMAC-SHA256 Access=my-access-key, SignedHeaders=host;x-project-id;x-sdk-date, \
//!      Signature="
//! ));
//! ```

use std::{
    borrow::Cow,
    fmt,
    time::{SystemTime, UNIX_EPOCH},
};

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The name of the algorithm, first in the string to sign and in the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const DATE_HEADER: &str = "x-sdk-date";

/// Everything but the unreserved characters `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The `X-Sdk-Date` value of `time`: `YYYYMMDDTHHMMSSZ`, in UTC, to the second.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let time = UNIX_EPOCH + Duration::from_secs(1_136_214_245);
/// assert_eq!(otc_vpcep::signer::sdk_date(time), "20060102T150405Z");
/// ```
pub fn sdk_date(time: SystemTime) -> String {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    };
    // Times beyond what a calendar date can show (years past 9999) are shown as the epoch.
    let time = OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// The parts of a request that the signature covers.
///
/// Its `Debug` shows the header names and the body's length, not their contents: they can
/// hold secrets such as `X-Security-Token`.
#[derive(Clone, Copy)]
pub struct SigningRequest<'a> {
    /// The HTTP method, in any case (it is upper-cased).
    pub method: &'a str,
    /// The path as it goes on the wire (percent-encoded or not: each segment is decoded and
    /// encoded again).
    pub path: &'a str,
    /// The query as it goes on the wire, without the `?` (empty when there is none).
    pub query: &'a str,
    /// The request's headers, `(name, value)`. Names containing `_`, `content-type`,
    /// `authorization` and `x-sdk-date` (which [`sign`] adds itself) are not signed.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes that are sent.
    pub body: &'a [u8],
}

impl fmt::Debug for SigningRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("SigningRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The result of [`sign`].
///
/// Its `Debug` shows only the `Authorization` header: the canonical request can hold the
/// values of secret headers such as `X-Security-Token`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Signature {
    /// The canonical request: method, URI, query, headers, signed header names and body hash,
    /// joined with `\n`.
    pub canonical_request: String,
    /// `SDK-HMAC-SHA256\n{date}\n{hex SHA-256 of the canonical request}`.
    pub string_to_sign: String,
    /// The lower-cased names of the signed headers, sorted and joined with `;`.
    pub signed_headers: String,
    /// The value of the `Authorization` header.
    pub authorization: String,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("signed_headers", &self.signed_headers)
            .field("authorization", &self.authorization)
            .finish_non_exhaustive()
    }
}

/// Signs `request` at `date` (the `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ`) with the access key
/// and the secret key's bytes.
///
/// The signed headers are `x-sdk-date` (with `date`) and every header of `request` except
/// the ones [`SigningRequest::headers`] names; a header given more than once is signed as one
/// `name:value` line per value, the values trimmed and sorted, and its name is signed once.
/// The caller sends `date` as `X-Sdk-Date` and the other signed headers unchanged.
pub fn sign(
    request: &SigningRequest<'_>,
    date: &str,
    access_key: &str,
    secret_key: &[u8],
) -> Signature {
    // Built with as few allocations as the result needs: signing runs on every attempt.
    // One `name:value` line per value, as the provider's SDKs build them from a request's
    // headers: a header sent twice is two lines, sorted by value, and one signed name.
    let mut headers: Vec<(Cow<'_, str>, &str)> = Vec::with_capacity(request.headers.len() + 1);
    headers.push((Cow::Borrowed(DATE_HEADER), date));
    for (name, value) in request.headers {
        let name = lower_case(name.trim());
        if is_signed(&name) {
            headers.push((name, value.trim()));
        }
    }
    headers.sort_unstable();

    let mut signed_headers = String::with_capacity(headers.iter().map(|(n, _)| n.len() + 1).sum());
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            if headers[i - 1].0 == *name {
                continue;
            }
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    let headers_len: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut canonical_request = String::with_capacity(
        request.method.len()
            + request.path.len() * 3
            + request.query.len() * 3
            + headers_len
            + signed_headers.len()
            + 72,
    );
    canonical_request.push_str(request.method);
    canonical_request.make_ascii_uppercase();
    canonical_request.push('\n');
    push_canonical_uri(&mut canonical_request, request.path);
    canonical_request.push('\n');
    push_canonical_query(&mut canonical_request, request.query);
    canonical_request.push('\n');
    for (name, value) in &headers {
        canonical_request.push_str(name);
        canonical_request.push(':');
        canonical_request.push_str(value);
        canonical_request.push('\n');
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    push_hex(&mut canonical_request, &Sha256::digest(request.body));

    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + date.len() + 66);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(date);
    string_to_sign.push('\n');
    push_hex(
        &mut string_to_sign,
        &Sha256::digest(canonical_request.as_bytes()),
    );
    let mut authorization =
        format!("{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature=");
    // HMAC takes keys of any length: this constructor never fails.
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret_key) {
        mac.update(string_to_sign.as_bytes());
        push_hex(&mut authorization, &mac.finalize().into_bytes());
    }
    Signature {
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
    }
}

/// `name` in lower case, borrowed when it already is.
fn lower_case(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Appends the lower-case hex of `bytes` (a digest) to `out`.
fn push_hex(out: &mut String, bytes: &[u8]) {
    let mut buffer = [0u8; 64];
    if let Some(hex) = buffer.get_mut(..bytes.len() * 2)
        && hex::encode_to_slice(bytes, hex).is_ok()
    {
        // Hex digits are ASCII.
        out.push_str(std::str::from_utf8(hex).unwrap_or_default());
    } else {
        // Longer than a SHA-256 digest: not on the stack.
        out.push_str(&hex::encode(bytes));
    }
}

/// Whether a header (by its lower-cased name) goes into the signature.
fn is_signed(name: &str) -> bool {
    !(name.is_empty()
        || name.contains('_')
        || name == "content-type"
        || name == "authorization"
        || name == DATE_HEADER)
}

/// Appends the encoding of a path segment, query key or query value, given as sent: decoded
/// first when it holds a `%`, so that an encoded value is not encoded twice. Decoded bytes
/// are encoded as they are, UTF-8 or not (`%ff` stays the byte `%FF`), as the gateway's Go
/// SDKs do.
fn push_encoded(out: &mut String, value: &str) {
    if value.contains('%') {
        let decoded: Vec<u8> = percent_decode_str(value).collect();
        out.extend(percent_encoding::percent_encode(&decoded, ENCODED));
    } else {
        out.extend(percent_encoding::percent_encode(value.as_bytes(), ENCODED));
    }
}

/// Appends the path, each `/`-separated segment decoded and encoded again, always starting
/// and ending with `/`.
fn push_canonical_uri(out: &mut String, path: &str) {
    let start = out.len();
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_encoded(out, segment);
    }
    if !out[start..].starts_with('/') {
        out.insert(start, '/');
    }
    if !out[start..].ends_with('/') {
        out.push('/');
    }
}

/// Appends the query's pairs, decoded (`+` is a space) and encoded again, sorted by key then
/// value, `k=v` joined by `&`.
fn push_canonical_query(out: &mut String, query: &str) {
    if query.is_empty() {
        return;
    }
    let part = |text: &str| {
        let mut encoded = String::with_capacity(text.len());
        if text.contains('+') {
            push_encoded(&mut encoded, &text.replace('+', " "));
        } else {
            push_encoded(&mut encoded, text);
        }
        encoded
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (part(key), part(value))
        })
        .collect();
    pairs.sort();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
}

/// The canonical URI of `path` (see [`push_canonical_uri`]).
#[cfg(test)]
fn canonical_uri(path: &str) -> String {
    let mut uri = String::new();
    push_canonical_uri(&mut uri, path);
    uri
}

/// The canonical query of `query` (see [`push_canonical_query`]).
#[cfg(test)]
fn canonical_query(query: &str) -> String {
    let mut canonical = String::new();
    push_canonical_query(&mut canonical, query);
    canonical
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_uri_encodes_each_segment_and_ends_with_a_slash() {
        assert_eq!(canonical_uri("/v1/p/s"), "/v1/p/s/");
        assert_eq!(canonical_uri("/v1/p/s/"), "/v1/p/s/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a b/ü"), "/a%20b/%C3%BC/");
        // Already encoded segments are not encoded twice.
        assert_eq!(canonical_uri("/a%20b/%c3%bc"), "/a%20b/%C3%BC/");
        assert_eq!(canonical_uri("/-_.~!*"), "/-_.~%21%2A/");
    }

    #[test]
    fn debug_shows_no_header_value_and_no_body() {
        let request = SigningRequest {
            method: "PUT",
            path: "/v1/p",
            query: "",
            headers: &[("X-Security-Token", "hidden-token")],
            body: b"hidden-body",
        };
        let shown = format!("{request:?}");
        assert!(shown.contains("X-Security-Token"), "{shown}");
        assert!(!shown.contains("hidden"), "{shown}");
    }

    #[test]
    fn canonical_query_sorts_by_key_then_value() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=2&a=1&c"), "a=1&a=2&b=2&c=");
        assert_eq!(canonical_query("k=a%20b+c&%7E=*"), "k=a%20b%20c&~=%2A");
    }

    #[test]
    fn unsigned_headers_are_left_out_and_a_repeated_one_is_a_line_per_value() {
        let request = SigningRequest {
            method: "put",
            path: "/",
            query: "",
            headers: &[
                ("Content-Type", "application/json"),
                ("TEST_UNDERSCORE", "x"),
                ("Authorization", "old"),
                ("X-Sdk-Date", "19700101T000000Z"),
                ("Accept", " b "),
                ("accept", "a"),
                ("Host", "h"),
            ],
            body: b"",
        };
        let signature = sign(&request, "20200608T023900Z", "AK", b"SK");
        assert_eq!(signature.signed_headers, "accept;host;x-sdk-date");
        assert!(signature.canonical_request.starts_with(
            "PUT\n/\n\naccept:a\naccept:b\nhost:h\nx-sdk-date:20200608T023900Z\n\n\
             accept;host;x-sdk-date\n"
        ));
    }
}
