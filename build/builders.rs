//! The ergonomic layer's operations, generated from the spec (smithy-rs's way): for each
//! operation, a `Client` method, a fluent builder with a setter per path parameter, query
//! parameter and body field (required ones included), the checks of every value against its
//! schema in the spec (every violation reported at once, by name), and its `send`, the raw call
//! through the usual hooks. What an operation adds by hand lives beside it in
//! `src/operations/`, named in [`CUSTOMISATIONS`].

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{
    component_name, first_paragraph, ident, operation_id, operations, pascal, resolved,
    setter_attributes, snake,
};

/// What an operation's builder adds by hand, beside the generated one.
pub struct Customisation {
    /// The spec's `operationId`.
    pub operation: &'static str,
    /// The type of the builder's hand-kept state (its field `custom`, made by `Default`).
    pub state: Option<&'static str>,
    /// Whether `send` is written by hand: the generated call is then `send_once`, for it.
    pub send: bool,
    /// Body fields whose setters are written by hand.
    pub setters: &'static [&'static str],
    /// The rules of the body that its schema cannot state: a function
    /// `fn(&serde_json::Value, &mut Violations)`, given the whole body.
    pub body_rules: Option<&'static str>,
}

/// The operations whose builder is wholly written by hand (they get only the body setters of
/// `codegen::body_setters`): the modify call, on the hot path of every change.
pub const HAND_WRITTEN: [&str; 1] = ["modifyEndpointService"];

/// What each operation adds by hand (see [`Customisation`]).
pub const CUSTOMISATIONS: [Customisation; 4] = [
    Customisation {
        operation: "createEndpointService",
        state: Some("crate::operations::create::CreateOptions"),
        send: true,
        setters: &["ports"],
        body_rules: Some("crate::spec::ports::unique_json_port_mappings_of_body"),
    },
    Customisation {
        operation: "deleteEndpointService",
        state: Some("crate::operations::delete::DeleteOptions"),
        send: true,
        setters: &[],
        body_rules: None,
    },
    Customisation {
        operation: "acceptOrRejectConnections",
        state: None,
        send: true,
        setters: &[],
        body_rules: None,
    },
    Customisation {
        operation: "addOrRemovePermissions",
        state: Some("crate::operations::permissions::PermissionsOptions"),
        send: true,
        setters: &[],
        body_rules: None,
    },
];

/// How a value of a parameter or body field is taken and checked.
pub(super) enum Kind {
    Boolean,
    /// An integer, as `i32` for `format: int32` (what the generated client takes), else `i64`.
    Integer {
        narrow: bool,
    },
    /// A string of `format: uuid`, checked and parsed.
    Uuid,
    /// A closed enumeration, as its generated type.
    Enum(String),
    Text,
    /// A list of a generated type.
    ListOf(String),
    /// A list of strings.
    ListOfText,
    /// An object of a generated type.
    Object(String),
}

impl Kind {
    /// What a value of this kind is, for a message.
    pub(super) fn describe(&self) -> String {
        match self {
            Kind::Boolean => "a boolean".to_owned(),
            Kind::Integer { .. } => "an integer".to_owned(),
            Kind::Uuid => "a UUID".to_owned(),
            Kind::Enum(ty) => format!("the enumeration {ty}"),
            Kind::Text => "a string".to_owned(),
            Kind::ListOf(ty) => format!("a list of {ty}"),
            Kind::ListOfText => "a list of strings".to_owned(),
            Kind::Object(ty) => format!("the object {ty}"),
        }
    }

