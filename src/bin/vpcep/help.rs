//! The help of the flags that carry a value of the spec, taken from the spec's descriptions
//! (the embedded `OPENAPI_JSON`), so that no rule is typed twice: a flag's short help (`-h`)
//! is its description's first paragraph, its long help (`--help`) the whole description. A
//! flag whose syntax is the CLI's own (`--port`, `--tag`) keeps its hand-made help, and the
//! spec's description follows it in the long help. The flags of `create` that the spec
//! requires are required here too, unless the request comes from `--body`.

use clap::{Arg, CommandFactory};
use serde_json::Value;

use crate::args::Cli;

/// Where a description is in the spec.
#[derive(Clone, Copy, Debug)]
enum Source {
    /// The query parameter `name` of the operation `operation` (its `operationId`).
    Parameter {
        operation: &'static str,
        name: &'static str,
    },
    /// The property `name` of the schema `schema` (under `components/schemas`).
    Property {
        schema: &'static str,
        name: &'static str,
    },
}

/// Whose help a flag shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Help {
    /// The spec's.
    Spec,
    /// Its own (the doc comment in `args.rs`), followed by the spec's in the long help.
    Hand,
}

use Help::{Hand, Spec};
use Source::{Parameter, Property};

const CREATE: &str = "CreateEndpointServiceRequest";
const MODIFY: &str = "ModifyEndpointServiceRequest";
const TAG: &str = "TagInput";

const fn create(name: &'static str) -> Source {
    Property {
        schema: CREATE,
        name,
    }
}

const fn modify(name: &'static str) -> Source {
    Property {
        schema: MODIFY,
        name,
    }
}

const fn list(name: &'static str) -> Source {
    Parameter {
        operation: "listEndpointServices",
        name,
    }
}

/// The flags whose help comes from the spec: command, the flag's argument id, where its
/// descriptions are (the first one is the value's own), and whose short help it shows.
const FROM_SPEC: &[(&str, &str, &[Source], Help)] = &[
    ("list", "name", &[list("endpoint_service_name")], Spec),
    ("list", "status", &[list("status")], Spec),
    ("list", "sort_key", &[list("sort_key")], Spec),
    (
        "quotas",
        "type_",
        &[Parameter {
            operation: "listQuotas",
            name: "type",
        }],
        Spec,
    ),
    ("create", "port_id", &[create("port_id")], Spec),
    ("create", "vpc_id", &[create("vpc_id")], Spec),
    ("create", "server_type", &[create("server_type")], Spec),
    ("create", "ports", &[create("ports")], Hand),
    ("create", "name", &[create("service_name")], Spec),
    (
        "create",
        "approval_enabled",
        &[create("approval_enabled")],
        Spec,
    ),
    ("create", "service_type", &[create("service_type")], Spec),
    ("create", "tcp_proxy", &[create("tcp_proxy")], Spec),
    ("create", "description", &[create("description")], Spec),
    (
        "create",
        "tags",
        &[
            create("tags"),
            Property {
                schema: TAG,
                name: "key",
            },
            Property {
                schema: TAG,
                name: "value",
            },
        ],
        Hand,
    ),
    ("create", "pool_id", &[create("pool_id")], Spec),
    ("modify", "name", &[modify("service_name")], Spec),
    (
        "modify",
        "approval_enabled",
        &[modify("approval_enabled")],
        Spec,
    ),
    ("modify", "ports", &[modify("ports")], Hand),
    ("modify", "port_id", &[modify("port_id")], Spec),
    ("modify", "vip_port_id", &[modify("vip_port_id")], Spec),
    ("modify", "tcp_proxy", &[modify("tcp_proxy")], Spec),
    ("modify", "description", &[modify("description")], Spec),
];

