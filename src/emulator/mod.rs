//! A local emulator of the VPCEP API (feature `emulator`): an axum server on a loopback
//! address with in-memory state, for trying the crate without an account and for testing
//! code that uses it offline.
//!
//! It serves every operation of the spec ([`crate::spec::ALL`]), routed from the spec's table: a
//! service owner's list, create, query, modify and delete of VPC endpoint services, their
//! connections and their approval, their whitelists, consumers' VPC endpoints (create, list, query,
//! delete), and the quotas, as the API reference documents them: it checks every documented rule
//! itself and answers the documented error codes with their HTTP status, and answers services with
//! their names decorated as `{region}.{name}.{id}`, as the live service does. Creates and deletes
//! are asynchronous, as on the live service: a new service is `creating`, a deleted one `deleting`,
//! for as long as [`EmulatorBuilder::create_time`] and [`EmulatorBuilder::delete_time`] say (zero
//! by default), on tokio's clock; projects have a quota of services
//! ([`EmulatorBuilder::service_quota`]). Every answer it gives is JSON (but a delete's, which has
//! no body) and carries an `X-Request-Id` (hyper answers a request it cannot parse itself; README
//! says where). A request needs an `X-Auth-Token` (any token, unless [`EmulatorBuilder::token`]
//! restricts them, or users are configured: then only the tokens it issued) or a valid AK/SK
//! signature (keys given with [`EmulatorBuilder::access_key`]), else it gets 401 `EndPoint.0003`.
//!
//! It serves IAM on the same address, under `/v3`: logins of the users given with
//! [`EmulatorBuilder::user`] (`POST /v3/auth/tokens`) and lookups of the projects given with
//! [`EmulatorBuilder::project`] (`GET /v3/projects?name=`); see [`EmulatorBuilder::token_ttl`],
//! [`Emulator::revoke_tokens`] and [`Emulator::iam_requests`]. Reads are bounded and
//! connections time out: see the constants and the builder's
//! [`header_read_timeout`](EmulatorBuilder::header_read_timeout) and following.
//!
//! Consumers live in other projects and domains (see [`EmulatorBuilder::project_domain`]; by
//! default [`DEFAULT_CONSUMER_PROJECT_ID`] in [`DEFAULT_CONSUMER_DOMAIN_ID`], and the documented
//! project in [`DOCUMENTED_DOMAIN_ID`]). An endpoint connects when its domain is whitelisted,
//! the whitelist has `*`, or it is the owner's own domain (implicitly whitelisted, not a listed
//! record), else `EndPoint.2012`; it waits in `pendingAcceptance` when the service requires
//! approval. One record serves both sides, so an accept or a reject shows on the consumer's
//! endpoint and the owner's connection at once; `connection_count` follows, and a connected
//! service is not deleted (`EndPoint.3006`). To test approval code offline, a consumer's
//! endpoint is one line ([`Emulator::connect_endpoint`]), a whitelist of any size another
//! ([`Emulator::add_permissions`]); [`Emulator::endpoint`] and [`Emulator::connections`] read
//! both sides, and [`Emulator::update_endpoint`] changes an endpoint as the provider would
//! (`failed`, say). The rules and choices are in the module's private files `consumers`,
//! `connect`, `approval`, `whitelist` and `endpoints`, and in README.
//!
//! To test waits and conflicts: services that become `available` after a delay
//! ([`EmulatorBuilder::service_available_after`]), a time a service settles after each modify
//! ([`EmulatorBuilder::settle_after_modify`]), and changes behind the clients' backs
//! ([`Emulator::update_service`]). To test lists: many services at once
//! ([`EmulatorBuilder::seed_count`]). To test faults: errors and delays before a request is
//! served ([`Emulator::fail_next`], [`Emulator::delay_next`], [`EmulatorBuilder::failure_rate`],
//! [`EmulatorBuilder::rate_limit`]), and answers lost after the change was made
//! ([`Emulator::lose_answers`]).
//!
//! ```
//! use otc_vpcep::{Client, Credentials, emulator::Emulator, types::Protocol};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! let client = Client::builder()
//!     .endpoint(emulator.base_url())
//!     .project_id(otc_vpcep::emulator::DOCUMENTED_PROJECT_ID)
//!     .credentials(Credentials::token("any-token"))
//!     .build()?;
//! let service = client
//!     .modify_endpoint_service(otc_vpcep::emulator::DOCUMENTED_SERVICE_ID)
//!     .service_name("test")
//!     .port(8081, 22, Protocol::Tcp)
//!     .send()
//!     .await?;
//! assert_eq!(
//!     service.service_name.as_deref(),
//!     Some("eu-de.test.4189d3c2-8882-4871-a3c2-d380272eed88")
//! );
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod approval;
mod bulk;
mod connect;
mod connection;
mod consumer_handlers;
mod consumers;
mod create;
mod endpoints;
mod errors;
mod guard;
mod handlers;
mod iam;
mod iam_state;
mod lifecycle;
mod limits;
mod list;
mod lost;
mod paging;
mod projects;
mod query;
mod quota;
mod routes;
mod server;
mod shared;
mod signature;
mod spec_limits;
mod state;
mod throttle;
mod tls;
mod validate;
mod whitelist;

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::http::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use tokio::{
    net::TcpListener,
    sync::{Semaphore, oneshot},
    task::JoinHandle,
};

