//! [`Session`]: what a client learns from IAM, once, and shares with its clones: the project ID
//! (known at build, from the token's scope, or from a project lookup) and the token of a
//! password login ([`TokenCache`]).
//!
//! An explicit project ID costs one atomic load per call ([`Session::ready_now`]); everything
//! else waits behind a boxed future, so that the calls' own futures do not grow by the IAM
//! calls' size.

use std::{pin::Pin, sync::Arc, time::SystemTime};

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;
use tracing::debug;

use super::{
    iam_error::{IamError, IamFailure},
    iam_generated::{self, types},
    iam_hooks::IamContext,
    token_cache::{Token, TokenCache},
};
use crate::{Credentials, RetryPolicy, UserDomain, types::ProjectId};

/// A boxed future of a session, `Send` like the calls that await it.
type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the client needs from IAM, as decided when it is built.
#[derive(Debug)]
pub(crate) enum Need {
    /// Nothing: the project ID is known, and the credentials need no login.
    Nothing,
    /// A password login at `auth_url`, scoped to this project (by ID or by name).
    Login {
        auth_url: String,
        scope: ProjectScope,
    },
    /// The ID of the project `name`, looked up at `auth_url`.
    Lookup { auth_url: String, name: String },
}

/// The project a login's token is scoped to.
#[derive(Debug, Clone)]
pub(crate) enum ProjectScope {
    Id(String),
    Name(String),
}

/// What a client learns from IAM; shared by the client's clones and its hooks.
#[derive(Debug, Default)]
pub(crate) struct Session {
    project: OnceCell<ProjectId>,
    iam: Option<Iam>,
}

#[derive(Debug)]
enum Iam {
    Login(Box<Login>),
    Lookup(Lookup),
}

/// A password login and its cached token.
#[derive(Debug)]
pub(crate) struct Login {
    client: iam_generated::Client,
    auth_url: String,
    user: String,
    password: SecretString,
    domain: UserDomain,
    scope: ProjectScope,
    cache: TokenCache<IamError>,
}

/// The lookup of a project's ID from its name.
#[derive(Debug)]
struct Lookup {
    client: iam_generated::Client,
    auth_url: String,
    name: String,
}

/// What a session is built from.
pub(crate) struct Parts<'a> {
    pub(crate) project_id: Option<ProjectId>,
    pub(crate) need: Need,
    pub(crate) credentials: Option<&'a Arc<Credentials>>,
    pub(crate) http: &'a reqwest::Client,
    pub(crate) retry: &'a RetryPolicy,
    pub(crate) refresh_margin: std::time::Duration,
}

impl Session {
    /// A session with a known project and nothing to learn (for tests and benchmarks).
    #[cfg(test)]
    pub(crate) fn known(project_id: ProjectId) -> Self {
        Self {
            project: OnceCell::new_with(Some(project_id)),
            iam: None,
        }
    }

    /// The session of a client being built.
    pub(crate) fn new(parts: Parts<'_>) -> Self {
        let iam_client = |auth_url: &str, credentials: Option<Arc<Credentials>>| {
            iam_generated::Client::new_with_client(
                auth_url,
                parts.http.clone(),
                IamContext {
                    authorization: super::Authorization::new(credentials),
                    retry: parts.retry.clone(),
                },
            )
        };
        let iam = match (parts.need, parts.credentials.map(|c| &**c)) {
            (Need::Nothing, _) => None,
            (
                Need::Login { auth_url, scope },
                Some(Credentials::Password {
                    username,
                    password,
                    user_domain,
                }),
            ) => Some(Iam::Login(Box::new(Login {
                client: iam_client(&auth_url, None),
                auth_url,
                user: username.clone(),
                password: password.clone(),
                domain: user_domain.clone(),
                scope,
                cache: TokenCache::new(parts.refresh_margin),
            }))),
            (Need::Login { .. }, _) => None,
            (Need::Lookup { auth_url, name }, _) => Some(Iam::Lookup(Lookup {
                client: iam_client(&auth_url, parts.credentials.cloned()),
                auth_url,
                name,
            })),
        };
        Self {
            project: OnceCell::new_with(parts.project_id),
            iam,
        }
    }

    /// The project ID, if it is known already.
    pub(crate) fn known_project(&self) -> Option<&ProjectId> {
        self.project.get()
    }

    /// The password login, if the client has one.
    pub(crate) fn login(&self) -> Option<&Login> {
        match &self.iam {
            Some(Iam::Login(login)) => Some(login),
            _ => None,
        }
    }

    /// The project ID, when a call can go at once: it is known, and a login's token is fresh.
    pub(crate) fn ready_now(&self) -> Option<&ProjectId> {
        let project = self.project.get()?;
        match self.login() {
            Some(login) => login.cache.fresh().map(|_| project),
            None => Some(project),
        }
    }