/// The command line of `vpcep`, with the help of [`FROM_SPEC`] from the spec, and the flags
/// of `create` that the spec requires required unless `--body` is given.
pub fn command() -> clap::Command {
    let Ok(spec) = serde_json::from_str::<Value>(otc_vpcep::spec::OPENAPI_JSON) else {
        return Cli::command();
    };
    FROM_SPEC
        .iter()
        .fold(Cli::command(), |cli, &(command, arg, sources, help)| {
            cli.mut_subcommand(command, |sub| {
                sub.mut_arg(arg, |flag| documented(&spec, flag, sources, help))
            })
        })
}

/// `flag` with the help of `sources`, and required as the spec says.
fn documented(spec: &Value, flag: Arg, sources: &[Source], help: Help) -> Arg {
    let texts: Vec<Vec<String>> = sources
        .iter()
        .filter_map(|source| description(spec, *source))
        .map(|text| paragraphs(&text))
        .collect();
    let mut flag = flag;
    if let Some(own) = texts.first() {
        let long = texts
            .iter()
            .map(|paragraphs| paragraphs.join("\n\n"))
            .collect::<Vec<_>>()
            .join("\n\n");
        flag = match help {
            Spec => {
                let short = own.first().map(|first| sentence_end(first));
                flag.help(short.unwrap_or_default()).long_help(long)
            }
            Hand => {
                let mine = flag.get_help().map(ToString::to_string).unwrap_or_default();
                flag.long_help(format!("{mine}.\n\n{long}"))
            }
        };
    }
    match sources.first() {
        Some(Property { schema, name }) if is_required(spec, schema, name) => {
            let short = flag.get_help().map(ToString::to_string).unwrap_or_default();
            let long = flag.get_long_help().map(ToString::to_string);
            let flag = flag
                .required_unless_present("body")
                .help(format!("{short} {REQUIRED}"));
            match long {
                Some(long) => flag.long_help(format!("{long}\n\n{REQUIRED}")),
                None => flag,
            }
        }
        _ => flag,
    }
}

/// What the help of a flag that the spec requires says.
const REQUIRED: &str = "[required unless --body]";

/// The description at `source`: its own, or else that of the schema it refers to.
fn description(spec: &Value, source: Source) -> Option<String> {
    let described = match source {
        Parameter { operation, name } => parameter(spec, operation, name)?,
        Property { schema, name } => spec
            .pointer(&format!("/components/schemas/{schema}/properties/{name}"))?
            .clone(),
    };
    let own = described.get("description").and_then(Value::as_str);
    let referred = || {
        let schema = described.get("schema").unwrap_or(&described);
        referenced(spec, schema)?
            .get("description")
            .and_then(Value::as_str)
    };
    own.or_else(referred).map(str::to_owned)
}

/// Whether the schema `schema` requires its property `name`.
fn is_required(spec: &Value, schema: &str, name: &str) -> bool {
    spec.pointer(&format!("/components/schemas/{schema}/required"))
        .and_then(Value::as_array)
        .is_some_and(|required| required.iter().any(|r| r == name))
}

/// The parameter `name` of the operation whose `operationId` is `operation`, resolved.
fn parameter(spec: &Value, operation: &str, name: &str) -> Option<Value> {
    let paths = spec.get("paths")?.as_object()?;
    let found = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation))?;
    found
        .get("parameters")?
        .as_array()?
        .iter()
        .map(|p| referenced(spec, p).unwrap_or(p))
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .cloned()
}

/// The schema or parameter `value` refers to with `$ref`, if it does.
fn referenced<'a>(spec: &'a Value, value: &Value) -> Option<&'a Value> {
    let reference = value.get("$ref")?.as_str()?;
    spec.pointer(reference.strip_prefix('#')?)
}