use self::{
    endpoints::NewEndpoint,
    errors::{Code, Failure},
    iam_state::{Iam, IamConfig},
    lifecycle::Timing,
    limits::Limits,
    lost::LostAnswers,
    projects::Projects,
    quota::QuotaLimits,
    shared::{Access, Shared},
    state::{FaultKind, Store},
    throttle::{RateLimit, Throttle},
};
use crate::{
    OpenEnum,
    spec::Operation,
    types::{
        CidrType, Connection, EndpointService, EndpointServicePort, Protocol, ServerType,
        ServiceStatus, ServiceType, TcpProxy, VpcEndpoint,
    },
};

pub use self::{
    bulk::MAX_SEED_COUNT,
    endpoints::MAX_ENDPOINT_WHITELIST,
    iam_state::{DEFAULT_TOKEN_TTL, MAX_TOKEN_TTL},
    limits::{
        DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MAX_BODY_READS, DEFAULT_MAX_CONNECTIONS, DEFAULT_SHUTDOWN_TIMEOUT, MAX_BODY_BYTES,
        MAX_HEAD_BYTES, MAX_HEADERS,
    },
    lost::LostAnswer,
    projects::{
        DEFAULT_CONSUMER_DOMAIN_ID, DEFAULT_CONSUMER_PROJECT_ID, DOCUMENTED_DOMAIN_ID,
        DOCUMENTED_PROJECT_ID,
    },
    quota::{DEFAULT_ENDPOINT_QUOTA, DEFAULT_SERVICE_QUOTA},
    signature::MAX_CLOCK_SKEW,
    whitelist::DEFAULT_MAX_WHITELIST_RECORDS,
};

/// The service that the API reference's example request modifies.
pub const DOCUMENTED_SERVICE_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";
/// The region an emulator writes into decorated service names unless told otherwise.
pub const DEFAULT_REGION: &str = "eu-de";

/// What can go wrong when starting or seeding an emulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The address could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// A seeded service lacks an attribute the emulator needs, or has an invalid one.
    #[error("invalid seed service: {0}")]
    InvalidSeed(String),
    /// A setting of the builder cannot work (every problem, by the builder method's name).
    #[error("invalid emulator configuration: {}", .0.join("; "))]
    InvalidConfig(Vec<String>),
    /// The TLS certificate or key given to [`EmulatorBuilder::tls`] cannot be used.
    #[error("invalid TLS certificate or key: {0}")]
    InvalidTls(String),
    /// A test helper's change was refused by the API's rules, as the request would be.
    #[error("refused: {code}: {message}")]
    Refused {
        /// The documented error code, for example `EndPoint.2012`.
        code: String,
        /// The message, with what exactly is wrong.
        message: String,
    },
}

impl From<Failure> for EmulatorError {
    fn from(failure: Failure) -> Self {
        Self::Refused {
            code: failure.code,
            message: failure.message,
        }
    }
}