    /// Makes the session ready for a call: logs in (or reuses a fresh token) and learns the
    /// project ID, each at most once however many calls wait for it.
    pub(crate) fn prepare(&self) -> Boxed<'_, Result<&ProjectId, IamError>> {
        Box::pin(async move {
            let token = match self.login() {
                Some(login) => Some(login.token().await?),
                None => None,
            };
            self.project
                .get_or_try_init(|| async {
                    match (&self.iam, token) {
                        (Some(Iam::Lookup(lookup)), _) => lookup.find().await,
                        (Some(Iam::Login(login)), Some(token)) => login.project_of(&token),
                        // A session without IAM knows its project from the start.
                        _ => Err(IamError::Project {
                            name: String::new(),
                            auth_url: String::new(),
                            failure: IamFailure::Unscoped,
                        }),
                    }
                })
                .await
        })
    }

    /// The token to send now, if the client logs in.
    pub(crate) fn current_token(&self) -> Option<Arc<Token>> {
        self.login()?.cache.current()
    }
}

impl Login {
    /// A fresh token: the cached one, or a new login (one for all the callers waiting).
    pub(crate) async fn token(&self) -> Result<Arc<Token>, IamError> {
        self.cache.get(|| self.fetch()).await
    }

    /// How many logins have ended, for [`failure_since`](Self::failure_since).
    pub(crate) fn fetches(&self) -> u64 {
        self.cache.fetches()
    }

    /// The failure of the last login, if it ended after `fetches` logins had and failed.
    pub(crate) fn failure_since(&self, fetches: u64) -> Option<IamError> {
        self.cache.failure_since(fetches)
    }

    /// Sends `request` with the current token through `send` (the attempts of a call); when the
    /// service answers 401, logs in again (unless another call has already) and sends it once
    /// more. A second 401 is the answer. A login that fails leaves the request to go without
    /// a token: the service's 401 follows, and the ergonomic layer reports the login's error.
    pub(crate) fn exec<'a, F, Fut>(
        &'a self,
        request: reqwest::Request,
        send: F,
    ) -> Boxed<'a, reqwest::Result<reqwest::Response>>
    where
        F: Fn(reqwest::Request) -> Fut + Send + 'a,
        Fut: Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a,
    {
        Box::pin(async move {
            // The token the call made fresh (`call::run`), or a first one for the raw client.
            let used = match self.cache.current() {
                Some(token) => Some(token),
                None => self.token().await.ok(),
            };
            let spare = request.try_clone();
            let answer = send(request).await?;
            let (Some(used), Some(spare)) = (used, spare) else {
                return Ok(answer);
            };
            if answer.status() != reqwest::StatusCode::UNAUTHORIZED
                || self.cache.renew(&used, || self.fetch()).await.is_err()
            {
                return Ok(answer);
            }
            debug!("the service refused the token: sending once more with a new one");
            drop(answer);
            send(spare).await
        })
    }

    /// Logs in: `POST {auth_url}/auth/tokens?nocatalog=true`.
    async fn fetch(&self) -> Result<Token, IamError> {
        let sent = tokio::time::Instant::now();
        let domain = match &self.domain {
            UserDomain::Name(name) => types::DomainRef {
                name: Some(name.clone()),
                id: None,
            },
            UserDomain::Id(id) => types::DomainRef {
                name: None,
                id: Some(id.clone()),
            },
        };
        let project = match &self.scope {
            ProjectScope::Id(id) => types::ProjectRef {
                id: Some(id.clone()),
                name: None,
                domain: None,
            },
            ProjectScope::Name(name) => types::ProjectRef {
                id: None,
                name: Some(name.clone()),
                domain: None,
            },
        };
        let body = types::TokenRequest {
            auth: types::Auth {
                identity: types::Identity {
                    methods: vec!["password".to_owned()],
                    password: types::PasswordMethod {
                        user: types::PasswordUser {
                            name: self.user.clone(),
                            password: self.password.expose_secret().to_owned(),
                            domain,
                        },
                    },
                },
                scope: Some(types::Scope { project }),
            },
        };
        debug!(
            user = self.user,
            auth_url = self.auth_url,
            "logging in to IAM"
        );
        let answer = self
            .client
            .create_token()
            .nocatalog("true")
            .body(body)
            .send()
            .await
            .map_err(|e| self.failed(failure_of(e)))?;
        let secret = answer
            .headers()
            .get("x-subject-token")
            .filter(|v| !v.is_empty() && v.to_str().is_ok_and(is_header_text))
            .and_then(|v| v.to_str().ok())
            .and_then(super::sensitive)
            .ok_or_else(|| {
                self.failed(IamFailure::InvalidResponse(
                    "the answer has no usable X-Subject-Token header".to_owned(),
                ))
            })?;
        let token = answer.into_inner().token;
        let lifetime = lifetime(&token.expires_at, token.issued_at.as_deref())
            .map_err(|reason| self.failed(IamFailure::InvalidResponse(reason)))?;
        Ok(Token {
            header: secret,
            expires: sent + lifetime,
            project_id: token.project.map(|p| p.id),
        })
    }

    /// The project the token is scoped to.
    fn project_of(&self, token: &Token) -> Result<ProjectId, IamError> {
        let id = token
            .project_id
            .as_deref()
            .ok_or_else(|| self.failed(IamFailure::Unscoped))?;
        ProjectId::try_from(id).map_err(|_| {
            self.failed(IamFailure::InvalidResponse(format!(
                "the token's project ID {id:?} is not a project ID"
            )))
        })
    }

    fn failed(&self, failure: IamFailure) -> IamError {
        IamError::Login {
            user: self.user.clone(),
            domain: self.domain.clone(),
            auth_url: self.auth_url.clone(),
            failure,
        }
    }
}

