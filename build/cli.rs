//! The command line's operations, generated from the spec (as oxide's CLI is made from its
//! own): for each operation, a `vpcep` subcommand whose positionals are the path parameters,
//! whose flags are the query parameters and the body's fields (with `--body FILE` for the
//! whole body), each with the spec's description as its help; the command's JSON body and
//! query as the library's builder takes them; and a run of its own for an operation that
//! needs nothing else. What is shaped by hand is in the two tables below: [`COMMANDS`] (the
//! name, the examples, the options and the run of a command) and [`FLAGS`] (the flags whose
//! syntax is the CLI's own, such as `--port 8081:22/udp`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{
    builders::{self, Kind, Parameter},
    component_name, ident, operation_id, operations, pascal, resolved, screaming, snake,
};

/// How a command differs from what its operation alone would make.
pub struct Command {
    /// The spec's `operationId`.
    pub operation: &'static str,
    /// The subcommand's name (else the `operationId` in kebab case).
    pub name: &'static str,
    /// What the subcommand does, as `vpcep --help` lists it (else the spec's summary).
    pub about: &'static str,
    /// The constant of the examples and exit statuses shown after the help.
    pub examples: &'static str,
    /// The type of the command's own flags (else [`GENERIC_OPTIONS`], or
    /// [`GENERIC_BODY_OPTIONS`] for an operation with a body).
    pub options: Option<&'static str>,
    /// The function that runs the command, `async fn(Command) -> Result<(), Failure>` (else
    /// the generated run: the path's values resolved, the call made, its answer printed).
    pub run: Option<&'static str>,
}

/// The own flags of a command that has no [`Command::options`]: `--output`, `--dry-run` for
/// an operation with a body, and `--limit` for a paged list (whose command walks every page).
const GENERIC_OPTIONS: &str = "crate::generic::Options";
const GENERIC_BODY_OPTIONS: &str = "crate::generic::BodyOptions";
const GENERIC_WALK_OPTIONS: &str = "crate::args::WalkArgs";

/// The commands of the spec's operations that are shaped by hand.
pub const COMMANDS: [Command; 8] = [
    Command {
        operation: "listEndpointServices",
        name: "list",
        about: "List the VPC endpoint services of the project (every page), or those that \
                match.",
        examples: "crate::examples::LIST",
        options: Some("crate::args::WalkArgs"),
        run: Some("crate::list::run"),
    },
    Command {
        operation: "getEndpointService",
        name: "get",
        about: "Show a VPC endpoint service: its status, ports and every other attribute.",
        examples: "crate::examples::GET",
        options: None,
        run: None,
    },
    Command {
        operation: "createEndpointService",
        name: "create",
        about: "Create a VPC endpoint service.",
        examples: "crate::examples::CREATE",
        options: Some("crate::create::Options"),
        run: Some("crate::create::run"),
    },
    Command {
        operation: "modifyEndpointService",
        name: "modify",
        about: "Modify a VPC endpoint service: set fields, replace or edit its port mappings.",
        examples: "crate::examples::MODIFY",
        options: Some("crate::args::ModifyOptions"),
        run: Some("crate::modify::run"),
    },
    Command {
        operation: "deleteEndpointService",
        name: "delete",
        about: "Delete a VPC endpoint service (after confirmation, or with --yes).",
        examples: "crate::examples::DELETE",
        options: Some("crate::delete::Options"),
        run: Some("crate::delete::run"),
    },
    Command {
        operation: "listConnections",
        name: "connections",
        about: "List the connections of a VPC endpoint service: the VPC endpoints that connect \
                to it, pending, accepted or rejected (every page)",
        examples: "crate::examples::CONNECTIONS",
        options: Some("crate::args::WalkArgs"),
        run: Some("crate::connections::list"),
    },
    Command {
        operation: "listPermissions",
        name: "whitelist",
        about: "List the whitelist of a VPC endpoint service (every record), add or remove \
                records, or set it to a list",
        examples: "crate::examples::WHITELIST",
        options: Some("crate::whitelist::Options"),
        run: Some("crate::whitelist::run"),
    },
    Command {
        operation: "listQuotas",
        name: "quotas",
        about: "Show the project's quotas of VPC endpoint services and VPC endpoints, and \
                their use.",
        examples: "crate::examples::QUOTAS",
        options: Some("crate::args::ListOutput"),
        run: Some("crate::quotas::run"),
    },
];