/// The service that the API reference's example request targets, as the emulator seeds it by
/// default: [`DOCUMENTED_SERVICE_ID`] in [`DOCUMENTED_PROJECT_ID`], `available`, with the other
/// attributes of the reference's example response (and the documented defaults `internal`
/// and `close` for `cidr_type` and `tcp_proxy`, which the example leaves out).
pub fn documented_service() -> EndpointService {
    let port = |client_port, server_port| EndpointServicePort {
        client_port: Some(client_port),
        server_port: Some(server_port),
        protocol: Some(OpenEnum::Known(Protocol::Tcp)),
    };
    let service = EndpointService::builder()
        .id(DOCUMENTED_SERVICE_ID.to_owned())
        .port_id("4189d3c2-8882-4871-a3c2-d380272eed88".to_owned())
        .vpc_id("4189d3c2-8882-4871-a3c2-d380272eed80".to_owned())
        .pool_id("5289d3c2-8882-4871-a3c2-d380272eed80".to_owned())
        .status(OpenEnum::Known(ServiceStatus::Available))
        .approval_enabled(false)
        .service_name("test123".to_owned())
        .service_type(OpenEnum::Known(ServiceType::Interface))
        .server_type(OpenEnum::Known(ServerType::Vm))
        .project_id(DOCUMENTED_PROJECT_ID.to_owned())
        .created_at("2018-01-30T07:42:01.174".to_owned())
        .cidr_type(OpenEnum::Known(CidrType::Internal))
        .tcp_proxy(OpenEnum::Known(TcpProxy::Close))
        .ports(vec![port(8080, 90), port(8081, 80)]);
    // Every required field (the id) is set, so the conversion cannot fail.
    service
        .try_into()
        .unwrap_or_else(|_| unreachable!("the documented service has an id"))
}

/// Configures an [`Emulator`]; see [`Emulator::builder`].
#[derive(Debug)]
#[must_use]
pub struct EmulatorBuilder {
    address: SocketAddr,
    region: String,
    access: Access,
    /// The services to seed, each with the time after which it becomes `available`, if any.
    services: Vec<(EndpointService, Option<Duration>)>,
    /// How many services to generate in the documented project.
    seed_count: usize,
    timing: Timing,
    quotas: QuotaLimits,
    /// The answers to lose: operation, how many, how.
    lost: Vec<(&'static Operation, usize, LostAnswer)>,
    limits: Limits,
    allow_any_token: bool,
    /// IAM's users, projects and token lifetime.
    iam: IamConfig,
    rate_limit: Option<RateLimit>,
    failure_rate: f64,
    /// HTTPS instead of plain HTTP, or why the certificate or key cannot be used.
    tls: Option<Result<tls::TlsConfig, String>>,
    /// The projects and their domains.
    projects: Projects,
    /// The most records of a service's whitelist.
    max_whitelist_records: usize,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            address: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            region: DEFAULT_REGION.to_owned(),
            access: Access::default(),
            services: vec![(documented_service(), None)],
            seed_count: 0,
            timing: Timing::default(),
            quotas: QuotaLimits::default(),
            lost: Vec::new(),
            limits: Limits::default(),
            allow_any_token: false,
            iam: IamConfig::default(),
            rate_limit: None,
            failure_rate: 0.0,
            tls: None,
            projects: Projects::default(),
            max_whitelist_records: DEFAULT_MAX_WHITELIST_RECORDS,
        }
    }
}

impl EmulatorBuilder {
    /// Listens on this address (default `127.0.0.1:0`: a free port on the loopback). Beyond
    /// the loopback, [`start`](Self::start) needs a [`token`](Self::token) or
    /// [`allow_any_token`](Self::allow_any_token).
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Lets an emulator without any [`token`](Self::token), which accepts every token, listen
    /// beyond the loopback (refused by default: anyone who reaches it could change its state).
    pub fn allow_any_token(mut self, allow: bool) -> Self {
        self.allow_any_token = allow;
        self
    }

