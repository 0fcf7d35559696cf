//! The command line, as clap parses it.

use std::{path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};
use otc_vpcep::{
    emulator,
    types::{Protocol, TcpProxy},
};
use serde::{Serialize, Serializer, ser::SerializeStruct};

/// Read and change VPC endpoint services of Open Telekom Cloud and Huawei Cloud, or run a local
/// emulator of the API.
///
/// Credentials come only from the environment or clouds.yaml, never from flags (so they stay
/// out of shell history): OS_AUTH_TOKEN; or OS_ACCESS_KEY + OS_SECRET_KEY (+
/// OS_SECURITY_TOKEN); or HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK; or the cloud that --os-cloud
/// (or OS_CLOUD) names. OS_PROJECT_ID and OS_REGION_NAME give the project and the region when
/// the flags do not; then the cloud. OS_CACERT names extra CA certificates (PEM);
/// HTTPS_PROXY and NO_PROXY are honoured.
#[derive(Debug, Parser)]
#[command(name = "vpcep", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a VPC endpoint service: its status, ports and every other attribute.
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),
    /// Modify a VPC endpoint service: set fields, replace or edit its port mappings.
    #[command(after_help = MODIFY_EXAMPLES)]
    Modify(Box<ModifyArgs>),
    /// Wait until a VPC endpoint service is available.
    #[command(after_help = WAIT_EXAMPLES)]
    Wait(WaitArgs),
    /// Run the local emulator of the API in the foreground, until interrupted.
    #[command(after_help = EMULATOR_EXAMPLES)]
    Emulator(Box<EmulatorArgs>),
}

const MODIFY_EXAMPLES: &str = "\
Examples:
  # Require approval, rename, and replace the port mappings (the list replaces all of them)
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de \\
      --approval-enabled true --name test --port 8081:22 --port 8082:23/udp

  # The same change from a JSON body on standard input
  echo '{\"service_name\": \"test\"}' | vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --body -

  # Add one mapping and remove another, keeping the rest; then wait until it is available
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de \\
      --add-port 8443:443 --remove-port 8081:22 --wait=5m

  # Show what would change (with credentials: read the service and show the diff), send nothing
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --add-port 8443:443 --dry-run

  # Credentials, project and region from the cloud \"otc\" of clouds.yaml
  vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --os-cloud otc --name test

Exit status: 0 success; 2 usage or validation error (nothing sent); 1 API, transport or timeout
error, a failed wait, or a conflict (someone else changed the service meanwhile).";

const WAIT_EXAMPLES: &str = "\
Examples:
  vpcep wait 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --timeout 5m

Exit status: 0 available; 2 usage error (nothing sent); 1 failed, deleting, gone, not available
in time, or an API, transport or timeout error.";

const GET_EXAMPLES: &str = "\
Examples:
  vpcep get 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de
  vpcep get 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --output table

Exit status: 0 success; 2 usage error (nothing sent); 1 API, transport or timeout error.";

const EMULATOR_EXAMPLES: &str = "\
Secrets come from the environment, never from flags (which show in process listings):
VPCEP_EMULATOR_TOKENS, the tokens to accept, comma-separated (without it, any token is accepted);
VPCEP_EMULATOR_SECRET_KEY, the secret key of --access-key.

Examples:
  vpcep emulator                                  # on 127.0.0.1:8080, the default seed
  vpcep emulator --listen 127.0.0.1:0             # a free port; the first line tells which
  VPCEP_EMULATOR_TOKENS=t1,t2 vpcep emulator      # accept only these tokens
  VPCEP_EMULATOR_SECRET_KEY=SK vpcep emulator --access-key AK   # verify AK/SK signatures
  vpcep emulator --tls-cert cert.pem --tls-key key.pem   # HTTPS
  OS_AUTH_TOKEN=x OS_PROJECT_ID=6e9dfd51d1124e8d8498dce894923a0d \\
      vpcep modify 4189d3c2-8882-4871-a3c2-d380272eed88 --endpoint http://127.0.0.1:8080 --name demo";