/// A flag (or a path parameter's positional) shaped by hand.
pub struct Flag {
    /// The operations (their `operationId`s), or none for every operation with the field.
    pub operations: &'static [&'static str],
    /// The parameter or body field, as the spec names it.
    pub field: &'static str,
    /// The flag's name (else the field's, in kebab case).
    pub long: Option<&'static str>,
    /// What the help calls its value.
    pub value_name: Option<&'static str>,
    /// The Rust type of one value and its parser, for a syntax of the CLI's own; the type is
    /// `Serialize` as the field's JSON.
    pub parsed: Option<(&'static str, &'static str)>,
    /// The short help, a Rust expression, instead of the spec's (which follows it in the
    /// long help).
    pub help: Option<&'static str>,
    /// The function that turns a path parameter as given into the value sent,
    /// `async fn(&Client, &str) -> Result<String, Failure>` (a name looked up).
    pub resolve: Option<&'static str>,
    /// Whether the flag is left out: the command sets the value itself.
    pub skip: bool,
}

impl Flag {
    /// A flag as the spec makes it.
    const SPEC: Flag = Flag {
        operations: &[],
        field: "",
        long: None,
        value_name: None,
        parsed: None,
        help: None,
        resolve: None,
        skip: false,
    };
}

/// The syntax of a port mapping on the command line.
const PORT: Option<&str> = Some("CLIENT:SERVER[/tcp|/udp]");

/// The flags shaped by hand.
pub const FLAGS: [Flag; 7] = [
    Flag {
        field: "vpc_endpoint_service_id",
        value_name: Some("SERVICE"),
        help: Some("crate::args::SERVICE_HELP"),
        resolve: Some("crate::resolve::service_id"),
        ..Flag::SPEC
    },
    Flag {
        field: "service_name",
        long: Some("name"),
        value_name: Some("NAME"),
        ..Flag::SPEC
    },
    Flag {
        operations: &["createEndpointService", "modifyEndpointService"],
        field: "ports",
        long: Some("port"),
        value_name: PORT,
        parsed: Some(("crate::args::PortArg", "crate::args::parse_port")),
        help: Some(
            "\"A port mapping, CLIENT:SERVER with an optional /tcp or /udp (TCP by default). \
             Repeat it for more (a modify's mappings replace all of the service's)\"",
        ),
        ..Flag::SPEC
    },
    Flag {
        operations: &["createEndpointService", "createEndpoint"],
        field: "tags",
        long: Some("tag"),
        value_name: Some("KEY[=VALUE]"),
        parsed: Some(("crate::args::TagArg", "crate::args::parse_tag")),
        help: Some(
            "\"A resource tag, KEY=VALUE, or KEY alone for a tag without a value. Repeat it \
             for more\"",
        ),
        ..Flag::SPEC
    },
    Flag {
        operations: &["listEndpointServices"],
        field: "endpoint_service_name",
        long: Some("name"),
        value_name: Some("NAME"),
        ..Flag::SPEC
    },
    Flag {
        operations: &["listEndpointServices"],
        field: "sort_dir",
        help: Some(
            "\"The order of the list, by --sort-key: asc (the default here, unlike the API's: \
             the oldest first, so that services created during the walk come last) or desc\"",
        ),
        ..Flag::SPEC
    },
    Flag {
        operations: &["listEndpointServices"],
        field: "limit",
        long: Some("page-size"),
        value_name: Some("N"),
        parsed: Some(("i32", "crate::args::parse_page_size")),
        help: Some("crate::args::page_size_help()"),
        ..Flag::SPEC
    },
];