    /// How long a request's headers may take, from the connection's opening or from the first
    /// byte of a later request (default [`DEFAULT_HEADER_READ_TIMEOUT`], 10 s). A connection past
    /// it is closed without an answer.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_read_timeout = timeout;
        self
    }

    /// How long a kept-alive connection may wait after an answer for the next request (default
    /// [`DEFAULT_IDLE_TIMEOUT`], 60 s); then it is closed.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// How long a request's body may take after its headers, waiting for a turn included
    /// (default [`DEFAULT_BODY_READ_TIMEOUT`], 30 s); past it the answer is 408 `EndPoint.0002`
    /// and the connection is closed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_read_timeout = timeout;
        self
    }

    /// How many connections are served at once (default [`DEFAULT_MAX_CONNECTIONS`], 256);
    /// more wait in the listen queue until one closes. Keep it below the process's descriptor
    /// limit (`ulimit -n`).
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.limits.max_connections = connections;
        self
    }

    /// How many request bodies are read at once (default [`DEFAULT_MAX_BODY_READS`], 32, so at
    /// most 32 MiB of bodies in memory); more wait for a turn within the body-read timeout, then
    /// get 503 `EndPoint.0001`.
    pub fn max_body_reads(mut self, bodies: usize) -> Self {
        self.limits.max_body_reads = bodies;
        self
    }

    /// How long [`Emulator::shutdown`] (and dropping the emulator) lets requests in flight
    /// finish before it closes their connections (default [`DEFAULT_SHUTDOWN_TIMEOUT`], 5 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.limits.shutdown_timeout = timeout;
        self
    }

    /// The region written into decorated service names (default [`DEFAULT_REGION`]).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Accepts this token (may be called more than once); an empty one is refused by
    /// [`start`](Self::start). Without any, every non-empty token is accepted. Tokens are
    /// compared in constant time.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.access.tokens.push(SecretString::from(token.into()));
        self
    }

    /// Accepts requests signed (`SDK-HMAC-SHA256`) with this access key and secret key (may
    /// be called more than once). Without any, every signed request is refused.
    pub fn access_key(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.access
            .keys
            .insert(access_key.into(), SecretString::from(secret_key.into()));
        self
    }

    /// Lets this user log in at `POST /v3/auth/tokens` with this password, in the domain
    /// (account) named `domain` (may be called more than once). With any user configured, the
    /// VPCEP routes accept only the tokens the emulator issued that have not expired (and any
    /// configured with [`token`](Self::token)).
    pub fn user(
        mut self,
        name: impl Into<String>,
        password: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        self.iam.users.push(iam_state::User {
            name: name.into(),
            password: SecretString::from(password.into()),
            domain: domain.into(),
        });
        self
    }

    /// A project that logins may be scoped to and `GET /v3/projects?name=` finds (may be
    /// called more than once; two projects of one name make a lookup of it ambiguous).
    pub fn project(mut self, name: impl Into<String>, id: impl Into<String>) -> Self {
        self.iam.projects.push(iam_state::Project {
            name: name.into(),
            id: id.into(),
        });
        self
    }

    /// How long the tokens the emulator issues are valid (default [`DEFAULT_TOKEN_TTL`], 24
    /// hours, at most [`MAX_TOKEN_TTL`]), on tokio's clock.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.iam.token_ttl = ttl;
        self
    }

    /// Starts without any service (by default the [`documented_service`] is seeded).
    pub fn empty(mut self) -> Self {
        self.services.clear();
        self
    }

    /// Seeds this service too (see [`Emulator::seed`] for what it needs).
    pub fn service(mut self, service: EndpointService) -> Self {
        self.services.push((service, None));
        self
    }

    /// Seeds this service too, `creating` (unless it has another status that is not
    /// `available`), and makes it `available` once `delay` has passed since the start (see
    /// [`Emulator::seed_available_after`]).
    pub fn service_available_after(mut self, service: EndpointService, delay: Duration) -> Self {
        self.services.push((service, Some(delay)));
        self
    }

    /// After each modify, the service is `creating` for this long (answering `GET` so, and
    /// refusing another modify with `EndPoint.3045`), then `available` again. Default zero:
    /// the provider documents no such time, and the service stays `available`.
    pub fn settle_after_modify(mut self, time: Duration) -> Self {
        self.timing.settle_after_modify = time;
        self
    }

    /// A new service is `creating` for this long after its create (answering `GET` and lists
    /// so, and refusing a modify with `EndPoint.3045`), then `available`. Default zero: the
    /// create answers `creating`, and the service is `available` from the next request on. The
    /// provider's service takes 1 to 2 minutes; the time is counted on tokio's clock, so a test
    /// with a paused clock moves it on with `tokio::time::advance`.
    pub fn create_time(mut self, time: Duration) -> Self {
        self.timing.create_time = time;
        self
    }

    /// A deleted service is `deleting` for this long (answering `GET` and lists so, refusing a
    /// modify with `EndPoint.3045`, still counting against the quota), then gone: `GET`
    /// answers 404 `EndPoint.0005`. Default zero: gone at once. Counted on tokio's clock.
    pub fn delete_time(mut self, time: Duration) -> Self {
        self.timing.delete_time = time;
        self
    }

    /// How many VPC endpoint services each project may have (default
    /// [`DEFAULT_SERVICE_QUOTA`], 20, the provider's); a create past it is refused with 400
    /// `Endpoint.1018` (spelled so, as the error code table does). Every service counts,
    /// whatever its status; seeded ones too, though seeding is never refused.
    pub fn service_quota(mut self, quota: u64) -> Self {
        self.quotas.services = quota;
        self
    }

    /// The quota of VPC endpoints `GET /v1/{project_id}/quotas` answers (default
    /// [`DEFAULT_ENDPOINT_QUOTA`], 50, the provider's); the emulator has no endpoints yet.
    pub fn endpoint_quota(mut self, quota: u64) -> Self {
        self.quotas.endpoints = quota;
        self
    }

    /// Seeds `count` generated services too (at most [`MAX_SEED_COUNT`]), in
    /// [`DOCUMENTED_PROJECT_ID`], for trying lists and pagination: service `n` (from 1) has the
    /// ID `00000000-0000-4000-8000-{n:012x}`, the name `seed-{n}`, its own `port_id`, is
    /// `available`, and was created at 2024-01-01T00:00:00Z plus `n / 3` seconds (so every
    /// three share a time). 10,000 take a few milliseconds to make.
    pub fn seed_count(mut self, count: usize) -> Self {
        self.seed_count = count;
        self
    }

    /// Loses the answers of the first `times` requests of `operation` (one of
    /// [`crate::spec::ALL`]) that it carries out, `how` (see [`Emulator::lose_answers`]).
    pub fn lose_answers(
        mut self,
        operation: &'static Operation,
        times: usize,
        how: LostAnswer,
    ) -> Self {
        self.lost.push((operation, times, how));
        self
    }

    /// Limits each project to `per_second` requests per second on average and `burst` at
    /// once (a token bucket per project, full at the start); past it, requests are answered
    /// 400 `EndPoint.0022` with the documented message, as the service does, before
    /// authentication and without any change. Default: no limit (the provider documents the
    /// code, not its limits).
    pub fn rate_limit(mut self, per_second: f64, burst: u32) -> Self {
        self.rate_limit = Some(RateLimit { per_second, burst });
        self
    }

    /// Answers this share of requests (0 to 1, drawn at random for each) with 503
    /// `EndPoint.0001`, before authentication and before anything is changed; after the rate
    /// limit, so a request refused by it does not count. Default 0: none.
    pub fn failure_rate(mut self, share: f64) -> Self {
        self.failure_rate = share;
        self
    }

    /// Puts the project `project_id` in the domain (account) `domain_id`, for VPC endpoints:
    /// a request is made as its path's project, and an endpoint connects as that project's
    /// domain (may be called more than once; a later call for one project wins). By default
    /// the documented project is in [`DOCUMENTED_DOMAIN_ID`] and [`DEFAULT_CONSUMER_PROJECT_ID`]
    /// in [`DEFAULT_CONSUMER_DOMAIN_ID`]; any other project is in a domain of its own, derived
    /// from its ID. A project ID is the spec's (1 to 64 letters, digits, `_`, `-`), a domain ID
    /// 1 to 64 letters and digits, else [`start`](Self::start) fails.
    pub fn project_domain(
        mut self,
        project_id: impl Into<String>,
        domain_id: impl Into<String>,
    ) -> Self {
        self.projects.set(project_id.into(), domain_id.into());
        self
    }

    /// The most records a service's whitelist may hold (default
    /// [`DEFAULT_MAX_WHITELIST_RECORDS`], 2000); an add past it is refused with
    /// `EndPoint.3049`. The provider documents the code, not the number.
    pub fn max_whitelist_records(mut self, records: usize) -> Self {
        self.max_whitelist_records = records;
        self
    }

    /// Every setting that cannot work.
    fn problems(&self) -> Vec<String> {
        let mut problems = self.limits.problems();
        problems.extend(self.projects.problems());
        if self.seed_count > MAX_SEED_COUNT {
            problems.push(format!(
                "seed_count must be at most {MAX_SEED_COUNT}, not {}",
                self.seed_count
            ));
        }
        problems.extend(self.iam.problems());
        problems.extend(Throttle::new(self.rate_limit, self.failure_rate).problems());
        if self
            .access
            .tokens
            .iter()
            .any(|t| t.expose_secret().is_empty())
        {
            problems.push("token must not be empty".to_owned());
        }
        if self
            .access
            .keys
            .iter()
            .any(|(ak, sk)| ak.is_empty() || sk.expose_secret().is_empty())
        {
            problems
                .push("access_key: the access key and the secret key must not be empty".to_owned());
        }
        if !self.address.ip().is_loopback()
            && self.access.tokens.is_empty()
            && self.iam.users.is_empty()
            && !self.allow_any_token
        {
            problems.push(format!(
                "address {} is beyond the loopback, and without a token any token is accepted: \
                 configure a token, or allow_any_token(true)",
                self.address
            ));
        }
        problems
    }

    /// Serves HTTPS (TLS 1.2 and 1.3, HTTP/1.1) with this certificate chain (PEM, the
    /// server's certificate first) and private key (PEM: PKCS#8, PKCS#1 or SEC1), instead of
    /// plain HTTP; [`Emulator::base_url`] then starts with `https://`. A certificate or key
    /// that cannot be used makes [`start`](Self::start) fail with
    /// [`EmulatorError::InvalidTls`].
    pub fn tls(mut self, cert_chain_pem: &[u8], private_key_pem: &[u8]) -> Self {
        self.tls = Some(tls::TlsConfig::from_pem(cert_chain_pem, private_key_pem));
        self
    }

    /// Binds the address and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(EmulatorError::InvalidConfig(problems));
        }
        let tls = self.tls.transpose().map_err(EmulatorError::InvalidTls)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let mut store = Store::default();
        store.timing = self.timing;
        store.consumers.max_records = self.max_whitelist_records;
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            access: self.access,
            iam: Iam::new(self.iam),
            region: self.region,
            limits: self.limits,
            body_reads: Semaphore::new(self.limits.max_body_reads),
            throttle: Throttle::new(self.rate_limit, self.failure_rate),
            quotas: self.quotas,
            lost: LostAnswers::default(),
            projects: self.projects,
        });
        for (service, available_after) in self.services {
            seed(&shared, service, available_after)?;
        }
        for n in 1..=self.seed_count {
            seed(&shared, bulk::service(DOCUMENTED_PROJECT_ID, n), None)?;
        }
        for (operation, times, how) in self.lost {
            shared.lost.queue(operation.id, times, how);
        }
        let listener =
            TcpListener::bind(self.address)
                .await
                .map_err(|source| EmulatorError::Bind {
                    address: self.address,
                    source,
                })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                address: self.address,
                source,
            })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = routes::router(shared.clone());
        let server = tokio::spawn(server::run(listener, app, self.limits, tls, stopped));
        Ok(Emulator {
            base_url: format!("{scheme}://{local_addr}"),
            local_addr,
            shared,
            stop: Some(stop),
            server: Some(server),
        })
    }
}

