//! [`ClientBuilder`]: a client's settings from the builder, the environment and clouds.yaml,
//! checked all at once, and the client built from them.

use std::{path::PathBuf, sync::Arc, time::Duration};

use super::{Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
use crate::{
    CloudsSearch, Credentials, Error, Pacing, RetryBudget, RetryPolicy,
    auth::{
        self, DEFAULT_TOKEN_REFRESH_MARGIN,
        session::{self, Session},
    },
    config::{
        clouds::{Choice, Given},
        env,
        sources::{self, Resolved, Settings},
        tls::TrustedCas,
        url::{checked_region, checked_url, is_safe_for_credentials},
    },
    operations::lock::ServiceLocks,
    runtime::{guards::SharedGuards, hooks::Context},
    spec::{generated, schema, validation::Violations},
    types::ProjectId,
};

/// Configures a [`Client`]; see [`Client::builder`].
///
/// Settings come from three sources, in this order of precedence: what is set on the builder,
/// then the environment ([`from_env`](Self::from_env)), then the named cloud of clouds.yaml
/// ([`cloud`](Self::cloud), `OS_CLOUD`). The files are read by [`build`](Self::build).
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    /// What is set on the builder itself.
    explicit: Settings,
    /// What the environment said, with [`from_env`](Self::from_env).
    env: Option<Settings>,
    /// Which cloud of clouds.yaml to read, and where.
    cloud: Choice,
    allow_insecure_http: bool,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    token_refresh_margin: Option<Duration>,
    /// The client-wide guards: budget, pacing, in-flight cap (`runtime::guards`).
    guards: GuardSettings,
}

impl ClientBuilder {
    /// Starts from the environment, and from the cloud of clouds.yaml that `OS_CLOUD` names.
    ///
    /// Credentials come from the first of these that has any of its variables set (empty
    /// counts as unset):
    /// 1. `OS_AUTH_TOKEN`: an IAM token;
    /// 2. `OS_ACCESS_KEY` + `OS_SECRET_KEY`, with `OS_SECURITY_TOKEN` for temporary credentials;
    /// 3. `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK`;
    /// 4. `OS_USERNAME` + `OS_PASSWORD` + `OS_USER_DOMAIN_NAME` (or `OS_DOMAIN_NAME`): a
    ///    password login at `OS_AUTH_URL` (see
    ///    [`token_refresh_margin`](Self::token_refresh_margin));
    ///
    /// and, when the environment has none, from the named cloud. The project comes from
    /// `OS_PROJECT_ID` (or `OS_PROJECT_NAME`), the region from `OS_REGION_NAME`, the IAM
    /// endpoint from `OS_AUTH_URL`, extra CA certificates from `OS_CACERT`; clouds.yaml is
    /// looked for as [`CloudsSearch`] says, after `OS_CLIENT_CONFIG_FILE`.
    ///
    /// Missing or half-set credentials are reported by [`build`](Self::build), unless
    /// [`credentials`](Self::credentials) replaces them. Any setting made on the builder
    /// overrides the environment's, which overrides the cloud's.
    ///
    /// ```no_run
    /// let client = otc_vpcep::ClientBuilder::from_env().build()?;
    /// # Ok::<(), otc_vpcep::Error>(())
    /// ```
    pub fn from_env() -> Self {
        Self::from_env_with(|name| {
            std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
        })
    }

    /// Like [`from_env`](Self::from_env), but reads each variable through `lookup` (which
    /// answers a variable's value, if it is set) instead of the process environment.
    ///
    /// ```
    /// use std::collections::HashMap;
    ///
    /// let vars = HashMap::from([
    ///     ("OS_ACCESS_KEY", "AK"),
    ///     ("OS_SECRET_KEY", "SK"),
    ///     ("OS_PROJECT_ID", "6e9dfd51d1124e8d8498dce894923a0d"),
    ///     ("OS_REGION_NAME", "eu-nl"),
    /// ]);
    /// let lookup = |name: &str| vars.get(name).map(|v| v.to_string());
    /// let client = otc_vpcep::ClientBuilder::from_env_with(lookup).build()?;
    /// assert_eq!(client.endpoint(), "https://vpcep.eu-nl.otc.t-systems.com");
    /// # Ok::<(), otc_vpcep::Error>(())
    /// ```
    ///
    /// The clouds.yaml search reads `HOME` and `XDG_CONFIG_HOME` through `lookup` too; the
    /// current directory is the process's ([`clouds_search`](Self::clouds_search) replaces
    /// the directories). Proxies (`HTTPS_PROXY`, `NO_PROXY`, ...) are read by reqwest from the
    /// process environment, not through `lookup`.
    pub fn from_env_with(lookup: impl FnMut(&str) -> Option<String>) -> Self {
        let (settings, cloud) = env::read(lookup);
        Self {
            env: Some(settings),
            cloud,
            ..Self::default()
        }
    }