/// What to show, and where.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The ID (a UUID) of the VPC endpoint service to show.
    pub service_id: String,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up on the request after this long, retries included (for example 30 or 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// How to print the service the API answers.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// What to wait for, and how long.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The ID (a UUID) of the VPC endpoint service to wait for.
    pub service_id: String,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up waiting after this long (for example 90s, 5m or 1h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = DEFAULT_WAIT)]
    pub timeout: Duration,

    /// How to print the service once it is available.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// How long `--wait` and `vpcep wait` wait unless told.
pub const DEFAULT_WAIT: &str = "10m";

/// What to change, and where.
#[derive(Debug, Args)]
pub struct ModifyArgs {
    /// The ID (a UUID) of the VPC endpoint service to modify.
    pub service_id: String,

    #[command(flatten)]
    pub change: ChangeArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up on each request after this long, retries included (for example 30 or 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Send nothing. With credentials, read the service and show what would change (fields
    /// old -> new, mappings + and -); without, show the request that would be sent (method,
    /// URL, body).
    #[arg(long)]
    pub dry_run: bool,

    /// After the change, wait until the service is available again, for at most TIMEOUT
    /// (default 10m).
    #[arg(
        long,
        value_name = "TIMEOUT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = DEFAULT_WAIT,
        value_parser = parse_duration,
        conflicts_with = "dry_run"
    )]
    pub wait: Option<Duration>,

    /// How to print the result: the service the API answers, or, for --add-port,
    /// --remove-port and a --dry-run with credentials, what changes.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// The change: the fields given as flags, or a whole JSON body.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    #[command(flatten)]
    pub fields: FieldArgs,

    /// The whole change as a JSON request body, from FILE or from standard input with '-'.
    #[arg(long, value_name = "FILE", conflicts_with = "fields")]
    pub body: Option<PathBuf>,
}

/// The fields to change; those not given are left as they are. Serialised, they are the JSON
/// request body (each flag's field named as the spec names it); the library checks it.
#[derive(Debug, Args, Serialize)]
#[group(id = "fields", multiple = true)]
pub struct FieldArgs {
    /// The new name: 1 to 16 of letters, digits, '_' and '-'.
    #[arg(long, value_name = "NAME")]
    #[serde(rename = "service_name", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// Whether new VPC endpoints need the owner's approval.
    #[arg(long, value_name = "true|false")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_enabled: Option<bool>,

    /// A port mapping, CLIENT:SERVER with an optional /tcp or /udp (TCP by default). Repeat it
    /// for more; the mappings given replace all of the service's mappings.
    #[arg(long = "port", value_name = "CLIENT:SERVER[/tcp|/udp]", value_parser = parse_port)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortArg>,

