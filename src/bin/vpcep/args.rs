//! The command line, as clap parses it.

use std::{path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};
use otc_vpcep::{
    emulator, spec,
    types::{
        CreatableServiceType, Protocol, QuotaResourceType, ServerType, ServiceSortKey,
        ServiceStatus, SortDirection, TcpProxy,
    },
};
use serde::{Serialize, Serializer, ser::SerializeStruct};

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the VPC endpoint services of the project (every page), or those that match.
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Show a VPC endpoint service: its status, ports and every other attribute.
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),
    /// Create a VPC endpoint service.
    #[command(after_help = CREATE_EXAMPLES)]
    Create(Box<CreateArgs>),
    /// Modify a VPC endpoint service: set fields, replace or edit its port mappings.
    #[command(after_help = MODIFY_EXAMPLES)]
    Modify(Box<ModifyArgs>),
    /// Delete a VPC endpoint service (after confirmation, or with --yes).
    #[command(after_help = DELETE_EXAMPLES)]
    Delete(DeleteArgs),
    /// Wait until a VPC endpoint service is available.
    #[command(after_help = WAIT_EXAMPLES)]
    Wait(WaitArgs),
    /// Show the project's quotas of VPC endpoint services and VPC endpoints, and their use.
    #[command(after_help = QUOTAS_EXAMPLES)]
    Quotas(QuotasArgs),
    /// Print the completions of vpcep for a shell.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Run the local emulator of the API in the foreground, until interrupted.
    #[command(after_help = EMULATOR_EXAMPLES)]
    Emulator(Box<EmulatorArgs>),
}

/// What `SERVICE` is, in every command that takes one.
pub const SERVICE_HELP: &str = "The VPC endpoint service: its ID (a UUID), or its name (looked \
up by listing, which needs credentials; the name as created or as the API decorates it, \
{region}.{name}.{id}; one that several services have is refused with their IDs)";

const LIST_EXAMPLES: &str = "\
Output: a table when standard output is a terminal, else JSON lines (one service a line, as the
API answers it, printed as they are read); --output json prints one JSON array at the end.

Examples:
  vpcep list --region eu-de
  vpcep list --region eu-de --status failed --output table
  vpcep list --region eu-de --name web --limit 20
  vpcep list --region eu-de | jq -r 'select(.status == \"available\") | .id'

Exit status: 0 success (also when nothing matches); 2 usage error (nothing sent); 1 API, transport
or timeout error (JSON lines already printed stay printed).";

const CREATE_EXAMPLES: &str = "\
Examples:
  # A service for a load balancer's port, two mappings, without approval; wait until available
  vpcep create --region eu-de --port-id 4189d3c2-8882-4871-a3c2-d380272eed88 \\
      --vpc-id 4189d3c2-8882-4871-a3c2-d380272eed80 --server-type LB \\
      --port 8080:80 --port 8443:443 --name web --approval-enabled false --tag team=web --wait

  # The request from a JSON body (the spec's CreateEndpointServiceRequest)
  vpcep create --region eu-de --body request.json

  # Show the request that would be sent (method, URL, body), checked; send nothing
  vpcep create --region eu-de --project-id 6e9dfd51d1124e8d8498dce894923a0d --dry-run \\
      --port-id 4189d3c2-8882-4871-a3c2-d380272eed88 \\
      --vpc-id 4189d3c2-8882-4871-a3c2-d380272eed80 --server-type VM --port 8080:90

A create is never sent twice: when its answer is lost, the services of its --name are looked up
(so a create with --name lists them first), and without a name the error says what to look for.

Exit status: 0 success; 2 usage or validation error (nothing sent); 1 API, transport or timeout
error, a lost answer (the service may exist: see the message), or a failed wait (the service was
created: it is printed).";

const DELETE_EXAMPLES: &str = "\
Confirmation: on a terminal (standard input is one), vpcep shows the service and asks; --yes
deletes without asking. Without a terminal and without --yes, vpcep refuses (exit 2) and sends
nothing: a script says --yes.

Examples:
  vpcep delete 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de
  vpcep delete web --region eu-de --yes --wait=5m
  vpcep delete 4189d3c2-8882-4871-a3c2-d380272eed88 --region eu-de --dry-run

Exit status: 0 deleted (with --wait: gone); 2 usage error, or no confirmation without a terminal
(nothing sent); 1 not confirmed, in use (VPC endpoints are connected), an API, transport or
timeout error, or not gone in time.";

const QUOTAS_EXAMPLES: &str = "\
Output: a table when standard output is a terminal, else JSON lines (one resource type a line);
--output json prints one JSON array.

Examples:
  vpcep quotas --region eu-de
  vpcep quotas --region eu-de --type endpoint_service --output json

Exit status: 0 success; 2 usage error (nothing sent); 1 API, transport or timeout error.";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  vpcep completions bash > ~/.local/share/bash-completion/completions/vpcep
  vpcep completions zsh > ~/.zfunc/_vpcep      # with fpath+=(~/.zfunc) before compinit
  vpcep completions fish > ~/.config/fish/completions/vpcep.fish";

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
    #[arg(value_name = "SERVICE", help = SERVICE_HELP)]
    pub service: String,

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

/// What to change, and where.
#[derive(Debug, Args)]
pub struct ModifyArgs {
    #[arg(value_name = "SERVICE", help = SERVICE_HELP)]
    pub service: String,

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
    // The help of the flags without a doc comment is the spec's (see `help.rs`).
    #[arg(long, value_name = "NAME")]
    #[serde(rename = "service_name", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

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

    #[arg(long, value_name = "UUID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_id: Option<String>,

    #[arg(long, value_name = "ID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vip_port_id: Option<String>,