/// A running emulator. Dropping it stops the server; [`shutdown`](Self::shutdown) also waits
/// until it has stopped.
#[derive(Debug)]
pub struct Emulator {
    base_url: String,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts configuring an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator on `127.0.0.1` (a free port) with the [`documented_service`].
    pub async fn start() -> Result<Self, EmulatorError> {
        Self::builder().start().await
    }

    /// The base URL to give a client, for example `http://127.0.0.1:41234` (no trailing `/`;
    /// `https://` when serving [TLS](EmulatorBuilder::tls)).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the emulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Adds or replaces a service. It needs an `id` (a UUID) and a `project_id`; a service
    /// without a `status` is `available`. Set `service_name` undecorated: the emulator
    /// decorates it in answers.
    pub fn seed(&self, service: EndpointService) -> Result<(), EmulatorError> {
        seed(&self.shared, service, None)
    }

    /// Adds or replaces a service that is `creating` (unless it has another status that is
    /// not `available`: `failed`, or one the API does not document) and becomes `available`
    /// once `delay` has passed, as a new service does. Otherwise like [`seed`](Self::seed).
    pub fn seed_available_after(
        &self,
        service: EndpointService,
        delay: Duration,
    ) -> Result<(), EmulatorError> {
        seed(&self.shared, service, Some(delay))
    }