    /// Add this port mapping and keep the others (repeatable): the service is read first, and
    /// only what changes is sent. A mapping that is there already is left as it is.
    #[arg(
        long = "add-port",
        value_name = "CLIENT:SERVER[/tcp|/udp]",
        value_parser = parse_mapping,
        conflicts_with = "ports"
    )]
    #[serde(skip)]
    pub add_ports: Vec<Mapping>,

    /// Remove this port mapping and keep the others (repeatable). A mapping that is not there
    /// is left out.
    #[arg(
        long = "remove-port",
        value_name = "CLIENT:SERVER[/tcp|/udp]",
        value_parser = parse_mapping,
        conflicts_with = "ports"
    )]
    #[serde(skip)]
    pub remove_ports: Vec<Mapping>,

    /// The ID (a UUID) of the backend resource.
    #[arg(long, value_name = "UUID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_id: Option<String>,

    /// The ID of the virtual NIC of a virtual IP address (deprecated by the provider).
    #[arg(long, value_name = "ID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vip_port_id: Option<String>,

    /// Passing client addresses to the backend.
    #[arg(long, value_name = "VALUE", value_parser = clap::builder::PossibleValuesParser::new(TcpProxy::VALUES))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_proxy: Option<String>,

    /// The description: at most 128 characters, without '<' and '>'.
    #[arg(long, value_name = "TEXT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Where the API is, and how long to wait for it.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// The Open Telekom Cloud region (eu-de, eu-nl); OS_REGION_NAME when not given.
    #[arg(long, value_name = "REGION", conflicts_with = "endpoint")]
    pub region: Option<String>,

    /// The API's base URL.
    #[arg(
        long,
        value_name = "URL",
        help = "The API's base URL, for example https://vpcep.ap-southeast-1.myhuaweicloud.com"
    )]
    pub endpoint: Option<String>,

    /// The project ID; OS_PROJECT_ID when not given.
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,

    /// The cloud of clouds.yaml to use (instead of OS_CLOUD); its settings come after the
    /// flags and the environment.
    #[arg(long, value_name = "NAME")]
    pub os_cloud: Option<String>,

    /// The clouds.yaml file to read (instead of OS_CLIENT_CONFIG_FILE and ./clouds.yaml,
    /// ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml); a secure.yaml beside it
    /// is merged.
    #[arg(long, value_name = "FILE")]
    pub os_client_config_file: Option<PathBuf>,

    /// How many times to retry a request that failed in a way worth retrying.
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
}

/// How to print the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// The service as the API returned it, as pretty JSON.
    Json,
    /// A table of the service's fields.
    Table,
}

/// A port mapping as given on the command line; the library checks its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortArg {
    pub client: i64,
    pub server: i64,
    pub protocol: String,
}

impl Serialize for PortArg {
    /// As the request body's port mapping.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut mapping = serializer.serialize_struct("PortMapping", 3)?;
        mapping.serialize_field("client_port", &self.client)?;
        mapping.serialize_field("server_port", &self.server)?;
        mapping.serialize_field("protocol", &self.protocol)?;
        mapping.end()
    }
}

fn parse_port(text: &str) -> Result<PortArg, String> {
    let (ports, protocol) = match text.split_once('/') {
        Some((ports, protocol)) => (ports, protocol.to_ascii_uppercase()),
        // The spec's default protocol.
        None => (text, Protocol::default().to_string()),
    };
    let (client, server) = ports
        .split_once(':')
        .ok_or_else(|| "expected CLIENT:SERVER with an optional /tcp or /udp".to_owned())?;
    let number = |name: &str, value: &str| {
        value
            .parse::<i64>()
            .map_err(|_| format!("{name} port {value:?} is not a number"))
    };
    Ok(PortArg {
        client: number("client", client)?,
        server: number("server", server)?,
        protocol,
    })
}