    /// Uses the cloud `name` of clouds.yaml (instead of `OS_CLOUD`); see
    /// [`clouds_file`](Self::clouds_file) and [`clouds_search`](Self::clouds_search) for
    /// where the file is found. Its settings come after the builder's and the environment's.
    pub fn cloud(mut self, name: impl Into<String>) -> Self {
        self.cloud.name = Some(Given {
            value: name.into(),
            origin: "cloud",
        });
        self
    }

    /// Reads clouds from this file (instead of `OS_CLIENT_CONFIG_FILE` and the search); it
    /// must exist. A `secure.yaml` (`.yml`, `.json`) beside it is merged over it. Without a
    /// [`cloud`](Self::cloud) name (nor `OS_CLOUD`), the file must have exactly one cloud.
    pub fn clouds_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.cloud.file = Some(Given {
            value: path.into(),
            origin: "clouds_file",
        });
        self
    }

    /// Where clouds.yaml and secure.yaml are looked for (default
    /// [`CloudsSearch::standard`], or with [`from_env_with`](Self::from_env_with) its
    /// lookup's `HOME`).
    pub fn clouds_search(mut self, search: CloudsSearch) -> Self {
        self.cloud.search = Some(search);
        self
    }

    /// Sends requests to the Open Telekom Cloud region `region` (`eu-de`, `eu-nl`), that is to
    /// `https://vpcep.{region}.otc.t-systems.com`. [`endpoint`](Self::endpoint) overrides it.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.explicit.region = Some(region.into());
        self
    }

    /// Sends requests to this base URL, for example
    /// `https://vpcep.ap-southeast-1.myhuaweicloud.com` for Huawei Cloud, or a local emulator.
    /// Takes precedence over [`region`](Self::region).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.explicit.endpoint = Some(url.into());
        self
    }

    /// The project whose services the client changes (required).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.explicit.project_id = Some(project_id.into());
        self
    }

    /// The project, by name (`eu-de_myproject`), when its ID is not known. A password login
    /// scopes its token to it (and the token gives the ID); other credentials look the ID up
    /// at IAM (`GET /v3/projects?name=`) on first use, once per client. With neither a
    /// project ID nor a name, the project named after the region is used (the provider's
    /// "project name = region" convention: `eu-de`).
    pub fn project_name(mut self, name: impl Into<String>) -> Self {
        self.explicit.project_name = Some(name.into());
        self
    }

    /// The IAM endpoint (`auth_url`), for a password login and for finding a project's ID
    /// from its name (default `https://iam.{region}.otc.t-systems.com/v3`). Like the
    /// endpoint, it must be https or a loopback host (see
    /// [`allow_insecure_http`](Self::allow_insecure_http)).
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.explicit.auth_url = Some(url.into());
        self
    }

    /// How requests authenticate; replaces any credentials of the environment or a cloud.
    /// Without credentials from any source, requests are sent unauthenticated (with
    /// [`from_env`](Self::from_env) or a cloud, that is an error: see
    /// [`no_credentials`](Self::no_credentials)).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.explicit.credentials = Some(credentials);
        self.explicit.has_credentials = true;
        self
    }

    /// Sends requests without credentials, whatever the environment or a cloud says (for a
    /// gateway that adds them, or to print requests without sending them).
    pub fn no_credentials(mut self) -> Self {
        self.explicit.credentials = None;
        self.explicit.has_credentials = true;
        self
    }

    /// Trusts the CA certificates of this PEM text (one certificate or a bundle) besides the
    /// system's, for a private CA or a TLS-intercepting proxy; may be called more than once.
    /// Replaces `OS_CACERT` and clouds.yaml's `cacert`. A text that holds no usable
    /// certificate is refused by [`build`](Self::build).
    pub fn ca_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.explicit
            .cas
            .get_or_insert_with(TrustedCas::default)
            .push_pem("ca_certificate_pem", pem);
        self
    }

    /// **Dangerous**: accepts any server certificate, expired, self-signed or for another
    /// host, so that anyone on the network path can read and change the traffic, credentials
    /// included. Off by default; clouds.yaml's `verify: false` turns it on too. Only for
    /// tests against servers you control: prefer [`ca_certificate_pem`](Self::ca_certificate_pem).
    /// Every client built with it logs a warning.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.explicit.verify = Some(!accept);
        self
    }

    /// Whether credentials may be sent over plain `http://` to a host that is not a loopback
    /// address (`localhost`, `127.0.0.0/8`, `::1`). Off by default: [`build`](Self::build)
    /// refuses such an endpoint, because the token or signed requests would travel in clear
    /// text. Only for tests against servers you control.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The timeout of one attempt, from sending to the last byte of the answer (default
    /// [`DEFAULT_TIMEOUT`]). It is cut to what is left of the retry policy's total budget.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time to establish a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Which failures are retried, how long to wait between attempts, and the time budget of a
    /// call (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The number of attempts per call, the first one included (default
    /// [`DEFAULT_MAX_ATTEMPTS`](crate::DEFAULT_MAX_ATTEMPTS)); keeps the rest of the policy.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry = Some(self.retry.unwrap_or_default().with_max_attempts(attempts));
        self
    }

    /// How long before a password login's token expires a new one is fetched (default
    /// [`DEFAULT_TOKEN_REFRESH_MARGIN`], 5 minutes; tokens live 24 hours). The token is
    /// cached per client (never on disk) and shared by its clones; concurrent calls wait for
    /// one login. A margin as long as the token's lifetime logs in for every call.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = Some(margin);
        self
    }

    /// Switches retries off: every call makes exactly one attempt.
    pub fn no_retries(self) -> Self {
        self.max_attempts(1)
    }

    /// The retry budget of this client and its clones (default [`RetryBudget::default`]: 500
    /// tokens, 5 a retry, 10 a retry after a timeout, 1 back per success). Clients built with
    /// clones of one budget share it too.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.guards.budget = BudgetSetting::Budget(budget);
        self
    }

    /// Switches the retry budget off: every call retries as its [`RetryPolicy`] allows,
    /// however many others are failing.
    pub fn no_retry_budget(mut self) -> Self {
        self.guards.budget = BudgetSetting::Off;
        self
    }

    /// Whether the client as a whole sends more slowly after a rate-limit answer (HTTP 400
    /// `EndPoint.0022`) and grows back after (default on; see [`Pacing`]). It delays nothing
    /// until the rate limit answers.
    pub fn pacing(mut self, on: bool) -> Self {
        self.guards.pacing = Some(on);
        self
    }

    /// At most `requests` requests of this client and its clones in flight at once (default:
    /// no cap); the others wait for a place, within their call's time budget.
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.guards.max_in_flight = Some(requests);
        self
    }

    /// Checks the configuration, reporting every problem at once, and builds the client.
    ///
    /// This is where clouds.yaml and secure.yaml are read (when a cloud is named) and where
    /// the precedence is applied: the builder, then the environment, then the cloud.
    pub fn build(self) -> Result<Client, Error> {
        let mut violations = Violations::default();
        let resolved = self.resolved(&mut violations);
        let endpoint = endpoint(&resolved, &mut violations);
        // Password login and finding a project by name: IAM's part.
        let need = auth::iam_plan::needs(&resolved, self.allow_insecure_http, &mut violations);
        let project_id = resolved
            .project_id
            .as_ref()
            .and_then(|id| checked_project_id(&mut violations, &id.value));
        let credentials = resolved.credentials.as_ref().map(|c| c.value.clone());
        if let Some(credentials) = &credentials {
            credentials.check(&mut violations);
            if let Some(endpoint) = &endpoint
                && !self.allow_insecure_http
                && !is_safe_for_credentials(endpoint)
            {
                violations.push(
                    "endpoint",
                    "is plain http to a host that is not a loopback address: credentials \
                     would travel in clear text; use https (allow_insecure_http(true) lifts \
                     this, for tests)",
                );
            }
        }
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        for (field, value) in [("timeout", timeout), ("connect_timeout", connect_timeout)] {
            if value.is_zero() {
                violations.push(field, "must be more than zero");
            }
        }
        let retry = self.retry.unwrap_or_default();
        retry.check(&mut violations);
        let guards = self.guards.built(&mut violations);
        let certificates = resolved.cas.load("ca_certificates", &mut violations);
        let (Some(endpoint), true) = (endpoint, violations.is_empty()) else {
            return Err(Error::InvalidConfig(violations));
        };
        let http = http_client(&endpoint, &resolved, certificates, timeout, connect_timeout)?;
        let credentials = credentials.map(Arc::new);
        let session = Session::new(session::Parts {
            project_id,
            need,
            credentials: credentials.as_ref(),
            http: &http,
            retry: &retry,
            refresh_margin: self
                .token_refresh_margin
                .unwrap_or(DEFAULT_TOKEN_REFRESH_MARGIN),
        });
        let context = Context {
            authorization: auth::Authorization::new(credentials),
            session: Arc::new(session),
            retry,
            attempt_timeout: Some(timeout),
            guards,
        };
        Ok(Client {
            raw: generated::Client::new_with_client(&endpoint, http, context),
            locks: ServiceLocks::default(),
        })
    }

    /// The settings that count, each from the source that wins for it (the builder, the
    /// environment, the cloud), with every problem of the sources recorded.
    fn resolved(&self, violations: &mut Violations) -> Resolved {
        let mut sources = vec![Settings {
            origin: "the builder".to_owned(),
            ..self.explicit.clone()
        }];
        sources.extend(self.env.clone());
        let cloud = self.cloud.load(violations);
        let cloud_origin = cloud.as_ref().map(|c| c.origin.clone());
        sources.extend(cloud);
        let resolved = sources::resolve(&sources, violations);
        let configured = self.env.is_some() || self.cloud.is_named();
        // A named cloud that could not be read has said why already.
        let cloud_failed = self.cloud.is_named() && cloud_origin.is_none();
        if configured && !resolved.credentials_set && !cloud_failed {
            violations.push("credentials", env::no_credentials(cloud_origin.as_deref()));
        }
        resolved
    }
}