    /// Changes a service behind the clients' backs, as another tool would: `change` gets the
    /// stored service (its name as set, undecorated) and may change any attribute, its
    /// `status` and `error` too, without any check; then `updated_at` is set to now. The `id`
    /// and `project_id` stay as they are; a change of `status` ends any wait for `available`
    /// (of a seeded service or a settle time). Answers the service as `GET` answers it then,
    /// or `None` when there is no such service.
    pub fn update_service(
        &self,
        project_id: &str,
        service_id: &str,
        change: impl FnOnce(&mut EndpointService),
    ) -> Option<EndpointService> {
        let id = validate::service_id(service_id).ok()?;
        let mut store = self.shared.store();
        let mut service = store.get(project_id, id)?.clone();
        let status = service.status.clone();
        change(&mut service);
        if let Some(stored) = store.get_mut(project_id, id) {
            service.id = stored.id.clone();
            service.project_id = stored.project_id.clone();
            service.updated_at = Some(handlers::now());
            if service.status == status {
                *stored = service.clone();
            } else {
                store.insert(project_id.to_owned(), id, service.clone());
            }
        }
        drop(store);
        Some(self.shared.answered(service))
    }

    /// A service's current state as the API would answer it (name decorated), if it exists.
    pub fn service(&self, project_id: &str, service_id: &str) -> Option<EndpointService> {
        let id = validate::service_id(service_id).ok()?;
        let stored = self.shared.store().get(project_id, id).cloned()?;
        Some(self.shared.answered(stored))
    }