/// How to run the emulator; its secrets come from the environment (see `EMULATOR_EXAMPLES`).
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// The address to listen on; port 0 picks a free port. Beyond the loopback it needs
    /// VPCEP_EMULATOR_TOKENS or --allow-any-token.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,

    /// Listen beyond the loopback although any token is accepted (no VPCEP_EMULATOR_TOKENS).
    #[arg(long)]
    pub allow_any_token: bool,

    /// A JSON file of the services to start with (a list of services as the API answers
    /// them, each with its project_id); the documented example service when not given.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// The region written into the decorated service names the emulator answers.
    #[arg(long, value_name = "REGION", default_value = "eu-de")]
    pub region: String,

    /// After each modify, the service is creating for this long before it is available again
    /// (for example 2s); 0 (the default) keeps it available, as the provider documents.
    #[arg(long, value_name = "DURATION", value_parser = parse_settle_time)]
    pub settle_time: Option<Duration>,

    /// Seeded services whose status is creating become available after this long (for
    /// example 10s); without it, they stay creating.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub available_after: Option<Duration>,

    /// The lifecycle of services, their quota, many services at once, lost answers.
    #[command(flatten)]
    pub lifecycle: crate::emulator::LifecycleArgs,

    /// Limit each project to this many requests per second (with --rate-burst); past it,
    /// answer 400 EndPoint.0022 as the service does. Default: no limit.
    #[arg(long, value_name = "PER_SECOND")]
    pub rate_limit: Option<f64>,

    /// The requests a project may send at once under --rate-limit.
    #[arg(long, value_name = "N", requires = "rate_limit", default_value_t = 10)]
    pub rate_burst: u32,

    /// Answer this share of requests (0 to 1, for example 0.1) with 503 EndPoint.0001,
    /// before anything is changed. Default 0.
    #[arg(long, value_name = "SHARE")]
    pub failure_rate: Option<f64>,

    /// Verify AK/SK signatures with this access key and the secret key in
    /// VPCEP_EMULATOR_SECRET_KEY.
    #[arg(long, value_name = "AK", env = "VPCEP_EMULATOR_ACCESS_KEY")]
    pub access_key: Option<String>,

    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first; with
    /// --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    #[arg(long, value_name = "DURATION", value_parser = parse_duration,
          help = with_default("Close a connection whose request headers take longer (from its opening, or from the first byte of a later request)", seconds_text(emulator::DEFAULT_HEADER_READ_TIMEOUT)))]
    pub header_read_timeout: Option<Duration>,

    #[arg(long, value_name = "DURATION", value_parser = parse_duration,
          help = with_default("Close a kept-alive connection idle for longer after an answer", seconds_text(emulator::DEFAULT_IDLE_TIMEOUT)))]
    pub idle_timeout: Option<Duration>,

    #[arg(long, value_name = "DURATION", value_parser = parse_duration,
          help = with_default("Answer 408 to a request whose body takes longer after its headers", seconds_text(emulator::DEFAULT_BODY_READ_TIMEOUT)))]
    pub body_read_timeout: Option<Duration>,

    #[arg(long, value_name = "DURATION", value_parser = parse_duration,
          help = with_default("On Ctrl-C or SIGTERM, let requests in flight finish for this long; a second signal stops at once", seconds_text(emulator::DEFAULT_SHUTDOWN_TIMEOUT)))]
    pub shutdown_timeout: Option<Duration>,

    #[arg(long, value_name = "N",
          help = with_default("Serve at most this many connections at once; more wait", emulator::DEFAULT_MAX_CONNECTIONS.to_string()))]
    pub max_connections: Option<usize>,

    #[arg(long, value_name = "N",
          help = with_default("Read at most this many request bodies at once; more wait", emulator::DEFAULT_MAX_BODY_READS.to_string()))]
    pub max_body_reads: Option<usize>,

    /// An IAM user who may log in at POST /v3/auth/tokens, as NAME:PASSWORD:DOMAIN (may be
    /// repeated). The password shows in process listings: for real ones use
    /// VPCEP_EMULATOR_USERS (comma-separated NAME:PASSWORD:DOMAIN) or --users-file. With any
    /// user, the VPCEP routes accept only the tokens the emulator issued.
    #[arg(long = "user", value_name = "NAME:PASSWORD:DOMAIN")]
    pub users: Vec<String>,

    /// A file of IAM users, one NAME:PASSWORD:DOMAIN a line (empty lines and lines starting
    /// with # are skipped).
    #[arg(long, value_name = "FILE")]
    pub users_file: Option<PathBuf>,

    /// A project for logins and for GET /v3/projects?name=, as NAME=ID (may be repeated).
    #[arg(long = "project", value_name = "NAME=ID")]
    pub projects: Vec<String>,

    /// How long the tokens the emulator issues are valid (default 24h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub token_ttl: Option<Duration>,

    /// Refused: a token on the command line shows in process listings (set
    /// VPCEP_EMULATOR_TOKENS).
    #[arg(long = "token", value_name = "TOKEN", hide = true)]
    pub token_flag: Vec<String>,

    /// Refused: a secret key on the command line shows in process listings (set
    /// VPCEP_EMULATOR_SECRET_KEY).
    #[arg(long = "secret-key", value_name = "SK", hide = true)]
    pub secret_key_flag: Option<String>,
}

