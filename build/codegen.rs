//! Turns the spec into Rust source with progenitor, plus what the ergonomic layer takes from
//! the spec: the table of operations, the values of each closed enumeration, the setters of
//! each request body's fields, and the named limits. Shared by `build.rs` and its tests.

use std::panic::{self, AssertUnwindSafe};

#[path = "builders.rs"]
mod builders;
#[path = "cli.rs"]
pub mod cli;

use proc_macro2::{Ident, Span, TokenStream};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;
use serde_json::Value;

/// Named limits of the spec, each a JSON pointer into the document, generated as constants.
const LIMITS: [(&str, &str, &str); 4] = [
    (
        "MAX_LIST_LIMIT",
        "/paths/~1v1~1{project_id}~1vpc-endpoint-services/get/parameters/5/schema/maximum",
        "The most services one page of the list may carry (its `limit`).",
    ),
    (
        "MIN_PORT_MAPPINGS",
        "/components/schemas/ModifyEndpointServiceRequest/properties/ports/minItems",
        "The fewest port mappings a modify request that sends `ports` may carry.",
    ),
    (
        "MAX_PORT_MAPPINGS",
        "/components/schemas/ModifyEndpointServiceRequest/properties/ports/maxItems",
        "The most port mappings one modify request may carry.",
    ),
    (
        "MAX_PERMISSIONS_PER_REQUEST",
        "/components/schemas/PermissionActionRequest/properties/permissions/maxItems",
        "The most whitelist records one add or remove request carries (a larger batch is \
         `EndPoint.0016`); larger sets are sent in batches of this size.",
    ),
];

/// Hand-written builders that carry an operation's request body beside the operation's own
/// builder, by `operationId`: each gets the same generated setters (the edit of a service
/// sets the fields of the modify call's body).
const BODY_BUILDERS: [(&str, &str); 1] = [("modifyEndpointService", "EditEndpointService")];

/// What the spec generates: the Rust source, and the spec as JSON.
#[derive(Debug, PartialEq, Eq)]
pub struct Generated {
    /// The client, its types and the ergonomic layer's tables, as formatted Rust.
    pub code: String,
    /// The ergonomic layer's operations (builders, their `Client` methods, their calls), as
    /// formatted Rust.
    pub operations: String,
    /// The command line's commands of the operations (`vpcep`'s), as formatted Rust.
    pub cli: String,
    /// The spec, as a JSON document.
    pub json: String,
}

