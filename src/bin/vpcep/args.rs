//! The command line, as clap parses it: the commands of the spec's operations (generated, see
//! `commands.rs`), and the flags and parsers that every command shares or that are shaped by
//! hand.

use std::{path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};
use otc_vpcep::{spec, types::Protocol};
use serde::{Serialize, Serializer, ser::SerializeStruct};

use crate::{commands::Operation, duration::parse_duration, examples, failure::Failure};

/// List, create, show, change and delete VPC endpoint services of Open Telekom Cloud and
/// Huawei Cloud, show the project's quotas, or run a local emulator of the API.
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

/// The commands: those of the spec's operations, then those of the CLI's own.
#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Operation(Operation),
    /// Accept VPC endpoints' connections to a service: any number, one request each, and
    /// each endpoint's outcome.
    #[command(after_help = examples::ACCEPT)]
    Accept(ActArgs),
    /// Reject VPC endpoints' connections to a service: any number, one request each, and
    /// each endpoint's outcome.
    #[command(after_help = examples::REJECT)]
    Reject(ActArgs),
    /// Wait until a VPC endpoint service is available.
    #[command(after_help = examples::WAIT)]
    Wait(WaitArgs),
    /// Print the completions of vpcep for a shell.
    #[command(after_help = examples::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Run the local emulator of the API in the foreground, until interrupted.
    #[command(after_help = examples::EMULATOR)]
    Emulator(Box<crate::emulator::EmulatorArgs>),
}

/// What `SERVICE` is, in every command that takes one.
pub const SERVICE_HELP: &str = "The VPC endpoint service: its ID (a UUID), or its name (looked \
up by listing, which needs credentials; the name as created or as the API decorates it, \
{region}.{name}.{id}; one that several services have is refused with their IDs)";

/// Where the API is, and how long each request may take: every command of an operation has
/// these.
#[derive(Debug, Args)]
pub struct CallArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up on each request after this long, retries included (for example 30 or 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// How a command that shows a list prints it.
#[derive(Debug, Args)]
pub struct ListOutput {
    /// How to print the list [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub output: Option<Output>,
}

/// How a command that walks every page of a list reads and prints it.
#[derive(Debug, Args)]
pub struct WalkArgs {
    #[arg(long = "limit", value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help = limit_help())]
    pub most: Option<u64>,

    /// How to print the list [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub output: Option<Output>,
}

/// After a change, how long to wait for its end.
#[derive(Debug, Args)]
pub struct WaitAfter {
    /// After the change, wait until the service is available (after a delete: gone), for at
    /// most TIMEOUT (default 10m).
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
}

/// The flags of `vpcep modify` beside the request's.
#[derive(Debug, Args)]
pub struct ModifyOptions {
    /// Add this port mapping and keep the others (repeatable): the service is read first, and
    /// only what changes is sent. A mapping that is there already is left as it is.
    #[arg(
        long = "add-port",
        value_name = "CLIENT:SERVER[/tcp|/udp]",
        value_parser = parse_mapping,
        conflicts_with_all = ["ports", "body"]
    )]
    pub add_ports: Vec<Mapping>,

    /// Remove this port mapping and keep the others (repeatable). A mapping that is not there
    /// is left out.
    #[arg(
        long = "remove-port",
        value_name = "CLIENT:SERVER[/tcp|/udp]",
        value_parser = parse_mapping,
        conflicts_with_all = ["ports", "body"]
    )]
    pub remove_ports: Vec<Mapping>,

    /// Send nothing. With credentials, read the service and show what would change (fields
    /// old -> new, mappings + and -); without, show the request that would be sent (method,
    /// URL, body).
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub wait: WaitAfter,

    /// How to print the result: the service the API answers, or, for --add-port,
    /// --remove-port and a --dry-run with credentials, what changes.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// The endpoints to accept or reject, and of which service.
#[derive(Debug, Args)]
pub struct ActArgs {
    #[arg(value_name = "SERVICE", help = SERVICE_HELP)]
    pub service: String,

    /// The VPC endpoints (their IDs, UUIDs); several, or separated by commas.
    #[arg(
        value_name = "ENDPOINT",
        value_delimiter = ',',
        required_unless_present = "all_pending",
        conflicts_with = "all_pending"
    )]
    pub endpoints: Vec<String>,

    /// Every VPC endpoint whose connection is pendingAcceptance (the connections are read
    /// first).
    #[arg(long)]
    pub all_pending: bool,

    /// Send nothing: show the request each endpoint would get (an endpoint already where
    /// asked gets none).
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub call: CallArgs,

    /// How to print each endpoint's outcome [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub output: Option<Output>,
}