/// The operations whose commands are the CLI's own, shaped by hand in `args.rs`: `accept` and
/// `reject` (any number of endpoints, one request each), and `whitelist --add/--remove`.
pub const BY_HAND: [&str; 2] = ["acceptOrRejectConnections", "addOrRemovePermissions"];

/// The ids of the flags every command has beside its operation's: a field of the spec may not
/// take them.
const RESERVED: [&str; 13] = [
    "body",
    "region",
    "endpoint",
    "project_id",
    "os_cloud",
    "os_client_config_file",
    "retries",
    "timeout",
    "output",
    "dry_run",
    "wait",
    "yes",
    "help",
];

/// What the help says of a field that the spec requires.
pub const REQUIRED: &str = "[required unless --body]";

/// The hand-made shape of `field` of `operation`, if any.
fn flag(operation: &str, field: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| {
        f.field == field && (f.operations.is_empty() || f.operations.contains(&operation))
    })
}

/// The generated command line: a command per operation, and the enum of them.
pub fn generate(document: &Value) -> Result<TokenStream, String> {
    let paths = document.get("paths");
    let mut variants = Vec::new();
    let mut runs = Vec::new();
    let mut items = Vec::new();
    // The hand-shaped commands first, in the table's order; then the others, in the spec's.
    let mut all = operations(document);
    all.sort_by_key(|(_, _, operation)| {
        let id = operation_id(operation).unwrap_or_default();
        COMMANDS
            .iter()
            .position(|c| c.operation == id)
            .unwrap_or(COMMANDS.len())
    });
    for (method, path, operation) in all {
        let id = operation_id(operation)?;
        if BY_HAND.contains(&id.as_str()) {
            continue;
        }
        let item = paths
            .and_then(|p| p.get(&path))
            .ok_or_else(|| format!("{path} is not in paths"))?;
        let command = command(document, &method, &path, item, operation, &id)?;
        variants.push(command.variant);
        runs.push(command.run);
        items.push(command.items);
    }
    for row in &COMMANDS {
        if !operations(document)
            .iter()
            .any(|(_, _, o)| operation_id(o).is_ok_and(|id| id == row.operation))
        {
            return Err(format!(
                "COMMANDS names {}, which the spec has not",
                row.operation
            ));
        }
    }
    Ok(quote! {
        /// The commands of the spec's operations.
        #[derive(Debug, clap::Subcommand)]
        pub enum Operation {
            #(#variants)*
        }

        impl Operation {
            /// Runs the command.
            pub async fn run(self) -> Result<(), crate::failure::Failure> {
                match self {
                    #(#runs)*
                }
            }
        }

        #(#items)*
    })
}

/// One operation's command: its variant of `Operation`, its arm of `Operation::run`, and its
/// types.
struct Generated {
    variant: TokenStream,
    run: TokenStream,
    items: TokenStream,
}

/// An argument of a command: a path parameter, a query parameter or a body field.
struct Argument {
    field: proc_macro2::Ident,
    /// The attributes of the argument (`#[arg(...)]`) and its type.
    attributes: TokenStream,
    ty: TokenStream,
}

