//! What the client keeps of an answer: the body read in full (bounded), the record of a call's
//! final answer, and the tolerant reading of error bodies. Shared by the hooks, which read
//! answers, and by the errors, which report them.

use std::cell::RefCell;

use bytes::Bytes;
use serde_json::{Map, Value};

/// The most bytes of an answer's body that are read; a longer body is cut there (and then
/// fails to decode, reported as such).
pub(crate) const MAX_BODY_BYTES: usize = 4 << 20;

tokio::task_local! {
    /// Where the hooks leave what the error of the call in whose task they run needs: set for
    /// the duration of one call by [`recorded`], so never shared between calls.
    static RECORD: RefCell<Record>;
}

/// What the hooks leave for the error of one call.
#[derive(Debug, Default)]
pub(crate) struct Record {
    /// The final answer, if there was one.
    pub(crate) answer: Option<Answer>,
    /// Whether the retry budget refused the retry the final failure was worth.
    pub(crate) retry_refused: bool,
    /// How many attempts the call made in all.
    pub(crate) attempts: u32,
}

/// What the final attempt of a call got back, for the error of that call: the generated code
/// loses the status and headers when an error body does not decode. It shares the answer's
/// buffers (nothing is copied unless an error needs it).
#[derive(Debug)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The `X-Request-Id` header.
    pub(crate) request_id: Option<reqwest::header::HeaderValue>,
    /// The body, as read (see [`MAX_BODY_BYTES`]).
    pub(crate) body: Bytes,
    /// Whether the body was longer than [`MAX_BODY_BYTES`] and was cut.
    pub(crate) body_cut: bool,
}

impl Answer {
    /// The `X-Request-Id` header, when it is text.
    pub(crate) fn request_id(&self) -> Option<String> {
        request_id_text(self.request_id.as_ref())
    }
}

/// Runs `call` with a [`Record`], kept for this call alone (see [`with_record`]).
pub(crate) fn recorded<F: Future>(call: F) -> impl Future<Output = F::Output> {
    RECORD.scope(RefCell::default(), call)
}

/// Hands the record of the call to `done`: for the future that [`recorded`] runs (where the
/// record is always there).
pub(crate) fn with_record<T>(done: impl FnOnce(&Record) -> T) -> T {
    RECORD.with(|record| done(&record.borrow()))
}

/// Leaves the final answer of a call (none after a transport failure), whether the retry
/// budget refused the retry it was worth, and how many attempts it made, in the call's record
/// (if the call keeps one).
pub(crate) fn record(answer: impl FnOnce() -> Option<Answer>, retry_refused: bool, attempts: u32) {
    let _ = RECORD.try_with(|record| {
        // Each call has its own record; its final answer is the last one (a call sent once
        // more with a new token has two).
        let mut record = record.borrow_mut();
        if let Some(answer) = answer() {
            record.answer = Some(answer);
        }
        record.retry_refused |= retry_refused;
        record.attempts += attempts;
    });
}

/// A body read in full (up to [`MAX_BODY_BYTES`]).
pub(crate) struct Body {
    pub(crate) bytes: Bytes,
    pub(crate) cut: bool,
}

/// Reads the whole body of `response` (up to [`MAX_BODY_BYTES`]). A body that arrives in one
/// chunk, as a small one does, is kept as it came, without a copy. One that arrives in more is
/// joined in a buffer of the size its `Content-Length` announces (at most the limit), so that
/// a large page is not copied from buffer to buffer as it grows, nor kept in one up to twice
/// its size. (A plain `fn` returning the future: an `async fn` would keep the response twice,
/// as its parameter and as its local.)
#[allow(clippy::manual_async_fn)]
pub(crate) fn buffered(
    mut response: reqwest::Response,
) -> impl Future<Output = reqwest::Result<(reqwest::Response, Body)>> {
    async move {
        let announced = response
            .content_length()
            .map_or(0, |n| usize::try_from(n).unwrap_or(MAX_BODY_BYTES))
            .min(MAX_BODY_BYTES);
        let mut first = Bytes::new();
        let mut joined: Option<Vec<u8>> = None;
        let mut cut = false;
        while let Some(mut chunk) = response.chunk().await? {
            let read = joined.as_ref().map_or(first.len(), Vec::len);
            let room = MAX_BODY_BYTES - read;
            if chunk.len() > room {
                chunk.truncate(room);
                cut = true;
            }
            if read == 0 && joined.is_none() {
                first = chunk;
            } else {
                joined
                    .get_or_insert_with(|| {
                        let mut joined = Vec::with_capacity(announced.max(first.len()));
                        joined.extend_from_slice(&first);
                        joined
                    })
                    .extend_from_slice(&chunk);
            }
            if cut {
                break;
            }
        }
        let bytes = joined.map_or(first, Bytes::from);
        Ok((response, Body { bytes, cut }))
    }
}

/// The answer again, with its status, version, headers, extensions and URL, and the buffered
/// body. The parts are moved, not copied, and the URL is carried over (a `reqwest::Response`
/// made from bare parts would parse a placeholder URL on every call).
pub(crate) fn rebuilt(response: reqwest::Response, body: Bytes) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    let url = response.url().clone();
    let (parts, _) = http::Response::from(response).into_parts();
    let mut answer = http::Response::from_parts(parts, body);
    // reqwest keeps a response's URL in an extension that only its builder can set: the
    // answer's own extensions pass through a builder to take it.
    let mut builder = http::Response::builder();
    if let Some(extensions) = builder.extensions_mut() {
        std::mem::swap(extensions, answer.extensions_mut());
    }
    let mut builder = builder.url(url);
    if let Some(extensions) = builder.extensions_mut() {
        std::mem::swap(extensions, answer.extensions_mut());
    }
    reqwest::Response::from(answer)
}