/// What to wait for, and how long.
#[derive(Debug, Args)]
pub struct WaitArgs {
    #[arg(value_name = "SERVICE", help = SERVICE_HELP)]
    pub service: String,

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

/// The shell to print completions for.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    /// Pretty JSON, as the API answers it (a list: one JSON array).
    Json,
    /// JSON lines: one compact JSON value a line (a list: one item a line, printed as read).
    Jsonl,
    /// A table (one service: a field a line; a list: a service a row).
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

/// A resource tag as given on the command line: `KEY=VALUE`, or `KEY` alone (no value); the
/// library checks both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagArg {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

pub fn parse_tag(text: &str) -> Result<TagArg, String> {
    let (key, value) = match text.split_once('=') {
        Some((key, value)) => (key, Some(value.to_owned())),
        None => (text, None),
    };
    Ok(TagArg {
        key: key.to_owned(),
        value,
    })
}

/// One of the spec's `values`, in any case, as the spec spells it (`lb` is `LB`).
pub fn choice(
    values: &'static [&'static str],
) -> impl clap::builder::TypedValueParser<Value = String> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(values).map(|given: String| {
        values
            .iter()
            .find(|value| value.eq_ignore_ascii_case(&given))
            .map_or(given, |value| (*value).to_owned())
    })
}

pub fn limit_help() -> String {
    format!(
        "Print at most N items, and stop reading there; without it, every item (up to the \
         library's bound of {}, with a warning when it is reached)",
        otc_vpcep::DEFAULT_MAX_LIST_ITEMS
    )
}

pub fn page_size_help() -> String {
    format!(
        "How many services each request asks for (the API's limit), 2 to {most} [default: \
         {most}, or --limit when smaller]",
        most = spec::MAX_LIST_LIMIT
    )
}

/// A page size for the walk: 2 (a walk's pages overlap by one service) to the spec's most.
pub fn parse_page_size(text: &str) -> Result<i32, String> {
    let most = spec::MAX_LIST_LIMIT;
    match text.trim().parse::<usize>() {
        Ok(size) if (2..=most).contains(&size) => {
            i32::try_from(size).map_err(|_| format!("{size} is not in 2..={most}"))
        }
        _ => Err(format!("{text:?} is not a number in 2..={most}")),
    }
}

pub fn parse_port(text: &str) -> Result<PortArg, String> {
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

/// One of the spec's `values` of the enumeration `T`, in any case, as `T`.
pub fn choice_of<T>(
    values: &'static [&'static str],
) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser;
    choice(values).try_map(|value: String| {
        value
            .parse::<T>()
            .map_err(|_| format!("{value:?} is not a value of the spec"))
    })
}

/// A JSON value given as a flag's text (a field of the body with no syntax of its own).
pub fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    otc_vpcep::json::from_slice(text.as_bytes()).map_err(|e| format!("not JSON: {e}"))
}

/// Puts the field `name` with `value` into a JSON request body.
pub fn put(
    body: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    value: &impl Serialize,
) -> Result<(), Failure> {
    let value = serde_json::to_value(value)
        .map_err(|e| Failure::Usage(format!("{name}: cannot be encoded: {e}")))?;
    body.insert(name.to_owned(), value);
    Ok(())
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
pub fn parse_mapping(text: &str) -> Result<Mapping, String> {
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
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn a_value_of_the_spec_is_taken_in_any_case() {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command()
            .try_get_matches_from([
                "vpcep",
                "list",
                "--status",
                "AVAILABLE",
                "--sort-dir",
                "Desc",
            ])
            .unwrap();
        let Command::Operation(Operation::ListEndpointServices(list)) =
            Cli::from_arg_matches(&matches).unwrap().command
        else {
            panic!("not the list");
        };
        assert_eq!(
            list.status,
            Some(otc_vpcep::types::ServiceStatus::Available)
        );
        assert_eq!(list.sort_dir, Some(otc_vpcep::types::SortDirection::Desc));
        let refused = Cli::command()
            .try_get_matches_from(["vpcep", "list", "--status", "gone"])
            .unwrap_err()
            .to_string();
        assert!(refused.contains("possible values"), "{refused}");
    }
}
