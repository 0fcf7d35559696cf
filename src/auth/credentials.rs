//! [`Credentials`]: how requests prove who sends them. Secrets never show in `Debug`.

use secrecy::SecretString;

/// How the client authenticates its requests.
///
/// ```
/// use otc_vpcep::Credentials;
///
/// let token = Credentials::token("MIIT...");
/// let keys = Credentials::access_key("AK", "SK");
/// assert!(!format!("{token:?}{keys:?}").contains("MIIT"));
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
}