/// A description's paragraphs, as plain text: the lines of each paragraph joined, list items
/// one a line, Markdown's backticks and bold marks left out.
fn paragraphs(markdown: &str) -> Vec<String> {
    let plain = markdown.replace("**", "").replace('`', "");
    plain
        .split("\n\n")
        .map(|block| {
            let mut lines: Vec<String> = Vec::new();
            for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match lines.last_mut() {
                    Some(last) if !line.starts_with("- ") => {
                        last.push(' ');
                        last.push_str(line);
                    }
                    _ => lines.push(line.to_owned()),
                }
            }
            lines.join("\n")
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// A paragraph as a short help, without the full stop that clap leaves out. A paragraph that
/// leads into a list (which only the long help shows) ends before its last sentence, or, when
/// it is one sentence, without its colon.
fn sentence_end(paragraph: &str) -> String {
    let paragraph = paragraph.trim_end();
    let kept = match paragraph.strip_suffix(':') {
        Some(lead) => lead.rsplit_once(". ").map_or(lead, |(before, _)| before),
        None => paragraph,
    };
    kept.trim_end_matches('.').trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        serde_json::from_str(otc_vpcep::spec::OPENAPI_JSON).unwrap()
    }

    #[test]
    fn every_flag_of_the_table_has_a_description_in_the_spec() {
        let spec = spec();
        for (command, arg, sources, _) in FROM_SPEC {
            for source in *sources {
                let text = description(&spec, *source);
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{command} --{arg}: {source:?}"
                );
            }
        }
    }

    #[test]
    fn the_help_is_the_specs_and_every_new_flag_has_help() {
        let mut command = command();
        command.build();
        let create = command.find_subcommand("create").unwrap();
        let name = create
            .get_arguments()
            .find(|a| a.get_id() == "name")
            .unwrap();
        let spec_text = description(&spec(), create_source("service_name")).unwrap();
        let first = paragraphs(&spec_text).remove(0);
        assert_eq!(
            name.get_help().unwrap().to_string(),
            sentence_end(&first),
            "the short help is the spec's first paragraph"
        );
        for sub in [
            "list", "create", "delete", "quotas", "modify", "get", "wait",
        ] {
            let sub = command.find_subcommand(sub).unwrap();
            for arg in sub.get_arguments() {
                if arg.is_hide_set() || ["help", "version"].contains(&arg.get_id().as_str()) {
                    continue;
                }
                assert!(
                    arg.get_help().is_some_and(|h| !h.to_string().is_empty()),
                    "{} --{} has no help",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
        command.debug_assert();
    }

    fn create_source(name: &'static str) -> Source {
        create(name)
    }

    #[test]
    fn the_flags_the_spec_requires_are_required_without_a_body() {
        let mut command = command();
        command.build();
        let create = command.find_subcommand("create").unwrap();
        let errors = command
            .clone()
            .try_get_matches_from(["vpcep", "create", "--region", "eu-de"])
            .unwrap_err()
            .to_string();
        for flag in ["--port-id", "--vpc-id", "--server-type", "--port <"] {
            assert!(errors.contains(flag), "{flag} in {errors}");
        }
        assert!(!errors.contains("--name"), "{errors}");
        assert!(
            command
                .clone()
                .try_get_matches_from(["vpcep", "create", "--body", "-"])
                .is_ok()
        );
        assert!(create.get_arguments().any(|a| a.get_id() == "body"));
    }

    #[test]
    fn markdown_reads_as_plain_text() {
        let text = "Specifies whether it is `on`:\n\n- `false`: no. The VPC endpoint is\n  \
                    **Accepted**.\n- `true`: yes.\n\nThe default\nis `true`.\n";
        assert_eq!(
            paragraphs(text),
            [
                "Specifies whether it is on:",
                "- false: no. The VPC endpoint is Accepted.\n- true: yes.",
                "The default is true."
            ]
        );
        assert_eq!(
            sentence_end("Specifies whether it is on:"),
            "Specifies whether it is on"
        );
        assert_eq!(
            sentence_end("Specifies the ID. It is a UUID. The value is as follows:"),
            "Specifies the ID. It is a UUID"
        );
        assert_eq!(sentence_end("Specifies the ID."), "Specifies the ID");
    }
}
