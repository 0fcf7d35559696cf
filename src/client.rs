//! [`Client`] and its [`ClientBuilder`].

use std::{sync::Arc, time::Duration};

use crate::{
    Credentials, Error, RetryPolicy, auth, generated, hooks::Context, schema, types::ProjectId,
    validation::Violations,
};

/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time for a whole request, from sending to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client of the VPC Endpoint API of one project, at one endpoint.
///
/// Cheap to clone; clones share the connection pool.
///
/// ```
/// let client = otc_vpcep::Client::builder()
///     .region("eu-de")
///     .project_id("6e9dfd51d1124e8d8498dce894923a0d")
///     .build()?;
/// assert_eq!(client.endpoint(), "https://vpcep.eu-de.otc.t-systems.com");
/// # Ok::<(), otc_vpcep::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    raw: generated::Client,
    project_id: ProjectId,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The generated client underneath, for callers who want the raw operations.
    pub fn raw(&self) -> &generated::Client {
        &self.raw
    }

    /// The base URL requests go to, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        progenitor_client::ClientInfo::<Context>::baseurl(&self.raw)
    }

    /// The project whose services this client changes.
    pub fn project_id(&self) -> &ProjectId {
        &self.project_id
    }

    /// The retry policy of every call.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &progenitor_client::ClientInfo::<Context>::inner(&self.raw).retry
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    project_id: Option<String>,
    credentials: Option<Credentials>,
    /// Why [`from_env`](Self::from_env) found no usable credentials.
    credentials_problems: Violations,
    allow_insecure_http: bool,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
}

impl ClientBuilder {
    /// Starts from the environment: credentials, `OS_PROJECT_ID` and `OS_REGION_NAME`.
    ///
    /// Credentials come from the first of these that has any of its variables set (empty
    /// counts as unset):
    /// 1. `OS_AUTH_TOKEN`: an IAM token;
    /// 2. `OS_ACCESS_KEY` + `OS_SECRET_KEY`, with `OS_SECURITY_TOKEN` for temporary credentials;
    /// 3. `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK`.
    ///
    /// Missing or half-set credentials are reported by [`build`](Self::build), unless
    /// [`credentials`](Self::credentials) replaces them. Any setting made after this call
    /// overrides the environment's.
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
    /// let client = otc_vpcep::ClientBuilder::from_env_with(|name| vars.get(name).map(|v| v.to_string()))
    ///     .build()?;
    /// assert_eq!(client.endpoint(), "https://vpcep.eu-nl.otc.t-systems.com");
    /// # Ok::<(), otc_vpcep::Error>(())
    /// ```
    pub fn from_env_with(lookup: impl FnMut(&str) -> Option<String>) -> Self {
        let settings = auth::env::read(lookup);
        Self {
            region: settings.region,
            project_id: settings.project_id,
            credentials: settings.credentials,
            credentials_problems: settings.problems,
            ..Self::default()
        }
    }

    /// Sends requests to the Open Telekom Cloud region `region` (`eu-de`, `eu-nl`), that is to
    /// `https://vpcep.{region}.otc.t-systems.com`. [`endpoint`](Self::endpoint) overrides it.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends requests to this base URL, for example `https://vpcep.ap-southeast-1.myhuaweicloud.com`
    /// for Huawei Cloud, or a local emulator. Takes precedence over [`region`](Self::region).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The project whose services the client changes (required).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// How requests authenticate. Without credentials, requests are sent unauthenticated.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self.credentials_problems = Violations::default();
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

    /// Switches retries off: every call makes exactly one attempt.
    pub fn no_retries(self) -> Self {
        self.max_attempts(1)
    }

    /// Checks the configuration, reporting every problem at once, and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let mut violations = Violations::default();
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(url), _) => checked_endpoint(&mut violations, url),
            (None, Some(region)) => checked_region(&mut violations, region)
                .map(|region| format!("https://vpcep.{region}.otc.t-systems.com")),
            (None, None) => {
                violations.push("endpoint", "is required: set a region or an endpoint URL");
                None
            }
        };
        let project_id = match &self.project_id {
            Some(id) => checked_project_id(&mut violations, id),
            None => {
                violations.push("project_id", "is required");
                None
            }
        };
        for problem in &self.credentials_problems {
            violations.push(problem.field.clone(), problem.rule.clone());
        }
        if let Some(credentials) = &self.credentials {
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
        let (Some(endpoint), Some(project_id), true) =
            (endpoint, project_id, violations.is_empty())
        else {
            return Err(Error::InvalidConfig(violations));
        };
        let http = reqwest::Client::builder()
            .user_agent(concat!("otc-vpcep/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            // A redirect would carry the credentials to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(Error::Transport)?;
        Ok(Client {
            raw: generated::Client::new_with_client(
                &endpoint,
                http,
                Context {
                    credentials: self.credentials.map(Arc::new),
                    project_id: project_id.as_str().into(),
                    retry,
                    attempt_timeout: Some(timeout),
                },
            ),
            project_id,
        })
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

/// Whether credentials may go to `endpoint` (a checked URL): over https, or to a loopback host.
fn is_safe_for_credentials(endpoint: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(endpoint) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    url.scheme() == "https"
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A region name: lower-case letters and digits in groups joined by `-`.
fn checked_region<'r>(violations: &mut Violations, region: &'r str) -> Option<&'r str> {
    let valid = !region.is_empty()
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !valid {
        violations.push(
            "region",
            format!("{region:?} is not a region name such as \"eu-de\""),
        );
    }
    valid.then_some(region)
}

/// An `http` or `https` URL with a host and no query or fragment, without a trailing `/`.
fn checked_endpoint(violations: &mut Violations, url: &str) -> Option<String> {
    let problem = match reqwest::Url::parse(url) {
        Err(e) => format!("is not a URL ({e})"),
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") => {
            "is not an http or https URL".to_owned()
        }
        Ok(parsed) if parsed.query().is_some() || parsed.fragment().is_some() => {
            "must not have a query or a fragment".to_owned()
        }
        Ok(parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            "must not carry credentials".to_owned()
        }
        Ok(parsed) => return Some(parsed.as_str().trim_end_matches('/').to_owned()),
    };
    // The URL is not shown: it could carry credentials.
    violations.push("endpoint", problem);
    None
}