    #[arg(long, value_name = "VALUE", ignore_case = true, value_parser = choice(&TcpProxy::VALUES))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_proxy: Option<String>,

    #[arg(long, value_name = "TEXT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// What to list, and how to print it.
#[derive(Debug, Args)]
pub struct ListArgs {
    // The help of the filters is the spec's (see `help.rs`).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    #[arg(long, value_name = "STATUS", ignore_case = true, value_parser = choice(&ServiceStatus::VALUES))]
    pub status: Option<String>,

    #[arg(long, value_name = "FIELD", ignore_case = true, value_parser = choice(&ServiceSortKey::VALUES))]
    pub sort_key: Option<String>,

    /// The order of the list, by --sort-key: asc (the default here, unlike the API's: the
    /// oldest first, so that services created during the walk come last) or desc.
    #[arg(long, value_name = "DIRECTION", ignore_case = true, value_parser = choice(&SortDirection::VALUES))]
    pub sort_dir: Option<String>,

    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help = limit_help())]
    pub limit: Option<u64>,

    #[arg(long, value_name = "N", value_parser = parse_page_size, help = page_size_help())]
    pub page_size: Option<i32>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up on each request after this long, retries included (for example 30 or 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// How to print the services [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub output: Option<Output>,
}

/// Which quotas to show, and how.
#[derive(Debug, Args)]
pub struct QuotasArgs {
    #[arg(long = "type", value_name = "TYPE", ignore_case = true, value_parser = choice(&QuotaResourceType::VALUES))]
    pub type_: Option<String>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up on the request after this long, retries included (for example 30 or 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// How to print the quotas [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub output: Option<Output>,
}

/// The service to create, and where.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub fields: CreateFields,

    /// The whole request as a JSON body (the spec's CreateEndpointServiceRequest), from FILE or
    /// from standard input with '-'.
    #[arg(long, value_name = "FILE", conflicts_with = "create_fields")]
    pub body: Option<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up on each request after this long, retries included (for example 30 or 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Send nothing, and need no credentials: show the request that would be sent (method, URL,
    /// body), checked like a real one.
    #[arg(long)]
    pub dry_run: bool,

    /// After the create, wait until the service is available, for at most TIMEOUT (default
    /// 10m).
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

    /// How to print the service the API answers (or the wait last read).
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// The fields of the service to create. Serialised, they are the JSON request body (each
/// flag's field named as the spec names it); the library checks it. Which are required is the
/// spec's `required` (see `help.rs`).
#[derive(Debug, Args, Serialize)]
#[group(id = "create_fields", multiple = true)]
pub struct CreateFields {
    // The help of the flags without a doc comment is the spec's (see `help.rs`).
    #[arg(long, value_name = "UUID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_id: Option<String>,

    #[arg(long, value_name = "UUID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,

    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = choice(&ServerType::VALUES))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_type: Option<String>,

    /// A port mapping, CLIENT:SERVER with an optional /tcp or /udp (TCP by default). Repeat it
    /// for more.
    #[arg(long = "port", value_name = "CLIENT:SERVER[/tcp|/udp]", value_parser = parse_port)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortArg>,

    #[arg(long, value_name = "NAME")]
    #[serde(rename = "service_name", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    #[arg(long, value_name = "true|false")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_enabled: Option<bool>,

    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = choice(&CreatableServiceType::VALUES))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,

    #[arg(long, value_name = "VALUE", ignore_case = true, value_parser = choice(&TcpProxy::VALUES))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_proxy: Option<String>,

    #[arg(long, value_name = "TEXT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// A resource tag, KEY=VALUE, or KEY alone for a tag without a value. Repeat it for more.
    #[arg(long = "tag", value_name = "KEY[=VALUE]", value_parser = parse_tag)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagArg>,

    #[arg(long, value_name = "ID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_id: Option<String>,
}

/// The service to delete, and how.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[arg(value_name = "SERVICE", help = SERVICE_HELP)]
    pub service: String,

    /// Delete without asking (needed when standard input is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Send nothing: show the request that would be sent. With credentials, a name is looked
    /// up and the service is read first (so a missing one fails); without, the request shows
    /// the placeholders of what is not known.
    #[arg(long)]
    pub dry_run: bool,

    /// After the deletion is accepted, wait until the service is gone, for at most TIMEOUT
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

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Give up on each request after this long, retries included (for example 30 or 1m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

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

fn parse_tag(text: &str) -> Result<TagArg, String> {
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
fn choice(values: &'static [&'static str]) -> impl clap::builder::TypedValueParser<Value = String> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(values).map(|given: String| {
        values
            .iter()
            .find(|value| value.eq_ignore_ascii_case(&given))
            .map_or(given, |value| (*value).to_owned())
    })
}

fn limit_help() -> String {
    format!(
        "Print at most N services, and stop reading there; without it, every service (up to \
         the library's bound of {}, with a warning when it is reached)",
        otc_vpcep::DEFAULT_MAX_LIST_ITEMS
    )
}

fn page_size_help() -> String {
    format!(
        "How many services each request asks for (the API's limit), 2 to {most} [default: \
         {most}, or --limit when smaller]",
        most = spec::MAX_LIST_LIMIT
    )
}

/// A page size for the walk: 2 (a walk's pages overlap by one service) to the spec's most.
fn parse_page_size(text: &str) -> Result<i32, String> {
    let most = spec::MAX_LIST_LIMIT;
    match text.trim().parse::<usize>() {
        Ok(size) if (2..=most).contains(&size) => {
            i32::try_from(size).map_err(|_| format!("{size} is not in 2..={most}"))
        }
        _ => Err(format!("{text:?} is not a number in 2..={most}")),
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