    pub(super) fn of(document: &Value, schema: &Value, at: &str) -> Result<Self, String> {
        let target = resolved(document, schema)?;
        let name = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(component_name);
        Ok(match target.get("type").and_then(Value::as_str) {
            Some("boolean") => Kind::Boolean,
            Some("integer") => Kind::Integer {
                narrow: target.get("format").and_then(Value::as_str) == Some("int32"),
            },
            Some("string") if target.get("format").and_then(Value::as_str) == Some("uuid") => {
                Kind::Uuid
            }
            Some("string") => match (name, target.get("enum")) {
                (Some(name), Some(_)) => Kind::Enum(name.to_owned()),
                _ => Kind::Text,
            },
            Some("array") => {
                let items = target
                    .get("items")
                    .ok_or_else(|| format!("{at}: a list needs `items`"))?;
                match items.get("$ref").and_then(Value::as_str) {
                    Some(reference) => Kind::ListOf(
                        component_name(reference)
                            .ok_or_else(|| format!("{at}: {reference} is not a schema"))?
                            .to_owned(),
                    ),
                    None if items.get("type").and_then(Value::as_str) == Some("string") => {
                        Kind::ListOfText
                    }
                    None => return Err(format!("{at}: a list's items must be a $ref or strings")),
                }
            }
            Some("object") => Kind::Object(
                name.ok_or_else(|| format!("{at}: an object field must be a $ref"))?
                    .to_owned(),
            ),
            other => return Err(format!("{at}: no setter for a value of type {other:?}")),
        })
    }