fn command(
    document: &Value,
    method: &str,
    path: &str,
    item: &Value,
    operation: &Value,
    id: &str,
) -> Result<Generated, String> {
    let row = COMMANDS.iter().find(|c| c.operation == id);
    let name = pascal(id);
    let variant = format_ident!("{name}");
    let command_type = format_ident!("{name}Command");
    let fields_type = format_ident!("{name}Fields");
    let builder = format_ident!("{name}");
    let group = format!("{}_fields", snake(id));
    let subcommand = row.map_or_else(|| snake(id).replace('_', "-"), |r| r.name.to_owned());
    let summary = operation
        .get("summary")
        .and_then(Value::as_str)
        .unwrap_or(id)
        .to_owned();
    // Without its full stop, as clap shows a doc comment.
    let about = row.map_or(summary.as_str(), |r| r.about);
    let about = about.trim_end_matches('.');
    let after_help = match row {
        Some(row) => {
            let examples = path_tokens(row.examples)?;
            quote!(after_help = #examples,)
        }
        None => quote!(),
    };

    let path_parameters = builders::parameters(document, path, method, item, operation, "path")?;
    let query = builders::parameters(document, path, method, item, operation, "query")?;
    let body = request_body(document, id, operation)?;

    let mut arguments = Vec::new();
    for p in &path_parameters {
        arguments.push(path_argument(document, id, p)?);
    }
    // A paged list's command walks every page: the walk sets `offset`, and `limit` unless a
    // flag shapes it (`--limit N` is then the most items read).
    let paged = builders::paged_list(document, operation, id, &query)?;
    let mut query_setters = Vec::new();
    for p in &query {
        let shape = flag(id, &p.name);
        let walked =
            paged.is_some() && (p.name == "offset" || (p.name == "limit" && shape.is_none()));
        if shape.is_some_and(|s| s.skip) || walked {
            continue;
        }
        let (argument, setter) = query_argument(document, id, p, shape)?;
        arguments.push(argument);
        query_setters.push(setter);
    }
    let mut body_fields = Vec::new();
    let mut body_puts = Vec::new();
    if let Some((schema_name, schema)) = &body {
        let required = schema.get("required").and_then(Value::as_array);
        // The required fields first, in the spec's order of `required`; then the others.
        let mut properties: Vec<(&String, &Value)> = schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .collect();
        properties.sort_by_key(|(field, _)| {
            required
                .and_then(|r| r.iter().position(|n| n == field.as_str()))
                .unwrap_or(usize::MAX)
        });
        for (field, property) in properties {
            let shape = flag(id, field);
            if shape.is_some_and(|s| s.skip) {
                continue;
            }
            let is_required = required.is_some_and(|r| r.iter().any(|n| n == field));
            let at = format!("{schema_name}.{field}");
            let (argument, put) =
                body_argument(document, &at, field, property, is_required, shape)?;
            body_fields.push(argument);
            body_puts.push(put);
        }
    }
    for argument in arguments.iter().chain(&body_fields) {
        let id = argument.field.to_string();
        let id = id.trim_start_matches("r#").trim_end_matches('_');
        if RESERVED.contains(&id) {
            return Err(format!(
                "{id}: the flag --{} is every command's own: shape it in FLAGS",
                id.replace('_', "-")
            ));
        }
    }

    let fields = arguments.iter().map(|a| {
        let (field, attributes, ty) = (&a.field, &a.attributes, &a.ty);
        quote! {
            #attributes
            pub #field: #ty,
        }
    });
    let (body_members, body_items, body_method) = match &body {
        Some((schema_name, _)) => {
            let body_help = format!(
                "The whole request as a JSON body (the spec's {schema_name}), from FILE or from \
                 standard input with '-'"
            );
            let members = quote! {
                #[command(flatten)]
                pub fields: #fields_type,

                #[arg(long, value_name = "FILE", conflicts_with = #group, help = #body_help)]
                pub body: Option<std::path::PathBuf>,
            };
            let body_fields = body_fields.iter().map(|a| {
                let (field, attributes, ty) = (&a.field, &a.attributes, &a.ty);
                quote! {
                    #attributes
                    pub #field: #ty,
                }
            });
            let fields_doc = format!(
                "The fields of the request body of `{id}` given as flags; those not given are \
                 not sent."
            );
            let items = quote! {
                #[doc = #fields_doc]
                #[derive(Debug, clap::Args)]
                #[group(id = #group, multiple = true)]
                pub struct #fields_type {
                    #(#body_fields)*
                }

                impl #fields_type {
                    /// The fields given, as the JSON object of the request body.
                    pub fn json(&self) -> Result<serde_json::Value, crate::failure::Failure> {
                        let mut body = serde_json::Map::new();
                        #(#body_puts)*
                        Ok(serde_json::Value::Object(body))
                    }
                }
            };
            let method = quote! {
                /// The JSON request body: the `--body` file (or standard input), or else the
                /// flags given.
                pub fn json_body(&self) -> Result<serde_json::Value, crate::failure::Failure> {
                    match &self.body {
                        Some(path) => crate::input::json("--body", path).map_err(crate::failure::Failure::Usage),
                        None => self.fields.json(),
                    }
                }
            };
            (members, items, method)
        }
        None => (quote!(), quote!(), quote!()),
    };
    let generic_options = match (&paged, &body) {
        (Some(_), _) => GENERIC_WALK_OPTIONS,
        (None, Some(_)) => GENERIC_BODY_OPTIONS,
        (None, None) => GENERIC_OPTIONS,
    };
    let options_type = path_tokens(row.and_then(|r| r.options).unwrap_or(generic_options))?;
    let command_doc = format!(
        "`vpcep {subcommand}`: {summary} (`{}` {path}).",
        method.to_uppercase()
    );
    let query_method = if query_setters.is_empty() {
        quote!()
    } else {
        quote! {
            /// The query parameters given, set on `call`.
            // A generated type may or may not be `Copy`: each is cloned.
            #[allow(clippy::clone_on_copy)]
            pub fn query<'a>(&self, call: otc_vpcep::#builder<'a>) -> otc_vpcep::#builder<'a> {
                let mut call = call;
                #(#query_setters)*
                call
            }
        }
    };
    let (generic_run, run) = match row.and_then(|r| r.run) {
        Some(run) => {
            let run = path_tokens(run)?;
            (
                quote!(),
                quote!(Self::#variant(command) => #run(*command).await,),
            )
        }
        None => (
            generic_run(
                id,
                &path_parameters,
                &query_setters,
                body.is_some(),
                paged.as_deref(),
                operation,
            )?,
            quote!(Self::#variant(command) => command.run().await,),
        ),
    };
    Ok(Generated {
        variant: quote! {
            #[command(name = #subcommand, about = #about, long_about = None, #after_help)]
            #variant(Box<#command_type>),
        },
        run,
        items: quote! {
            #[doc = #command_doc]
            #[derive(Debug, clap::Args)]
            pub struct #command_type {
                #(#fields)*
                #body_members

                #[command(flatten)]
                pub call: crate::args::CallArgs,

                #[command(flatten)]
                pub options: #options_type,
            }

            impl #command_type {
                #body_method
                #query_method
                #generic_run
            }

            #body_items
        },
    })
}