/// The generated client for the spec `yaml`, or what is wrong with the spec.
pub fn generate(yaml: &str) -> Result<Generated, String> {
    let spec: openapiv3::OpenAPI =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let document: Value =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;

    let mut settings = settings(quote!(crate::runtime::hooks::Context));
    settings.with_derive("schemars::JsonSchema");
    for (open, closed) in open_enums(&document) {
        settings.with_replacement(
            open,
            format!("crate::OpenEnum<crate::types::{closed}>"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }

    let client = progenitor_tokens(&settings, &spec)?;
    let tables = tables(&document)?;
    let file = syn::parse2(quote! { #client #tables })
        .map_err(|e| format!("the generated code does not parse: {e}"))?;
    let operations = syn::parse2(builders::generate(&document)?)
        .map_err(|e| format!("the generated operations do not parse: {e}"))?;
    let cli = syn::parse2(cli::generate(&document)?)
        .map_err(|e| format!("the generated commands do not parse: {e}"))?;
    let json = serde_json::to_string(&document).map_err(|e| e.to_string())?;
    Ok(Generated {
        code: prettyplease::unparse(&file),
        operations: prettyplease::unparse(&operations),
        cli: prettyplease::unparse(&cli),
        json,
    })
}

/// The generated client alone (no tables) for the spec `yaml`, with hooks whose state is of
/// type `inner` (a path such as `crate::auth::iam_plan::IamContext`): for the IAM calls.
pub fn generate_plain(yaml: &str, inner: &str) -> Result<String, String> {
    let spec: openapiv3::OpenAPI =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let inner: syn::Path = syn::parse_str(inner).map_err(|e| format!("{inner}: {e}"))?;
    let settings = settings(quote!(#inner));
    let client = progenitor_tokens(&settings, &spec)?;
    let file =
        syn::parse2(client).map_err(|e| format!("the generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The generator settings of every client: builders, one client for all tags, hooks whose
/// state is of type `inner`, and types that compare.
fn settings(inner: TokenStream) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(inner)
        .with_derive("PartialEq");
    settings
}

/// progenitor's client for `spec`, or why it cannot make one.
fn progenitor_tokens(
    settings: &GenerationSettings,
    spec: &openapiv3::OpenAPI,
) -> Result<TokenStream, String> {
    // progenitor panics on some specs it cannot handle; report those like any other problem.
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let generated = panic::catch_unwind(AssertUnwindSafe(|| {
        Generator::new(settings).generate_tokens(spec)
    }));
    panic::set_hook(previous_hook);
    match generated {
        Ok(result) => result.map_err(|e| format!("progenitor refused it: {e}")),
        Err(panic) => {
            let reason = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no reason given");
            Err(format!(
                "progenitor cannot generate a client from it: {reason}"
            ))
        }
    }
}

/// The schemas of the form `anyOf: [$ref to a closed enumeration, {type: string}]`, with the
/// closed enumeration each wraps: they become `crate::OpenEnum<closed>`, which keeps an
/// unknown value instead of failing.
fn open_enums(document: &Value) -> Vec<(String, String)> {
    schemas(document)
        .filter_map(|(name, schema)| {
            let [closed, open] = schema.get("anyOf")?.as_array()?.as_slice() else {
                return None;
            };
            let closed = component_name(closed.get("$ref")?.as_str()?)?;
            let is_string = open.get("type").and_then(Value::as_str) == Some("string");
            (is_string && open.as_object()?.len() == 1).then(|| (name.clone(), closed.to_owned()))
        })
        .collect()
}

/// The ergonomic layer's tables: `operations`, the closed enumerations' `VALUES`, the body
/// setters and the limits.
fn tables(document: &Value) -> Result<TokenStream, String> {
    let operations = operations(document);
    let mut consts = Vec::new();
    let mut setters = Vec::new();
    for (method, path, operation) in &operations {
        let id = operation_id(operation)?;
        let name = ident(&screaming(&id));
        let snake = snake(&id);
        let method = method.to_uppercase();
        consts.push(quote! {
            #[doc = concat!("`", #method, " ", #path, "`")]
            pub const #name: crate::spec::Operation = crate::spec::Operation {
                id: #snake,
                method: #method,
                path: #path,
            };
        });
        setters.push(body_setters(document, &id, operation)?);
    }
    let names = operations
        .iter()
        .map(|(_, _, operation)| operation_id(operation).map(|id| ident(&screaming(&id))))
        .collect::<Result<Vec<_>, _>>()?;
    let count = names.len();

    let enums = schemas(document).filter_map(|(name, schema)| {
        let values: Vec<&str> = schema
            .get("enum")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let ty = ident(name);
        let count = values.len();
        Some(quote! {
            impl crate::types::#ty {
                /// Every value of the enumeration, as the spec lists them.
                pub const VALUES: [&'static str; #count] = [#(#values),*];
            }
        })
    });

    let limits = LIMITS
        .iter()
        .map(|(name, pointer, doc)| {
            let value = document
                .pointer(pointer)
                .and_then(Value::as_u64)
                .ok_or_else(|| format!("{pointer} is not a number: {name} needs it"))?;
            let value = usize::try_from(value).map_err(|e| e.to_string())?;
            let name = ident(name);
            Ok(quote! {
                #[doc = #doc]
                pub const #name: usize = #value;
            })
        })
        .collect::<Result<Vec<_>, String>>()?;

    Ok(quote! {
        /// The spec's operations, for the layer's hooks, its dry runs and its tests.
        pub mod operations {
            #(#consts)*
            /// Every operation of the spec.
            pub const ALL: [crate::spec::Operation; #count] = [#(#names),*];
        }
        /// The spec's named limits.
        pub mod limits {
            #(#limits)*
        }
        #(#enums)*
        #(#setters)*
    })
}

/// A setter per field of the operation's JSON request body, on its ergonomic builder (the
/// type named like the operation, in `crate`) and on those [`BODY_BUILDERS`] names for it,
/// each of which keeps the body in its field `input`, a `crate::operations::input::Input` of the
/// generated body type. Each setter converts its value into the field's generated type at
/// once, or records the rule it breaks. Lists and objects get no generated setter: their
/// conveniences are written by hand.
fn body_setters(document: &Value, id: &str, operation: &Value) -> Result<TokenStream, String> {
    if !builders::HAND_WRITTEN.contains(&id) {
        return Ok(TokenStream::new());
    }
    let Some(body) = operation.pointer("/requestBody/content/application~1json/schema") else {
        return Ok(TokenStream::new());
    };
    let body_name = body
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
        .ok_or_else(|| format!("{id}: the request body's schema must be a $ref"))?;
    let schema = resolved(document, body)?;
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Ok(TokenStream::new());
    };
    let required = schema.get("required").and_then(Value::as_array);
    let mut setters = Vec::new();
    for (name, property) in properties {
        let target = resolved(document, property)?;
        let kind = target.get("type").and_then(Value::as_str);
        if matches!(kind, Some("array" | "object") | None) {
            continue;
        }
        let is_required = required.is_some_and(|r| r.iter().any(|n| n == name));
        if is_required || property.get("default").is_some() || target.get("default").is_some() {
            return Err(format!(
                "{body_name}.{name}: a required field or one with a default has no generated \
                 setter yet (its Rust type is not an Option)"
            ));
        }
        let field = ident(name);
        let pointer = format!("/components/schemas/{body_name}/properties/{name}");
        let (parameter, assign) = match kind {
            Some("boolean") => (
                quote!(value: bool),
                quote! {
                    self.input.forget(#name);
                    self.input.body.#field = Some(value);
                },
            ),
            Some("integer") => (
                quote!(value: i64),
                quote!(self.input.body.#field = self.input.parsed(#name, #pointer, &value.to_string());),
            ),
            Some("string") if target.get("enum").is_some() => {
                let ty = property
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(component_name)
                    .ok_or_else(|| format!("{id}: {name}: an enumeration must be a $ref"))?;
                let ty = ident(ty);
                (
                    quote!(value: crate::types::#ty),
                    quote! {
                        self.input.forget(#name);
                        self.input.body.#field = Some(value);
                    },
                )
            }
            _ => (
                quote!(value: impl Into<String>),
                quote!(self.input.body.#field = self.input.parsed(#name, #pointer, &value.into());),
            ),
        };
        let (doc, deprecated) = setter_attributes(name, property, target);
        setters.push(quote! {
            #[doc = #doc]
            #deprecated
            pub fn #field(mut self, #parameter) -> Self {
                #assign
                self
            }
        });
    }
    let builders = std::iter::once(pascal(id)).chain(
        BODY_BUILDERS
            .iter()
            .filter(|(operation, _)| *operation == id)
            .map(|(_, builder)| (*builder).to_owned()),
    );
    Ok(builders
        .map(|builder| {
            let builder = ident(&builder);
            quote! {
                impl crate::#builder<'_> {
                    #(#setters)*
                }
            }
        })
        .collect())
}

/// The doc line of the setter of the field `name`, whose schema is `property` (resolved:
/// `target`), and its `#[deprecated]` when the spec marks either deprecated.
fn setter_attributes(name: &str, property: &Value, target: &Value) -> (String, TokenStream) {
    let doc = first_paragraph(property)
        .or_else(|| first_paragraph(target))
        .unwrap_or_else(|| format!("Sets `{name}`."));
    let is_deprecated = [property, target]
        .iter()
        .any(|s| s.get("deprecated") == Some(&Value::Bool(true)));
    let deprecated = if is_deprecated {
        quote!(#[deprecated(note = "the spec marks this field deprecated")])
    } else {
        TokenStream::new()
    };
    (doc, deprecated)
}

/// Every operation of the spec: method, path and the operation object, in the spec's order.
fn operations(document: &Value) -> Vec<(String, String, &Value)> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                Some((method.to_string(), path.clone(), item.get(*method)?))
            })
        })
        .collect()
}

fn operation_id(operation: &Value) -> Result<String, String> {
    operation
        .get("operationId")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "an operation has no operationId".to_owned())
}

/// The named schemas of `components/schemas`.
fn schemas(document: &Value) -> impl Iterator<Item = (&String, &Value)> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// `schema`, or the component schema its `$ref` names.
fn resolved<'d>(document: &'d Value, schema: &'d Value) -> Result<&'d Value, String> {
    match schema.get("$ref").and_then(Value::as_str) {
        None => Ok(schema),
        Some(reference) => component_name(reference)
            .and_then(|name| document.pointer(&format!("/components/schemas/{name}")))
            .ok_or_else(|| format!("{reference} is not defined")),
    }
}

fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// The first paragraph of a schema's description, on one line.
fn first_paragraph(schema: &Value) -> Option<String> {
    let description = schema.get("description")?.as_str()?;
    let paragraph = description.split("\n\n").next()?;
    Some(paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `modifyEndpointService` as `modify_endpoint_service` (progenitor's operation ids).
fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn screaming(camel: &str) -> String {
    snake(camel).to_ascii_uppercase()
}

fn pascal(camel: &str) -> String {
    let mut chars = camel.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// An identifier, raw when it is a keyword.
fn ident(name: &str) -> Ident {
    const KEYWORDS: [&str; 12] = [
        "type", "match", "ref", "move", "fn", "impl", "struct", "enum", "mod", "use", "in", "loop",
    ];
    if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}