/// The header of the service's request ID.
pub(crate) const REQUEST_ID: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("x-request-id");

/// An `X-Request-Id` header's value, when it is text.
pub(crate) fn request_id_text(value: Option<&reqwest::header::HeaderValue>) -> Option<String> {
    value?.to_str().ok().map(str::to_owned)
}

/// Whether `body` is a JSON object: every success answer of the API is one. (serde accepts a
/// list of values for a struct; this refuses it before it can decode as one.)
pub(crate) fn is_json_object(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// The code, message and request id read from an error body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
}

impl ErrorBody {
    /// Reads an error body tolerantly, in the order of the Huawei Cloud SDKs: `error_code` /
    /// `error_msg`, then `code` / `message`, then the same one level down under any key (for
    /// example `{"error": {"code": ..., "message": ...}}`); `request_id` (the API gateway's)
    /// at the top or next to the nested pair. Numbers are accepted as codes. `None` when the
    /// body is not a JSON object.
    pub(crate) fn parse(body: &[u8]) -> Option<Self> {
        let Value::Object(top) = serde_json::from_slice::<Value>(body).ok()? else {
            return None;
        };
        let mut found = Self::from_object(&top);
        if !found.is_useful()
            && let Some(nested) = top.values().find_map(|v| match v {
                Value::Object(inner) => Some(Self::from_object(inner)).filter(Self::is_useful),
                _ => None,
            })
        {
            found.code = nested.code;
            found.message = nested.message;
            found.request_id = found.request_id.or(nested.request_id);
        }
        Some(found)
    }

    /// Whether a code or a message was found.
    pub(crate) fn is_useful(&self) -> bool {
        self.code.is_some() || self.message.is_some()
    }

    fn from_object(object: &Map<String, Value>) -> Self {
        let pair = |code: &str, message: &str| {
            let code = object.get(code).and_then(scalar);
            let message = object.get(message).and_then(scalar);
            (code.is_some() || message.is_some()).then_some((code, message))
        };
        let (code, message) = pair("error_code", "error_msg")
            .or_else(|| pair("code", "message"))
            .unwrap_or_default();
        Self {
            code,
            message,
            request_id: object.get("request_id").and_then(scalar),
        }
    }
}

/// A string, or a number written as a string; anything else is ignored.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_record_belongs_to_one_call() {
        // Outside a call, nothing is kept and nothing fails.
        record(|| None, true, 1);
        let refused = recorded(async {
            record(|| None, true, 1);
            with_record(|record| record.retry_refused)
        });
        assert!(refused.await);
        let untouched = recorded(async { with_record(|record| record.retry_refused) });
        assert!(!untouched.await);
    }

    fn parsed(body: &str) -> Option<ErrorBody> {
        ErrorBody::parse(body.as_bytes())
    }

    fn body(code: Option<&str>, message: Option<&str>, request_id: Option<&str>) -> ErrorBody {
        ErrorBody {
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
        }
    }

    #[test]
    fn service_shape() {
        assert_eq!(
            parsed(r#"{"error_code":"EndPoint.0002","error_msg":"Parameter error."}"#),
            Some(body(Some("EndPoint.0002"), Some("Parameter error."), None))
        );
    }

    #[test]
    fn gateway_shape_keeps_request_id() {
        assert_eq!(
            parsed(r#"{"error_code":"APIG.0303","error_msg":"Incorrect app","request_id":"r1"}"#),
            Some(body(Some("APIG.0303"), Some("Incorrect app"), Some("r1")))
        );
    }

    #[test]
    fn error_code_pair_wins_over_code_pair() {
        assert_eq!(
            parsed(r#"{"code":"B","message":"second","error_code":"A","error_msg":"first"}"#),
            Some(body(Some("A"), Some("first"), None))
        );
    }

    #[test]
    fn code_message_and_numbers() {
        assert_eq!(
            parsed(r#"{"code":404,"message":"not here"}"#),
            Some(body(Some("404"), Some("not here"), None))
        );
    }

    #[test]
    fn nested_one_level() {
        assert_eq!(
            parsed(r#"{"error":{"code":"EndPoint.0005","message":"gone","request_id":"n"}}"#),
            Some(body(Some("EndPoint.0005"), Some("gone"), Some("n")))
        );
        assert_eq!(
            parsed(r#"{"request_id":"top","x":1,"badRequest":{"error_code":"E","error_msg":"m"}}"#),
            Some(body(Some("E"), Some("m"), Some("top")))
        );
        // Two levels down is not searched.
        assert_eq!(
            parsed(r#"{"a":{"b":{"code":"X","message":"deep"}}}"#),
            Some(ErrorBody::default())
        );
    }

    #[test]
    fn not_an_object() {
        for text in ["<html>502</html>", "[1,2]", "\"x\"", "", "{\"error_code\":"] {
            assert_eq!(parsed(text), None, "{text}");
        }
    }

    #[test]
    fn only_objects_are_json_objects() {
        assert!(is_json_object(b" \n{\"id\":\"x\"}"));
        for body in [&b"[\"ARRAY-ID\"]"[..], b"", b"  ", b"null", b"\"x\""] {
            assert!(!is_json_object(body), "{body:?}");
        }
    }
}