impl Lookup {
    /// The ID of the one project of the name: `GET {auth_url}/projects?name=...`.
    async fn find(&self) -> Result<ProjectId, IamError> {
        let failed = |failure| IamError::Project {
            name: self.name.clone(),
            auth_url: self.auth_url.clone(),
            failure,
        };
        debug!(
            name = self.name,
            auth_url = self.auth_url,
            "looking up a project"
        );
        let answer = self
            .client
            .list_projects()
            .name(self.name.as_str())
            .send()
            .await
            .map_err(|e| failed(failure_of(e)))?;
        let found: Vec<_> = answer
            .into_inner()
            .projects
            .into_iter()
            .filter(|p| p.name == self.name)
            .collect();
        match found.as_slice() {
            [] => Err(failed(IamFailure::NoProject)),
            [one] => ProjectId::try_from(one.id.as_str()).map_err(|_| {
                failed(IamFailure::InvalidResponse(format!(
                    "the project's ID {:?} is not a project ID",
                    one.id
                )))
            }),
            several => Err(failed(IamFailure::SeveralProjects(several.len()))),
        }
    }
}

/// Whether a token can go into a header as it is (visible ASCII).
fn is_header_text(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_graphic()) && HeaderValue::from_str(value).is_ok()
}

/// A token's lifetime: from `issued_at` (else now) to `expires_at`, both RFC 3339.
fn lifetime(expires_at: &str, issued_at: Option<&str>) -> Result<std::time::Duration, String> {
    use time::{OffsetDateTime, format_description::well_known::Rfc3339};
    let parse = |field: &str, value: &str| {
        OffsetDateTime::parse(value, &Rfc3339)
            .map_err(|e| format!("the token's {field} {value:?} is not an RFC 3339 time: {e}"))
    };
    let expires = parse("expires_at", expires_at)?;
    let issued = match issued_at {
        Some(issued) => parse("issued_at", issued)?,
        None => OffsetDateTime::from(SystemTime::now()),
    };
    Ok((expires - issued).try_into().unwrap_or_default())
}

/// What an IAM call's error says, without the request (whose body may carry a password).
fn failure_of(error: iam_generated::Error<types::KeystoneError>) -> IamFailure {
    use progenitor_client::Error as E;
    let reason_of = |status: reqwest::StatusCode| {
        status
            .canonical_reason()
            .unwrap_or("unknown status")
            .to_owned()
    };
    match error {
        E::ErrorResponse(answer) => {
            let status = answer.status();
            let detail = &answer.error;
            let message = detail
                .message
                .clone()
                .or_else(|| detail.title.clone())
                .unwrap_or_else(|| reason_of(status));
            IamFailure::Status {
                status: status.as_u16(),
                message,
            }
        }
        E::UnexpectedResponse(answer) => IamFailure::Status {
            status: answer.status().as_u16(),
            message: reason_of(answer.status()),
        },
        E::CommunicationError(e) | E::ResponseBodyError(e) => IamFailure::Transport {
            retryable: crate::runtime::retry::is_retryable_transport(&e),
            reason: crate::error::with_cause(&e),
        },
        E::InvalidResponsePayload(_, e) => IamFailure::InvalidResponse(e.to_string()),
        other => IamFailure::InvalidResponse(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifetime_is_counted_from_issued_at() {
        let lifetime = lifetime(
            "2026-12-03T10:00:00.000000Z",
            Some("2026-12-02T10:00:00.000000Z"),
        );
        assert_eq!(lifetime, Ok(std::time::Duration::from_secs(86_400)));
        assert!(lifetime_err("yesterday"));
    }

    fn lifetime_err(value: &str) -> bool {
        lifetime(value, None).is_err_and(|e| e.contains("expires_at"))
    }
}