    /// Makes the next `times` requests fail with this HTTP status (400 to 599; any other
    /// value answers 500) and error code, after any fault already queued and before
    /// authentication. The message is the documented one for a documented code.
    pub fn fail_next(&self, times: usize, status: u16, error_code: &str) {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|s| s.is_client_error() || s.is_server_error())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = Code::find(error_code).map_or("Injected fault.", Code::message);
        let failure = Failure::custom(status, error_code, message);
        self.shared
            .store()
            .queue_fault(FaultKind::Fail(failure), times);
    }

    /// Loses the answers of the next `times` requests of `operation` (one of
    /// [`crate::spec::ALL`], for example [`crate::spec::CREATE_ENDPOINT_SERVICE`]) that it
    /// carries out, after those already queued for it: the change is made, then the
    /// connection is closed without an answer ([`LostAnswer::Reset`]) or the answer is 503
    /// `EndPoint.0001` ([`LostAnswer::Unavailable`]). A request the operation refuses is
    /// answered as usual and does not count. This is how a test shows that a client never
    /// sends a create again whose answer was lost (which would make a second service).
    pub fn lose_answers(&self, operation: &'static Operation, times: usize, how: LostAnswer) {
        self.shared.lost.queue(operation.id, times, how);
    }

    /// How many answers were lost so far (see [`lose_answers`](Self::lose_answers)).
    pub fn answers_lost(&self) -> u64 {
        self.shared.lost.count()
    }

    /// How many services `project_id` has now, whatever their status.
    pub fn service_count(&self, project_id: &str) -> usize {
        self.shared.store().count(project_id)
    }

    /// Makes the next `times` requests wait `delay` before they are served (after any fault
    /// already queued).
    pub fn delay_next(&self, times: usize, delay: Duration) {
        self.shared
            .store()
            .queue_fault(FaultKind::Delay(delay), times);
    }

    /// Makes a VPC endpoint of `consumer_project_id` that connects to the service
    /// `service_id` (of any project), as `POST /v1/{project_id}/vpc-endpoints` would with
    /// only the required fields (in a VPC and subnet the emulator makes up), under the same
    /// rules: the consumer's domain must be the owner's or whitelisted (else
    /// [`EmulatorError::Refused`] with `EndPoint.2012`), the service `available`, the
    /// project within its quota of endpoints. Answers the endpoint's ID; it is
    /// `pendingAcceptance` when the service requires approval, else `accepted`. For testing
    /// approval code offline:
    ///
    /// ```
    /// # use otc_vpcep::emulator::{Emulator, DEFAULT_CONSUMER_PROJECT_ID, DOCUMENTED_SERVICE_ID};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::start().await?;
    /// emulator.add_permissions(
    ///     otc_vpcep::emulator::DOCUMENTED_PROJECT_ID,
    ///     DOCUMENTED_SERVICE_ID,
    ///     ["iam:domain::5fc973eea581490997e82ea11a1d0101"],
    /// )?;
    /// let endpoint = emulator.connect_endpoint(DOCUMENTED_SERVICE_ID, DEFAULT_CONSUMER_PROJECT_ID)?;
    /// let seen = emulator.endpoint(DEFAULT_CONSUMER_PROJECT_ID, &endpoint).expect("made");
    /// assert_eq!(seen.status.map(|s| s.to_string()).as_deref(), Some("accepted"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect_endpoint(
        &self,
        service_id: &str,
        consumer_project_id: &str,
    ) -> Result<String, EmulatorError> {
        let id = validate::service_id(service_id)?;
        let project = validate::project_id(consumer_project_id)?;
        let endpoint =
            connect::create_endpoint(&self.shared, &project, NewEndpoint::to(id), handlers::now())?;
        Ok(endpoint.id)
    }

    /// Changes a VPC endpoint behind the clients' backs, as the provider would: `change` gets
    /// the endpoint as `GET` answers it and may change any attribute (its `status`, say
    /// `failed` with an `error` list, to test how a client takes a failed connection) without
    /// any check; its `id` and `project_id` stay, `updated_at` is set to now, and its
    /// service's `connection_count` is recounted. The owner's connection shows the change too.
    /// Answers the endpoint then, or `None` when there is no such endpoint.
    pub fn update_endpoint(
        &self,
        project_id: &str,
        endpoint_id: &str,
        change: impl FnOnce(&mut VpcEndpoint),
    ) -> Option<VpcEndpoint> {
        let id = validate::strict_uuid(endpoint_id)?;
        connect::update(
            &mut self.shared.store(),
            project_id,
            id,
            handlers::now(),
            change,
        )
    }

    /// A VPC endpoint of `project_id` as `GET` answers it, if it exists.
    pub fn endpoint(&self, project_id: &str, endpoint_id: &str) -> Option<VpcEndpoint> {
        let id = validate::strict_uuid(endpoint_id)?;
        connect::get(&self.shared.store(), project_id, id).ok()
    }

    /// Every connection of the service `service_id` of `project_id` (the owner's view of the
    /// VPC endpoints that connect to it), oldest first; empty for a service that does not
    /// exist.
    pub fn connections(&self, project_id: &str, service_id: &str) -> Vec<Connection> {
        let Ok(id) = validate::service_id(service_id) else {
            return Vec::new();
        };
        connect::all_connections(&mut self.shared.store(), project_id, id)
    }

    /// Adds whitelist records to the service `service_id` of `project_id` at once, in the
    /// request's form (`iam:domain::{domain_id}` or `*`), without the batch limit of a
    /// request (to seed a large whitelist quickly; 1,200 records take a millisecond) but
    /// within the most records of a whitelist
    /// ([`EmulatorBuilder::max_whitelist_records`]). A malformed record is refused
    /// (`EndPoint.3002`), as is a service that does not exist (`EndPoint.0005`).
    pub fn add_permissions(
        &self,
        project_id: &str,
        service_id: &str,
        records: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Result<(), EmulatorError> {
        let id = validate::service_id(service_id)?;
        let records = whitelist::records_of(records)?;
        let change = whitelist::Change {
            action: whitelist::Action::Add,
            records,
        };
        connect::change_whitelist(
            &mut self.shared.store(),
            project_id,
            id,
            change,
            &handlers::now(),
        )?;
        Ok(())
    }

    /// How many requests have arrived so far, refused and faulty ones included.
    pub fn requests_received(&self) -> u64 {
        self.shared.store().requests
    }

    /// How many requests to IAM's routes (`/v3/...`) have arrived so far, refused and faulty
    /// ones included.
    pub fn iam_requests(&self) -> u64 {
        self.shared.iam.requests()
    }

    /// Revokes every token issued so far, as IAM does when a user's password changes: the
    /// VPCEP routes answer 401 to them, and clients log in again.
    pub fn revoke_tokens(&self) {
        self.shared.iam.revoke_all();
    }

    /// How many requests the [rate limit](EmulatorBuilder::rate_limit) refused so far.
    pub fn requests_rate_limited(&self) -> u64 {
        self.shared
            .throttle
            .rate_limited
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many requests the [failure rate](EmulatorBuilder::failure_rate) answered 503 so far.
    pub fn requests_failed(&self) -> u64 {
        self.shared
            .throttle
            .failed
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stops accepting connections, lets requests in flight finish within the shutdown
    /// timeout ([`EmulatorBuilder::shutdown_timeout`], 5 s by default), closes what is left,
    /// and waits until the server has stopped.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Checks a seed service and stores it; with `available_after`, `creating` (unless it has
/// another status that is not `available`) until that time has passed.
fn seed(
    shared: &Shared,
    mut service: EndpointService,
    available_after: Option<Duration>,
) -> Result<(), EmulatorError> {
    let id =
        validate::service_id(&service.id).map_err(|f| EmulatorError::InvalidSeed(f.message))?;
    let project_id = service
        .project_id
        .as_deref()
        .ok_or_else(|| EmulatorError::InvalidSeed("project_id is missing".to_owned()))?;
    let project_id =
        validate::project_id(project_id).map_err(|f| EmulatorError::InvalidSeed(f.message))?;
    let pending = if available_after.is_some() {
        ServiceStatus::Creating
    } else {
        ServiceStatus::Available
    };
    if service
        .status
        .as_ref()
        .is_none_or(|status| available_after.is_some() && *status == ServiceStatus::Available)
    {
        service.status = Some(OpenEnum::Known(pending));
    }
    let mut store = shared.store();
    store.insert(project_id.to_string(), id, service);
    // A delay too long to count never ends.
    if let Some(delay) = available_after {
        store.available_after(&project_id, id, delay);
    }
    Ok(())
}