    /// The setter's parameter type.
    fn parameter(&self) -> TokenStream {
        match self {
            Kind::Boolean => quote!(bool),
            Kind::Integer { narrow: true } => quote!(i32),
            Kind::Integer { narrow: false } => quote!(i64),
            Kind::Uuid | Kind::Text => quote!(impl Into<String>),
            Kind::Enum(ty) | Kind::Object(ty) => {
                let ty = ident(ty);
                quote!(crate::types::#ty)
            }
            Kind::ListOf(ty) => {
                let ty = ident(ty);
                quote!(impl IntoIterator<Item = crate::types::#ty>)
            }
            Kind::ListOfText => quote!(impl IntoIterator<Item = impl Into<String>>),
        }
    }

    /// The type a parameter is kept in, as given.
    fn kept(&self) -> TokenStream {
        match self {
            Kind::Boolean => quote!(bool),
            Kind::Integer { narrow: true } => quote!(i32),
            Kind::Integer { narrow: false } => quote!(i64),
            Kind::Uuid | Kind::Text => quote!(String),
            Kind::Enum(ty) | Kind::Object(ty) => {
                let ty = ident(ty);
                quote!(crate::types::#ty)
            }
            Kind::ListOf(ty) => {
                let ty = ident(ty);
                quote!(Vec<crate::types::#ty>)
            }
            Kind::ListOfText => quote!(Vec<String>),
        }
    }

    /// `value` (the setter's parameter) as kept.
    fn keep(&self) -> TokenStream {
        match self {
            Kind::Uuid | Kind::Text => quote!(value.into()),
            Kind::ListOf(_) => quote!(value.into_iter().collect()),
            Kind::ListOfText => quote!(value.into_iter().map(Into::into).collect()),
            _ => quote!(value),
        }
    }
}

/// A path or query parameter of an operation.
pub(super) struct Parameter {
    pub(super) name: String,
    pub(super) setter: proc_macro2::Ident,
    pub(super) kind: Kind,
    /// The JSON pointer of its schema in the spec.
    pub(super) pointer: String,
    doc: String,
}

/// The parameters of `operation` (on the path item `item` at `path`) in `location` (`path`
/// or `query`), in the spec's order, path-item ones first; `project_id` is the client's own.
pub(super) fn parameters(
    document: &Value,
    path: &str,
    method: &str,
    item: &Value,
    operation: &Value,
    location: &str,
) -> Result<Vec<Parameter>, String> {
    let escaped = path.replace('~', "~0").replace('/', "~1");
    let listed = |owner: &Value, base: String| -> Vec<(Value, String)> {
        owner
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| (p.clone(), format!("{base}/parameters/{i}")))
            .collect()
    };
    let mut all = listed(item, format!("/paths/{escaped}"));
    all.extend(listed(operation, format!("/paths/{escaped}/{method}")));
    let mut out = Vec::new();
    for (parameter, mut pointer) in all {
        let parameter = match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference
                    .strip_prefix("#/components/parameters/")
                    .ok_or_else(|| format!("{path}: {reference} is not a parameter"))?;
                pointer = format!("/components/parameters/{name}");
                document
                    .pointer(&pointer)
                    .cloned()
                    .ok_or_else(|| format!("{path}: {reference} is not defined"))?
            }
            None => parameter,
        };
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{path}: a parameter has no name"))?;
        if parameter.get("in").and_then(Value::as_str) != Some(location) || name == "project_id" {
            continue;
        }
        let schema = parameter
            .get("schema")
            .ok_or_else(|| format!("{path}: {name} has no schema"))?;
        let kind = Kind::of(document, schema, name)?;
        let doc = first_paragraph(&parameter)
            .or_else(|| resolved(document, schema).ok().and_then(first_paragraph))
            .unwrap_or_else(|| format!("Sets `{name}`."));
        out.push(Parameter {
            name: name.to_owned(),
            setter: setter_name(name),
            kind,
            pointer: format!("{pointer}/schema"),
            doc,
        });
    }
    Ok(out)
}

/// A setter's name: the field's, with `_` after a keyword (`type_`, as progenitor names it).
pub(super) fn setter_name(name: &str) -> proc_macro2::Ident {
    let ident = ident(name);
    if ident.to_string().starts_with("r#") {
        format_ident!("{name}_")
    } else {
        ident
    }
}

/// The generated operations: every builder but the [`HAND_WRITTEN`] ones.
pub fn generate(document: &Value) -> Result<TokenStream, String> {
    let paths = document.get("paths");
    let mut out = Vec::new();
    for (method, path, operation) in operations(document) {
        let id = operation_id(operation)?;
        if HAND_WRITTEN.contains(&id.as_str()) {
            continue;
        }
        let item = paths
            .and_then(|p| p.get(&path))
            .ok_or_else(|| format!("{path} is not in paths"))?;
        out.push(builder(document, &method, &path, item, operation, &id)?);
    }
    Ok(quote!(#(#out)*))
}

/// One operation's builder, its `Client` method and its call.
fn builder(
    document: &Value,
    method: &str,
    path: &str,
    item: &Value,
    operation: &Value,
    id: &str,
) -> Result<TokenStream, String> {
    let custom = CUSTOMISATIONS.iter().find(|c| c.operation == id);
    let name = format_ident!("{}", pascal(id));
    let function = ident(&snake(id));
    let path_parameters = parameters(document, path, method, item, operation, "path")?;
    let query = parameters(document, path, method, item, operation, "query")?;
    let body = body(document, id, operation, custom)?;
    let answer = answer(operation, id)?;
    let expects_body = answer.to_string() != "()";
    let paging = paging(document, operation, id, &query)?;

    let summary = operation
        .get("summary")
        .and_then(Value::as_str)
        .unwrap_or(id)
        .to_owned();
    let method_upper = method.to_uppercase();
    let struct_doc = format!(
        "{summary}: `{method_upper} {path}`, made by [`Client::{function}`](crate::Client::{function})."
    );
    let description = first_paragraph(operation).unwrap_or_default();
    let method_doc = format!(
        "Starts the call \"{summary}\" (`{method_upper} {path}`); it is sent by \
         [`send`]({name}::send)."
    );

    // The client's method: the path parameters in order.
    let arguments = path_parameters.iter().map(|p| {
        let setter = &p.setter;
        quote!(#setter: impl Into<String>)
    });
    let path_fields: Vec<_> = path_parameters.iter().map(|p| &p.setter).collect();
    let query_fields: Vec<_> = query.iter().map(|p| &p.setter).collect();
    let query_types = query.iter().map(|p| p.kind.kept());
    let query_docs = query.iter().map(|p| &p.doc);
    let query_parameters = query.iter().map(|p| p.kind.parameter());
    let query_keep = query.iter().map(|p| p.kind.keep());

    let (body_field, body_init) = if body.is_some() {
        (
            quote! {
                /// The body's fields as set so far.
                pub(crate) body: crate::operations::input::JsonBody,
            },
            quote!(body: Default::default(),),
        )
    } else {
        (quote!(), quote!())
    };
    let (walk_field, walk_init) = if paging.is_some() {
        (
            quote! {
                /// The most items a walk answers.
                pub(crate) max_items: usize,
            },
            quote!(max_items: crate::operations::walk::DEFAULT_MAX_LIST_ITEMS,),
        )
    } else {
        (quote!(), quote!())
    };
    let (custom_field, custom_init) = match custom.and_then(|c| c.state) {
        Some(state) => {
            let state: syn::Path = syn::parse_str(state).map_err(|e| format!("{state}: {e}"))?;
            (
                quote! {
                    /// What the hand-written part of the builder keeps.
                    pub(crate) custom: #state,
                },
                quote!(custom: Default::default(),),
            )
        }
        None => (quote!(), quote!()),
    };

    // The checks, and the raw call's builder.
    let mut checks = Vec::new();
    let mut bindings = Vec::new();
    let mut raw_setters = Vec::new();
    for p in &path_parameters {
        let (field, name) = (&p.setter, &p.name);
        let pointer = &p.pointer;
        let check = match p.kind {
            Kind::Uuid => quote!(let #field = v.uuid(#name, &self.#field);),
            _ => quote! {
                crate::spec::schema::check_at(#pointer, #name, &serde_json::Value::from(self.#field.as_str()), &mut v);
                let #field = Some(self.#field);
            },
        };
        checks.push(check);
        bindings.push(quote!(#field));
        raw_setters.push(quote!(let raw = raw.#field(#field);));
    }
    for p in &query {
        let (field, name, pointer) = (&p.setter, &p.name, &p.pointer);
        let raw_setter = &p.setter;
        let check = match &p.kind {
            Kind::Uuid => quote! {
                let #field = match &self.#field {
                    Some(value) => v.uuid(#name, value).map(Some),
                    None => Some(None),
                };
            },
            Kind::Enum(_) => quote!(let #field = Some(self.#field);),
            _ => quote! {
                if let Some(value) = &self.#field {
                    crate::operations::input::check_parameter(#pointer, #name, value, &mut v);
                }
                let #field = Some(self.#field);
            },
        };
        checks.push(check);
        bindings.push(quote!(#field));
        raw_setters.push(quote! {
            let raw = match #field {
                Some(value) => raw.#raw_setter(value),
                None => raw,
            };
        });
    }
    let rules = match custom.and_then(|c| c.body_rules) {
        Some(rules) => {
            let rules: syn::Path = syn::parse_str(rules).map_err(|e| format!("{rules}: {e}"))?;
            quote!(#rules)
        }
        None => quote!(|_: &serde_json::Value, _: &mut crate::Violations| {}),
    };
    let (body_setters, body_methods) = match &body {
        Some(body) => {
            let schema = &body.schema;
            let ty = ident(schema);
            checks.push(quote! {
                let body = self.body.checked::<crate::types::#ty>(#schema, #rules, &mut v);
            });
            bindings.push(quote!(body));
            raw_setters.push(quote!(let raw = raw.body(body);));
            let json_doc = format!(
                "Sets every field that the JSON request body `body` holds, as a file or a pipe \
                 gives it (the shape of the spec's `{schema}`). Nothing is refused here: what \
                 does not fit is reported with every other violation by [`send`](Self::send) \
                 and [`build_body`](Self::build_body)."
            );
            let methods = quote! {
                #[doc = #json_doc]
                pub fn json_body(mut self, body: &serde_json::Value) -> Self {
                    self.body.merge_json(body);
                    self
                }

                /// The body that [`send`](Self::send) would send, after every check, without
                /// sending it.
                pub fn build_body(&self) -> Result<crate::types::#ty, crate::Error> {
                    let mut v = crate::Violations::default();
                    match self.body.checked::<crate::types::#ty>(#schema, #rules, &mut v) {
                        Some(body) if v.is_empty() => Ok(body),
                        _ => Err(crate::Error::InvalidRequest(v)),
                    }
                }
            };
            (body.setters.clone(), methods)
        }
        None => (TokenStream::new(), TokenStream::new()),
    };

    let raw_builder = format_ident!("{}", pascal(id));
    let send_name = if custom.is_some_and(|c| c.send) {
        format_ident!("send_once")
    } else {
        format_ident!("send")
    };
    let send_vis = if custom.is_some_and(|c| c.send) {
        quote!(pub(crate))
    } else {
        quote!(pub)
    };
    let send_doc = if custom.is_some_and(|c| c.send) {
        "Checks the request and makes the call once (its attempts as the retry policy allows), \
         without what the hand-written `send` adds."
            .to_owned()
    } else {
        format!(
            "Checks every value against the spec, sends the request, and returns the answer \
             ({description}).\n\nThe checks run here, at once, and every violation is reported \
             together in [`Error::InvalidRequest`](crate::Error::InvalidRequest); nothing is sent \
             until the future is awaited."
        )
    };
    let walk = match &paging {
        Some(paging) => paging.code(&name, &send_name),
        None => TokenStream::new(),
    };
    let checked_result = quote!(Result<impl FnOnce(crate::types::ProjectId) -> crate::raw::builder::#raw_builder<'a> + Send + 'a, crate::Error>);

    Ok(quote! {
        impl crate::Client {
            #[doc = #method_doc]
            pub fn #function(&self, #(#arguments),*) -> #name<'_> {
                #name {
                    client: self,
                    #(#path_fields: #path_fields.into(),)*
                    #(#query_fields: None,)*
                    #body_init
                    #walk_init
                    #custom_init
                }
            }
        }

        #[doc = #struct_doc]
        #[doc = ""]
        #[doc = #description]
        #[derive(Clone, Debug)]
        #[must_use = "nothing is sent until `send` is awaited"]
        pub struct #name<'a> {
            pub(crate) client: &'a crate::Client,
            #(pub(crate) #path_fields: String,)*
            #(pub(crate) #query_fields: Option<#query_types>,)*
            #body_field
            #walk_field
            #custom_field
        }

        impl<'a> #name<'a> {
            #(
                #[doc = #query_docs]
                pub fn #query_fields(mut self, value: #query_parameters) -> Self {
                    self.#query_fields = Some(#query_keep);
                    self
                }
            )*
            #body_setters
            #body_methods

            /// Checks every value against the spec: the raw call's builder for the client's
            /// project, or every violation at once.
            pub(crate) fn checked(self) -> #checked_result {
                let mut v = crate::Violations::default();
                #(#checks)*
                let client = self.client;
                match (#(#bindings,)*) {
                    (#(Some(#bindings),)*) if v.is_empty() => Ok(move |project_id: crate::types::ProjectId| {
                        let raw = client.raw().#function().project_id(project_id);
                        #(#raw_setters)*
                        raw
                    }),
                    _ => Err(crate::Error::InvalidRequest(v)),
                }
            }

            #[doc = #send_doc]
            #send_vis fn #send_name(self) -> impl Future<Output = Result<#answer, crate::Error>> + Send + 'a {
                let client = self.client;
                crate::operations::call::run(
                    client,
                    None,
                    #expects_body,
                    self.checked().map(|raw| move |project_id| raw(project_id).send()),
                )
            }
        }

        #walk
    })
}

/// An operation's JSON request body: its schema's name and the setters of its fields.
struct Body {
    schema: String,
    setters: TokenStream,
}

fn body(
    document: &Value,
    id: &str,
    operation: &Value,
    custom: Option<&Customisation>,
) -> Result<Option<Body>, String> {
    let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema") else {
        return Ok(None);
    };
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
        .ok_or_else(|| format!("{id}: the request body's schema must be a $ref"))?;
    let target = resolved(document, schema)?;
    let mut setters = Vec::new();
    for (field, property) in target
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if custom.is_some_and(|c| c.setters.contains(&field.as_str())) {
            continue;
        }
        let kind = Kind::of(document, property, &format!("{name}.{field}"))?;
        let setter = setter_name(field);
        let parameter = kind.parameter();
        let keep = kind.keep();
        let kept = kind.kept();
        let value = match kind {
            Kind::Boolean | Kind::Integer { .. } | Kind::Uuid | Kind::Text => {
                quote!(serde_json::Value::from(value))
            }
            _ => quote!(value),
        };
        let (doc, deprecated) = setter_attributes(field, property, resolved(document, property)?);
        setters.push(quote! {
            #[doc = #doc]
            #deprecated
            pub fn #setter(mut self, value: #parameter) -> Self {
                let value: #kept = #keep;
                self.body.set_encoded(#field, &#value);
                self
            }
        });
    }
    Ok(Some(Body {
        schema: name.to_owned(),
        setters: quote!(#(#setters)*),
    }))
}

/// The Rust type of the operation's success answer: the generated type of its first 2xx
/// JSON schema, or `()` when no success answer has a body.
fn answer(operation: &Value, id: &str) -> Result<TokenStream, String> {
    operation
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{id}: no responses"))?;
    let Some(schema) = success_schema(operation) else {
        return Ok(quote!(()));
    };
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
        .ok_or_else(|| format!("{id}: the success answer's schema must be a $ref"))?;
    let ty = ident(name);
    Ok(quote!(crate::types::#ty))
}

/// The JSON schema of the operation's first 2xx answer that has one.
fn success_schema(operation: &Value) -> Option<&Value> {
    operation
        .get("responses")
        .and_then(Value::as_object)?
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, response)| response.pointer("/content/application~1json/schema"))
}

/// How a list operation is paged: its builder gets the walk over every page (`all`,
/// `collect_all`, `max_items`) when its query has the integers `limit` (with a `maximum`) and
/// `offset`, and its answer's object has `total_count` and one list of objects with an `id`.
struct Paging {
    /// The answer's list field, and its items' generated type.
    items: proc_macro2::Ident,
    item: TokenStream,
    /// The answer's `total_count`, as an `Option<i64>`.
    total_count: TokenStream,
    /// An item's ID as bytes (`Option<&[u8]>`), from `item`.
    id: TokenStream,
    /// The spec's maximum of `limit`.
    max_limit: i32,
    /// Whether the query has `sort_dir` (the walk asks for `asc` unless it is set).
    sort_dir: bool,
}

/// The name of the list that a paged operation's answer holds (see [`Paging`]), or `None`
/// for an operation that is not paged.
pub(super) fn paged_list(
    document: &Value,
    operation: &Value,
    id: &str,
    query: &[Parameter],
) -> Result<Option<String>, String> {
    Ok(paging(document, operation, id, query)?.map(|p| p.items.to_string()))
}

fn paging(
    document: &Value,
    operation: &Value,
    id: &str,
    query: &[Parameter],
) -> Result<Option<Paging>, String> {
    let find = |name: &str| query.iter().find(|p| p.name == name);
    let (Some(limit), Some(offset)) = (find("limit"), find("offset")) else {
        return Ok(None);
    };
    let narrow = |p: &Parameter| matches!(p.kind, Kind::Integer { narrow: true });
    if !narrow(limit) || !narrow(offset) {
        return Err(format!("{id}: a list's limit and offset must be int32"));
    }
    let Some(schema) = success_schema(operation) else {
        return Ok(None);
    };
    let answer = resolved(document, schema)?;
    let properties = answer.get("properties").and_then(Value::as_object);
    let Some(properties) = properties.filter(|p| p.contains_key("total_count")) else {
        return Ok(None);
    };
    let required = |schema: &Value, name: &str| {
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    let lists: Vec<_> = properties
        .iter()
        .filter(|(_, p)| {
            resolved(document, p).ok().and_then(|p| p.get("type")) == Some(&"array".into())
        })
        .collect();
    let [(field, list)] = lists.as_slice() else {
        return Err(format!(
            "{id}: a paged answer needs exactly one list beside total_count"
        ));
    };
    let items = resolved(document, list)?
        .get("items")
        .ok_or_else(|| format!("{id}: {field} needs items"))?;
    let item_name = items
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
        .ok_or_else(|| format!("{id}: the items of {field} must be a $ref"))?;
    let item_schema = resolved(document, items)?;
    let id_schema = item_schema
        .pointer("/properties/id")
        .ok_or_else(|| format!("{id}: the items of {field} need an id to be walked"))?;
    let is_uuid = resolved(document, id_schema)?
        .get("format")
        .and_then(Value::as_str)
        == Some("uuid");
    let id = match (required(item_schema, "id"), is_uuid) {
        (true, false) => quote!(Some(item.id.as_bytes())),
        (false, false) => quote!(item.id.as_deref().map(str::as_bytes)),
        (true, true) => quote!(Some(item.id.as_bytes().as_slice())),
        (false, true) => quote!(item.id.as_ref().map(|id| id.as_bytes().as_slice())),
    };
    let total_count = if required(answer, "total_count") {
        quote!(Some(i64::from(answer.total_count)))
    } else {
        quote!(answer.total_count.map(i64::from))
    };
    let max_limit = document
        .pointer(&format!("{}/maximum", limit.pointer))
        .and_then(Value::as_i64)
        .and_then(|max| i32::try_from(max).ok())
        .ok_or_else(|| format!("{id}: a list's limit needs an int32 maximum"))?;
    let item = ident(item_name);
    Ok(Some(Paging {
        items: ident(field),
        item: quote!(crate::types::#item),
        total_count,
        id,
        max_limit,
        sort_dir: find("sort_dir").is_some(),
    }))
}

impl Paging {
    /// The walk's methods on the builder `name`, and its paging through `send`.
    fn code(&self, name: &proc_macro2::Ident, send: &proc_macro2::Ident) -> TokenStream {
        let Paging {
            items,
            item,
            total_count,
            id,
            max_limit,
            ..
        } = self;
        let field = items.to_string();
        let order = if self.sort_dir {
            "Without `sort_dir`, the walk asks for the oldest first (`asc`), so that items created \
             while it runs come at the end. "
        } else {
            ""
        };
        let all_doc = format!(
            "Every matching item (the `{field}` of each page), page after page, as a stream: one \
             page is held at a time, of `limit` items (default {max_limit}, the most the spec \
             allows), from `offset` (default 0).\n\n{order}It promises: no item twice; every \
             item that existed for the whole walk, once; items created or deleted while it runs \
             may or may not be answered. It ends after a page shorter than asked or one that \
             reaches the answered `total_count`, at [`max_items`](Self::max_items), or at the \
             first error (the stream's last item)."
        );
        let sort_default = if self.sort_dir {
            quote! {
                if self.sort_dir.is_none() {
                    self.sort_dir = "asc".parse().ok();
                }
            }
        } else {
            TokenStream::new()
        };
        quote! {
            impl<'a> #name<'a> {
                /// The most items [`all`](Self::all) and [`collect_all`](Self::collect_all)
                /// answer (default [`DEFAULT_MAX_LIST_ITEMS`](crate::DEFAULT_MAX_LIST_ITEMS)); the
                /// walk stops there.
                pub fn max_items(mut self, max_items: usize) -> Self {
                    self.max_items = max_items;
                    self
                }

                #[doc = #all_doc]
                pub fn all(self) -> impl futures_util::Stream<Item = Result<#item, crate::Error>> + Send + 'a {
                    crate::operations::walk::all(self)
                }

                /// Every matching item (see [`all`](Self::all)), in one list.
                pub fn collect_all(self) -> impl Future<Output = Result<Vec<#item>, crate::Error>> + Send + 'a {
                    crate::operations::walk::collect_all(self)
                }
            }

            impl<'a> crate::operations::walk::Paged<'a> for #name<'a> {
                type Item = #item;

                fn start(&mut self) -> crate::operations::walk::Start {
                    #sort_default
                    let limit = *self.limit.get_or_insert(#max_limit);
                    crate::operations::walk::Start {
                        offset: self.offset.unwrap_or(0),
                        limit,
                        max_items: self.max_items,
                    }
                }

                fn page(&self, offset: i32, limit: i32) -> crate::operations::walk::PageCall<'a, Self::Item> {
                    let call = self.clone().offset(offset).limit(limit).#send();
                    Box::pin(async move {
                        let answer = call.await?;
                        Ok(crate::operations::walk::Page {
                            items: answer.#items,
                            total_count: #total_count,
                        })
                    })
                }

                fn id(item: &Self::Item) -> Option<&[u8]> {
                    #id
                }
            }
        }
    }
}