/// The base URL of the API: the endpoint that won, else the region's, checked.
fn endpoint(resolved: &Resolved, violations: &mut Violations) -> Option<String> {
    match (&resolved.endpoint, &resolved.endpoint_region) {
        (Some(url), _) => checked_url(violations, "endpoint", url),
        (None, Some(region)) => checked_region(violations, region)
            .map(|region| format!("https://vpcep.{region}.otc.t-systems.com")),
        (None, None) => {
            violations.push("endpoint", "is required: set a region or an endpoint URL");
            None
        }
    }
}

/// The HTTP client of every call: its timeouts, no redirects, the CAs to trust, and whether
/// certificates are verified (a warning when they are not).
fn http_client(
    endpoint: &str,
    resolved: &Resolved,
    certificates: Vec<reqwest::Certificate>,
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client, Error> {
    if !resolved.verify {
        tracing::warn!(
            endpoint = %endpoint,
            "server certificates are NOT verified (danger_accept_invalid_certs, or verify: \
             false in clouds.yaml): anyone on the network path can read and change the \
             traffic, credentials included"
        );
    }
    // reqwest reads HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY from the process
    // environment here (its default): requests go through the proxy that applies.
    reqwest::Client::builder()
        .user_agent(concat!("otc-vpcep/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        // A redirect would carry the credentials to wherever it points.
        .redirect(reqwest::redirect::Policy::none())
        .tls_certs_merge(certificates)
        .tls_danger_accept_invalid_certs(!resolved.verify)
        .build()
        .map_err(Error::Transport)
}

/// The retry budget as the builder sets it.
#[derive(Clone, Debug, Default)]
enum BudgetSetting {
    /// Not set: the default budget ([`RetryBudget::default`]).
    #[default]
    Default,
    /// Switched off ([`ClientBuilder::no_retry_budget`]).
    Off,
    /// This budget ([`ClientBuilder::retry_budget`]).
    Budget(RetryBudget),
}

/// What the builder says of the client-wide guards; `None` is the default.
#[derive(Clone, Debug, Default)]
struct GuardSettings {
    budget: BudgetSetting,
    pacing: Option<bool>,
    max_in_flight: Option<usize>,
}

impl GuardSettings {
    /// The guards, with their defaults: a budget, pacing on, no cap.
    fn built(&self, violations: &mut Violations) -> SharedGuards {
        let budget = match &self.budget {
            BudgetSetting::Default => Some(RetryBudget::default()),
            BudgetSetting::Off => None,
            BudgetSetting::Budget(budget) => Some(budget.clone()),
        };
        if let Some(budget) = &budget {
            budget.check(violations);
        }
        let max = tokio::sync::Semaphore::MAX_PERMITS;
        if let Some(cap) = self.max_in_flight.filter(|c| !(1..=max).contains(c)) {
            violations.push(
                "max_in_flight",
                format!("{cap} must be at least 1 and at most {max}"),
            );
        }
        SharedGuards {
            budget,
            pacing: self.pacing.unwrap_or(true).then(Pacing::default),
            in_flight: self
                .max_in_flight
                .map(|cap| Arc::new(tokio::sync::Semaphore::new(cap.clamp(1, max)))),
        }
    }
}

/// `value` as the spec's project ID type, or `None` with the rule it breaks.
fn checked_project_id(violations: &mut Violations, value: &str) -> Option<ProjectId> {
    let converted = ProjectId::try_from(value).ok();
    if converted.is_none() {
        let value = serde_json::Value::String(value.to_owned());
        schema::check("ProjectId", "project_id", &value, violations);
    }
    converted
}
