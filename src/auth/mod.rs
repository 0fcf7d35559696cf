//! Authentication: [`Credentials`], and the headers each request attempt carries.

mod credentials;

pub use credentials::Credentials;

use std::time::SystemTime;

use secrecy::ExposeSecret;

/// Sets the authentication headers of one request attempt, as of `now`.
///
/// Called for every attempt, so that a retried request carries a fresh signature. The
/// credentials were checked when the client was built, so this cannot fail on them.
pub(crate) fn authorize(
    credentials: Option<&Credentials>,
    request: &mut reqwest::Request,
    _now: SystemTime,
) {
    match credentials {
        None => {}
        Some(Credentials::Token(token)) => {
            if let Ok(mut value) = reqwest::header::HeaderValue::from_str(token.expose_secret()) {
                value.set_sensitive(true);
                request.headers_mut().insert("x-auth-token", value);
            }
        }
        // AK/SK signing (SDK-HMAC-SHA256) comes with the authentication issue.
        Some(Credentials::AccessKey { .. }) => {}
    }
}
