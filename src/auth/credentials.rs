//! [`Credentials`]: how requests prove who sends them. Secrets never show in `Debug`.

use secrecy::{ExposeSecret, SecretString};

use crate::spec::validation::Violations;

/// How the client authenticates its requests.
///
/// ```
/// use otc_vpcep::Credentials;
///
/// let token = Credentials::token("MIIT...");
/// let keys = Credentials::access_key("AK", "SK");
/// let temporary = Credentials::access_key("AK", "SK").with_security_token("ST...");
/// assert!(!format!("{token:?}{keys:?}{temporary:?}").contains("MIIT"));
/// assert!(!format!("{temporary:?}").contains("ST..."));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An IAM token, sent as `X-Auth-Token`.
    Token(SecretString),
    /// An access key and secret key, used to sign each request (`SDK-HMAC-SHA256`).
    AccessKey {
        /// The access key (AK); not a secret.
        access_key: String,
        /// The secret key (SK).
        secret_key: SecretString,
        /// The security token of temporary credentials, sent as `X-Security-Token`.
        security_token: Option<SecretString>,
    },
    /// A user name and password, to log in to IAM for a token (`POST /v3/auth/tokens`).
    ///
    /// The client logs in on first use, caches the token and renews it (see
    /// [`ClientBuilder::token_refresh_margin`](crate::ClientBuilder::token_refresh_margin));
    /// a failed login is [`Error::Iam`](crate::Error::Iam).
    Password {
        /// The user name (IAM user); not a secret.
        username: String,
        /// The password.
        password: SecretString,
        /// The domain (account) of the user.
        user_domain: UserDomain,
    },
}

/// The domain (account) a user belongs to, by name (`OTC00000000001000000xxx`) or by ID.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserDomain {
    /// The domain's name.
    Name(String),
    /// The domain's ID.
    Id(String),
}

impl Credentials {
    /// An IAM token.
    pub fn token(token: impl Into<String>) -> Self {
        Self::Token(SecretString::from(token.into()))
    }

    /// A permanent access key and secret key.
    pub fn access_key(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self::AccessKey {
            access_key: access_key.into(),
            secret_key: SecretString::from(secret_key.into()),
            security_token: None,
        }
    }

    /// A user name and password of the user's domain, to log in to IAM.
    ///
    /// ```
    /// use otc_vpcep::{Credentials, UserDomain};
    ///
    /// let login = Credentials::password("me", "pass-word", UserDomain::Name("OTC0000".into()));
    /// assert!(!format!("{login:?}").contains("pass-word"));
    /// ```
    pub fn password(
        username: impl Into<String>,
        password: impl Into<String>,
        user_domain: UserDomain,
    ) -> Self {
        Self::Password {
            username: username.into(),
            password: SecretString::from(password.into()),
            user_domain,
        }
    }

    /// Temporary credentials: an access key, a secret key and their security token.
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self::access_key(access_key, secret_key).with_security_token(security_token)
    }

    /// Adds the security token of temporary access keys (sent, and signed, as
    /// `X-Security-Token`).
    ///
    /// Only access keys carry a security token: other credentials are returned unchanged.
    pub fn with_security_token(self, token: impl Into<String>) -> Self {
        match self {
            Self::AccessKey {
                access_key,
                secret_key,
                ..
            } => Self::AccessKey {
                access_key,
                secret_key,
                security_token: Some(SecretString::from(token.into())),
            },
            other @ (Self::Token(_) | Self::Password { .. }) => other,
        }
    }

    /// Records every value that cannot be sent. Violations name the field, never the value.
    pub(crate) fn check(&self, violations: &mut Violations) {
        match self {
            Self::Token(token) => {
                check_header_value(violations, "credentials.token", token.expose_secret());
            }
            Self::AccessKey {
                access_key,
                secret_key,
                security_token,
            } => {
                if check_header_value(violations, "credentials.access_key", access_key)
                    && access_key.contains(',')
                {
                    violations.push(
                        "credentials.access_key",
                        "must not contain ',' (it is part of the Authorization header)",
                    );
                }
                check_secret_key(violations, secret_key.expose_secret());
                if let Some(token) = security_token {
                    check_header_value(
                        violations,
                        "credentials.security_token",
                        token.expose_secret(),
                    );
                }
            }
            Self::Password {
                username,
                password,
                user_domain,
            } => {
                if username.is_empty() {
                    violations.push("credentials.username", "must not be empty");
                }
                if password.expose_secret().is_empty() {
                    violations.push("credentials.password", "must not be empty");
                }
                if let UserDomain::Name(value) | UserDomain::Id(value) = user_domain
                    && value.is_empty()
                {
                    violations.push("credentials.user_domain", "must not be empty");
                }
            }
        }
    }
}

/// Checks a secret key: it keys the signature and is never sent, so inner spaces are fine,
/// but an empty key, whitespace at either end (a trailing newline from a file) or a control
/// character is a mistake.
fn check_secret_key(violations: &mut Violations, value: &str) {
    let rule = if value.is_empty() {
        "must not be empty"
    } else if value.trim() != value {
        "must not start or end with spaces, tabs or line breaks (check for a trailing newline)"
    } else if value.chars().any(char::is_control) {
        "must not contain control characters"
    } else {
        return;
    };
    violations.push("credentials.secret_key", rule);
}

/// Checks that `value` can go into a header as it is: not empty, only visible ASCII (no
/// spaces, no control characters). Returns whether it can.
fn check_header_value(violations: &mut Violations, field: &str, value: &str) -> bool {
    let rule = if value.is_empty() {
        "must not be empty"
    } else if value.chars().any(char::is_whitespace) {
        "must not contain spaces, tabs or line breaks (check for a trailing newline)"
    } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
        "must be visible ASCII characters only (no control or non-ASCII characters)"
    } else {
        return true;
    };
    violations.push(field, rule);
    false
}