/// The longest duration a flag takes: one day.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// A duration: a number of seconds (`30`, `2.5`) or with units (`90s`, `5m`, `1h30m`), more
/// than zero and at most [`MAX_DURATION`] (one day).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = match text.trim().parse::<f64>() {
        Ok(seconds) => Duration::try_from_secs_f64(seconds)
            .map_err(|_| format!("{text:?} is not a positive number of seconds"))?,
        Err(_) => humantime::parse_duration(text.trim())
            .map_err(|e| format!("{text:?} is not a duration such as 30, 90s, 5m or 1h ({e})"))?,
    };
    if duration.is_zero() {
        return Err(format!("{text:?} is not more than zero"));
    }
    if duration > MAX_DURATION {
        return Err(format!(
            "{text:?} is longer than one day ({} seconds)",
            MAX_DURATION.as_secs()
        ));
    }
    Ok(duration)
}

/// A settle time: a duration, or `0`.
fn parse_settle_time(text: &str) -> Result<Duration, String> {
    match text.trim() {
        "0" => Ok(Duration::ZERO),
        other => parse_duration(other),
    }
}

/// A flag's help, ending with the library's default.
fn with_default(help: &str, default: String) -> String {
    format!("{help} [default: {default}]")
}

fn seconds_text(duration: Duration) -> String {
    duration.as_secs_f64().to_string()
}

/// A port mapping to add or remove: client port, server port, protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub client: u16,
    pub server: u16,
    pub protocol: Protocol,
}

/// A mapping to add or remove: ports and protocol as `--port` takes them, which must be port
/// numbers and a protocol of the spec (the library checks the rest).
fn parse_mapping(text: &str) -> Result<Mapping, String> {
    let port = parse_port(text)?;
    let number = |name: &str, value: i64| {
        u16::try_from(value).map_err(|_| format!("{name} port {value} is not a port number"))
    };
    let protocol = port.protocol.parse().map_err(|_| {
        format!(
            "protocol {:?} is not one of {}",
            port.protocol,
            Protocol::VALUES.join(", ")
        )
    })?;
    Ok(Mapping {
        client: number("client", port.client)?,
        server: number("server", port.server)?,
        protocol,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_with_and_without_a_protocol() {
        assert_eq!(
            parse_port("8081:22"),
            Ok(PortArg {
                client: 8081,
                server: 22,
                protocol: "TCP".into()
            })
        );
        assert_eq!(
            parse_port("8082:23/udp"),
            Ok(PortArg {
                client: 8082,
                server: 23,
                protocol: "UDP".into()
            })
        );
        assert_eq!(
            parse_port("0:70000/sctp"),
            Ok(PortArg {
                client: 0,
                server: 70000,
                protocol: "SCTP".into()
            })
        );
        assert!(parse_port("8081").is_err());
        assert!(parse_port("a:1").unwrap_err().contains("client port \"a\""));
    }

    #[test]
    fn mappings_to_add_or_remove_are_port_numbers_and_a_known_protocol() {
        assert_eq!(
            parse_mapping("8443:443/udp"),
            Ok(Mapping {
                client: 8443,
                server: 443,
                protocol: Protocol::Udp
            })
        );
        assert_eq!(
            parse_mapping("70000:22"),
            Err("client port 70000 is not a port number".into())
        );
        assert_eq!(
            parse_mapping("1:22/sctp"),
            Err("protocol \"SCTP\" is not one of TCP, UDP".into())
        );
    }

    #[test]
    fn durations_take_seconds_or_units_up_to_a_day() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("86400"), Ok(MAX_DURATION));
        for bad in [
            "0", "-1", "soon", "0s", "NaN", "1e19", "86400.5", "25h", "inf",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_settle_time("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
