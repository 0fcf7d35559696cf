//! Authentication: [`Credentials`], and the headers each request attempt carries.

mod credentials;
mod iam_error;
mod iam_generated;
/// The generated IAM types, for the emulator's IAM.
#[cfg(feature = "emulator")]
pub(crate) use iam_generated::types as iam_types;
pub(crate) mod iam_hooks;
pub(crate) mod iam_plan;
pub(crate) mod session;
pub mod signer;
mod token_cache;

pub use credentials::{Credentials, UserDomain};
pub use iam_error::{IamError, IamFailure};
pub use token_cache::DEFAULT_TOKEN_REFRESH_MARGIN;

use std::{sync::Arc, time::SystemTime};

use reqwest::header::{AUTHORIZATION, HOST, HeaderName, HeaderValue};
use secrecy::ExposeSecret;

/// The header of an IAM token.
const TOKEN_HEADER: HeaderName = HeaderName::from_static("x-auth-token");
/// The header naming the project of a signed request.
const PROJECT_HEADER: HeaderName = HeaderName::from_static("x-project-id");
/// The header of the security token of temporary access keys.
const SECURITY_TOKEN_HEADER: HeaderName = HeaderName::from_static("x-security-token");
/// The header of the signing time.
const DATE_HEADER: HeaderName = HeaderName::from_static(signer::DATE_HEADER);

/// How the requests of a client authenticate, prepared once: the credentials, and a token's
/// header value (made once, marked sensitive), so that an attempt only copies a reference to
/// it, however long the token (IAM's run to kilobytes).
#[derive(Clone, Debug, Default)]
pub(crate) struct Authorization {
    credentials: Option<Arc<Credentials>>,
    token_header: Option<HeaderValue>,
}

impl Authorization {
    /// The preparation of `credentials` (checked already: a token is a valid header value).
    pub(crate) fn new(credentials: Option<Arc<Credentials>>) -> Self {
        let token_header = match credentials.as_deref() {
            Some(Credentials::Token(token)) => sensitive(token.expose_secret()),
            _ => None,
        };
        Self {
            credentials,
            token_header,
        }
    }
}