/// The run of a command that needs nothing of its own: the path parameters resolved, the
/// request checked and sent (or, for a dry run, printed), the answer printed.
fn generic_run(
    id: &str,
    path_parameters: &[Parameter],
    query_setters: &[TokenStream],
    has_body: bool,
    paged: Option<&str>,
    operation: &Value,
) -> Result<TokenStream, String> {
    let function = ident(&snake(id));
    let constant = format_ident!("{}", screaming(id));
    let mut resolving = Vec::new();
    let mut known = Vec::new();
    let mut values = Vec::new();
    for p in path_parameters {
        let (field, name) = (&p.setter, &p.name);
        resolving.push(match flag(id, name).and_then(|f| f.resolve) {
            Some(resolve) => {
                let resolve = path_tokens(resolve)?;
                quote! {
                    let #field = match credentials {
                        true => Some(#resolve(&client, &self.#field).await?),
                        false => crate::generic::unresolved(&self.#field),
                    };
                }
            }
            None => quote!(let #field = Some(self.#field.clone());),
        });
        known.push(quote!((#name, #field.as_deref())));
        values.push(quote!(#field.as_deref().unwrap_or_default()));
    }
    // Whether the client has credentials matters only to a value looked up by name.
    let credentials = if path_parameters
        .iter()
        .any(|p| flag(id, &p.name).is_some_and(|f| f.resolve.is_some()))
    {
        quote!(credentials)
    } else {
        quote!(_)
    };
    let query = if query_setters.is_empty() {
        quote!()
    } else {
        quote!(let call = self.query(call);)
    };
    let answers = answers_body(operation);
    let blank = path_parameters.iter().map(|_| quote!(""));
    let (check, body, dry_run) = if has_body {
        (
            // Every rule of the body is checked before anything is looked up.
            quote! {
                let body = self.json_body()?;
                let checked = client.#function(#(#blank),*).json_body(&body).build_body()?;
            },
            quote!(let call = call.json_body(&body);),
            quote! {
                if self.options.dry_run {
                    return crate::request::print(&client, &otc_vpcep::spec::#constant, &[#(#known),*], Some(&checked));
                }
            },
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let dry = if has_body {
        quote!(self.options.dry_run)
    } else {
        quote!(false)
    };
    let call_and_print = if let Some(list) = paged {
        let things = list.replace('_', " ");
        quote! {
            let call = call.max_items(crate::walk::most(self.options.most));
            let output = crate::output::for_list(self.options.output);
            crate::walk::print(call.all(), #things, output, self.options.most, crate::table::items).await
        }
    } else if answers {
        quote! {
            let answer = crate::progress::awaited(call.send()).await?;
            crate::output::print_answer(&answer, self.options.output)
        }
    } else {
        quote! {
            crate::progress::awaited(call.send()).await?;
            crate::generic::done(&otc_vpcep::spec::#constant)
        }
    };
    Ok(quote! {
        /// Runs the command: the path's values resolved, the request checked and sent (or,
        /// for a dry run, printed), the answer printed.
        pub async fn run(self) -> Result<(), crate::failure::Failure> {
            let (client, #credentials) = crate::generic::client(&self.call, #dry)?;
            #check
            #(#resolving)*
            let call = client.#function(#(#values),*);
            #query
            #body
            #dry_run
            #call_and_print
        }
    })
}

/// Whether a success answer of `operation` has a JSON body.
fn answers_body(operation: &Value) -> bool {
    operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .any(|(status, response)| {
            status.starts_with('2')
                && response
                    .pointer("/content/application~1json/schema")
                    .is_some()
        })
}

/// A path's tokens, or why it is not one.
fn path_tokens(path: &str) -> Result<TokenStream, String> {
    syn::parse_str::<syn::Expr>(path)
        .map(|e| quote!(#e))
        .map_err(|e| format!("{path}: {e}"))
}

/// The operation's request body: its schema's name and the schema.
fn request_body<'d>(
    document: &'d Value,
    id: &str,
    operation: &'d Value,
) -> Result<Option<(String, &'d Value)>, String> {
    let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema") else {
        return Ok(None);
    };
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
        .ok_or_else(|| format!("{id}: the request body's schema must be a $ref"))?;
    Ok(Some((name.to_owned(), resolved(document, schema)?)))
}

/// The help attributes of an argument: the hand-made short help or the spec's first
/// paragraph, and the long help (the hand-made one, then the spec's whole description).
fn help(
    descriptions: &[String],
    hand: Option<&str>,
    required: bool,
) -> Result<TokenStream, String> {
    let long: Vec<String> = descriptions
        .iter()
        .map(|d| paragraphs(d).join("\n\n"))
        .filter(|d| !d.is_empty())
        .collect();
    let long = long.join("\n\n");
    let suffix = if required {
        format!(" {REQUIRED}")
    } else {
        String::new()
    };
    let long_suffix = if required {
        format!("\n\n{REQUIRED}")
    } else {
        String::new()
    };
    match hand {
        Some(expression) => {
            let expression: syn::Expr =
                syn::parse_str(expression).map_err(|e| format!("{expression}: {e}"))?;
            if long.is_empty() {
                return Ok(quote!(help = #expression,));
            }
            Ok(quote! {
                help = #expression,
                long_help = format!("{}.\n\n{}{}", #expression, #long, #long_suffix),
            })
        }
        None => {
            let short = descriptions
                .first()
                .and_then(|d| paragraphs(d).into_iter().next())
                .map(|first| sentence_end(&first))
                .unwrap_or_default();
            let short = format!("{short}{suffix}");
            let long = format!("{long}{long_suffix}");
            Ok(quote!(help = #short, long_help = #long,))
        }
    }
}

/// The descriptions of a parameter or property: its own, then its schema's when that differs.
fn descriptions(document: &Value, own: &Value, schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for described in [Some(own), resolved(document, schema).ok()]
        .into_iter()
        .flatten()
    {
        if let Some(text) = described.get("description").and_then(Value::as_str)
            && !out.iter().any(|t: &String| t == text)
        {
            out.push(text.to_owned());
        }
    }
    out
}

fn path_argument(document: &Value, id: &str, p: &Parameter) -> Result<Argument, String> {
    let shape = flag(id, &p.name);
    let value_name = shape
        .and_then(|s| s.value_name)
        .map_or_else(|| p.name.to_ascii_uppercase(), str::to_owned);
    let described = document.pointer(p.pointer.trim_end_matches("/schema"));
    let schema = document.pointer(&p.pointer).unwrap_or(&Value::Null);
    let texts = described.map_or_else(Vec::new, |d| descriptions(document, d, schema));
    let help = help(&texts, shape.and_then(|s| s.help), false)?;
    Ok(Argument {
        field: p.setter.clone(),
        attributes: quote!(#[arg(value_name = #value_name, #help)]),
        ty: quote!(String),
    })
}

/// A query parameter's flag, and its setter on the builder.
fn query_argument(
    document: &Value,
    id: &str,
    p: &Parameter,
    shape: Option<&Flag>,
) -> Result<(Argument, TokenStream), String> {
    let field = &p.setter;
    let long = shape
        .and_then(|s| s.long)
        .map_or_else(|| p.name.replace('_', "-"), str::to_owned);
    let described = document.pointer(p.pointer.trim_end_matches("/schema"));
    let schema = document.pointer(&p.pointer).unwrap_or(&Value::Null);
    let texts = described.map_or_else(Vec::new, |d| descriptions(document, d, schema));
    let help = help(&texts, shape.and_then(|s| s.help), false)?;
    let (value, ty, set) = match (shape.and_then(|s| s.parsed), &p.kind) {
        (Some((ty, parser)), _) => {
            let (ty, parser) = (path_tokens(ty)?, path_tokens(parser)?);
            (
                quote!(value_parser = #parser,),
                quote!(Option<#ty>),
                quote!(call = call.#field(value.clone());),
            )
        }
        (None, Kind::Enum(name)) => {
            let ty = ident(name);
            let value_name = enum_value_name(&p.name);
            (
                quote!(value_name = #value_name, ignore_case = true, value_parser = crate::args::choice_of::<otc_vpcep::types::#ty>(&otc_vpcep::types::#ty::VALUES),),
                quote!(Option<otc_vpcep::types::#ty>),
                quote!(call = call.#field(value.clone());),
            )
        }
        (None, Kind::Boolean) => (
            quote!(value_name = "true|false",),
            quote!(Option<bool>),
            quote!(call = call.#field(*value);),
        ),
        (None, Kind::Integer { narrow: true }) => (
            quote!(value_name = "N",),
            quote!(Option<i32>),
            quote!(call = call.#field(*value);),
        ),
        (None, Kind::Integer { narrow: false }) => (
            quote!(value_name = "N",),
            quote!(Option<i64>),
            quote!(call = call.#field(*value);),
        ),
        (None, Kind::Uuid) => (
            quote!(value_name = "UUID",),
            quote!(Option<String>),
            quote!(call = call.#field(value.as_str());),
        ),
        (None, Kind::Text) => (
            quote!(),
            quote!(Option<String>),
            quote!(call = call.#field(value.as_str());),
        ),
        (None, other) => {
            return Err(format!(
                "{id}: the query parameter {} has no flag for its kind {}: shape it in FLAGS",
                p.name,
                other.describe()
            ));
        }
    };
    let value_name = shape
        .and_then(|s| s.value_name)
        .map(|v| quote!(value_name = #v,))
        .unwrap_or_default();
    Ok((
        Argument {
            field: field.clone(),
            attributes: quote!(#[arg(long = #long, #value_name #value #help)]),
            ty,
        },
        quote! {
            if let Some(value) = &self.#field {
                #set
            }
        },
    ))
}

/// A body field's flag, and its part of the JSON body.
fn body_argument(
    document: &Value,
    at: &str,
    name: &str,
    property: &Value,
    required: bool,
    shape: Option<&Flag>,
) -> Result<(Argument, TokenStream), String> {
    let field = builders::setter_name(name);
    let long = shape
        .and_then(|s| s.long)
        .map_or_else(|| name.replace('_', "-"), str::to_owned);
    let target = resolved(document, property)?;
    let mut texts = descriptions(document, property, property);
    // A list's items have descriptions of their own (a tag's key and value).
    if let Some(items) = target.get("items")
        && let Ok(items) = resolved(document, items)
    {
        for (_, item) in items
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            texts.extend(descriptions(document, item, item));
        }
    }
    let help = help(&texts, shape.and_then(|s| s.help), required)?;
    let kind = Kind::of(document, property, at)?;
    let (value, ty, many) = match (shape.and_then(|s| s.parsed), &kind) {
        (Some((ty, parser)), kind) => {
            let (ty, parser) = (path_tokens(ty)?, path_tokens(parser)?);
            let many = matches!(kind, Kind::ListOf(_) | Kind::ListOfText);
            let ty = if many {
                quote!(Vec<#ty>)
            } else {
                quote!(Option<#ty>)
            };
            (quote!(value_parser = #parser,), ty, many)
        }
        (None, Kind::Boolean) => (
            quote!(value_name = "true|false",),
            quote!(Option<bool>),
            false,
        ),
        (None, Kind::Integer { .. }) => (quote!(value_name = "N",), quote!(Option<i64>), false),
        (None, Kind::Uuid) => (quote!(value_name = "UUID",), quote!(Option<String>), false),
        (None, Kind::Text) => (quote!(), quote!(Option<String>), false),
        (None, Kind::Enum(ty)) => {
            let ty = ident(ty);
            let value_name = enum_value_name(name);
            (
                quote!(value_name = #value_name, ignore_case = true, value_parser = crate::args::choice(&otc_vpcep::types::#ty::VALUES),),
                quote!(Option<String>),
                false,
            )
        }
        (None, Kind::ListOfText) => (quote!(), quote!(Vec<String>), true),
        (None, Kind::ListOf(_) | Kind::Object(_)) => (
            quote!(value_name = "JSON", value_parser = crate::args::parse_json,),
            quote!(Option<serde_json::Value>),
            false,
        ),
    };
    let value_name = shape
        .and_then(|s| s.value_name)
        .map(|v| quote!(value_name = #v,))
        .unwrap_or_default();
    let required = if required {
        quote!(required_unless_present = "body",)
    } else {
        quote!()
    };
    let put = if many {
        quote! {
            if !self.#field.is_empty() {
                crate::args::put(&mut body, #name, &self.#field)?;
            }
        }
    } else {
        quote! {
            if let Some(value) = &self.#field {
                crate::args::put(&mut body, #name, value)?;
            }
        }
    };
    Ok((
        Argument {
            field,
            attributes: quote!(#[arg(long = #long, #value_name #value #required #help)]),
            ty,
        },
        put,
    ))
}

/// What the help calls a value of an enumeration: the last word of its field's name
/// (`server_type`: `TYPE`), the values being listed beside it.
fn enum_value_name(field: &str) -> String {
    field
        .rsplit('_')
        .next()
        .unwrap_or(field)
        .to_ascii_uppercase()
}

/// A description's paragraphs, as plain text: the lines of each paragraph joined, list items
/// one a line, Markdown's backticks and bold marks left out.
pub fn paragraphs(markdown: &str) -> Vec<String> {
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
pub fn sentence_end(paragraph: &str) -> String {
    let paragraph = paragraph.trim_end();
    let kept = match paragraph.strip_suffix(':') {
        Some(lead) => lead.rsplit_once(". ").map_or(lead, |(before, _)| before),
        None => paragraph,
    };
    kept.trim_end_matches('.').trim_end().to_owned()
}