/// `value` as a header value marked sensitive, so that it is never shown; `None` if it is not
/// a valid header value.
pub(crate) fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Sets the authentication headers of one request attempt, as of `now()` (the clock is read
/// only to sign); `session` gives the project ID of signed requests and the token of a password
/// login (none for IAM's own calls).
///
/// Called for every attempt, so that a retried request carries a fresh signature: headers of an
/// earlier attempt are replaced. With an access key, `X-Sdk-Date`, `Host`, `X-Project-Id` (the
/// session's project, once known) and `X-Security-Token` (temporary credentials) are set, then
/// every header of the request is signed together with the exact body bytes; so this must run
/// after every other header is final. A body that is not in memory (a stream) would be signed
/// as empty; the generated operations only send bodies in memory. The credentials were checked
/// when the client was built, so this cannot fail on them.
pub(crate) fn authorize(
    authorization: &Authorization,
    session: Option<&session::Session>,
    request: &mut reqwest::Request,
    now: impl FnOnce() -> SystemTime,
) {
    match authorization.credentials.as_deref() {
        None => {}
        // The token of the login; none when the login failed (the service then refuses).
        Some(Credentials::Password { .. }) => {
            if let Some(token) = session.and_then(session::Session::current_token) {
                request
                    .headers_mut()
                    .insert(TOKEN_HEADER, token.header.clone());
            }
        }
        Some(Credentials::Token(_)) => {
            // Made when the client was built, from a token checked then.
            if let Some(header) = &authorization.token_header {
                request.headers_mut().insert(TOKEN_HEADER, header.clone());
            }
        }
        Some(Credentials::AccessKey {
            access_key,
            secret_key,
            security_token,
        }) => {
            let headers = request.headers_mut();
            headers.remove(AUTHORIZATION);
            headers.remove(SECURITY_TOKEN_HEADER);
            let date = signer::sdk_date(now());
            set(request, DATE_HEADER, &date);
            let host = host_of(request.url());
            set(request, HOST, &host);
            if let Some(project_id) = session.and_then(session::Session::known_project) {
                set(request, PROJECT_HEADER, project_id.as_str());
            }
            if let Some(security_token) = security_token {
                set_secret(
                    request,
                    SECURITY_TOKEN_HEADER,
                    security_token.expose_secret(),
                );
            }

            let headers: Vec<(&str, &str)> = request
                .headers()
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
                .collect();
            let url = request.url();
            let body = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .unwrap_or_default();
            let signature = signer::sign(
                &signer::SigningRequest {
                    method: request.method().as_str(),
                    path: url.path(),
                    query: url.query().unwrap_or_default(),
                    headers: &headers,
                    body,
                },
                &date,
                access_key,
                secret_key.expose_secret().as_bytes(),
            );
            set_secret(request, AUTHORIZATION, &signature.authorization);
        }
    }
}

/// The `Host` header of `url`: the host, and the port unless it is the scheme's default.
fn host_of(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Sets a header; values were checked when the client was built, so none is refused.
fn set(request: &mut reqwest::Request, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        request.headers_mut().insert(name, value);
    }
}

/// Sets a header whose value is a secret, marked sensitive so that it is never shown.
fn set_secret(request: &mut reqwest::Request, name: HeaderName, value: &str) {
    if let Some(value) = sensitive(value) {
        request.headers_mut().insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn prepared(credentials: &Credentials) -> Authorization {
        Authorization::new(Some(Arc::new(credentials.clone())))
    }

    fn put(url: &str, body: &'static [u8]) -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::PUT,
            reqwest::Url::parse(url).unwrap_or_else(|e| panic!("test URL {url}: {e}")),
        );
        *request.body_mut() = Some(reqwest::Body::from(body));
        request
    }

    fn project(id: &str) -> crate::types::ProjectId {
        crate::types::ProjectId::try_from(id).unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    fn header<'r>(request: &'r reqwest::Request, name: &str) -> Vec<&'r str> {
        request
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or("<not text>"))
            .collect()
    }

    #[test]
    fn every_attempt_gets_fresh_headers_that_replace_the_last_ones() {
        let credentials = Credentials::temporary("AK", "SK", "ST");
        let mut request = put("https://vpcep.eu-de.otc.t-systems.com/v1/p/s", b"{}");
        let first = UNIX_EPOCH + Duration::from_secs(1_591_583_940);
        let session = session::Session::known(project("p"));
        authorize(
            &prepared(&credentials),
            Some(&session),
            &mut request,
            || first,
        );
        let first_authorization = header(&request, "authorization");
        assert_eq!(header(&request, "x-sdk-date"), ["20200608T023900Z"]);
        assert_eq!(header(&request, "host"), ["vpcep.eu-de.otc.t-systems.com"]);
        assert_eq!(header(&request, "x-project-id"), ["p"]);
        assert_eq!(header(&request, "x-security-token"), ["ST"]);
        assert_eq!(first_authorization.len(), 1);
        assert!(
            first_authorization[0].contains(
                "SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature="
            )
        );
        let first_authorization = first_authorization[0].to_owned();

        authorize(
            &prepared(&credentials),
            Some(&session),
            &mut request,
            || first + Duration::from_secs(1),
        );
        assert_eq!(header(&request, "x-sdk-date"), ["20200608T023901Z"]);
        let second_authorization = header(&request, "authorization");
        assert_eq!(second_authorization.len(), 1);
        assert_ne!(second_authorization[0], first_authorization);
        assert_eq!(header(&request, "x-security-token"), ["ST"]);
    }

    #[test]
    fn the_host_header_keeps_a_port_that_is_not_the_default() {
        let credentials = Credentials::access_key("AK", "SK");
        let mut request = put("http://127.0.0.1:8080/v1/p/s", b"");
        authorize(&prepared(&credentials), None, &mut request, || UNIX_EPOCH);
        assert_eq!(header(&request, "host"), ["127.0.0.1:8080"]);
        assert_eq!(header(&request, "x-security-token"), Vec::<&str>::new());
    }

    #[test]
    fn secret_headers_are_marked_sensitive() {
        let mut request = put("https://h/", b"");
        authorize(
            &prepared(&Credentials::token("T")),
            None,
            &mut request,
            || UNIX_EPOCH,
        );
        assert_eq!(header(&request, "x-auth-token"), ["T"]);
        assert!(!format!("{:?}", request.headers()).contains("\"T\""));
        assert_eq!(header(&request, "authorization"), Vec::<&str>::new());

        let mut request = put("https://h/", b"");
        authorize(
            &prepared(&Credentials::temporary("AK", "SK", "ST")),
            None,
            &mut request,
            || UNIX_EPOCH,
        );
        let shown = format!("{:?}", request.headers());
        assert!(!shown.contains("ST\""), "{shown}");
        assert!(!shown.contains("Signature="), "{shown}");
    }
}
