//! Turns the spec into Rust source with progenitor. Shared by `build.rs` and its tests.

use std::panic::{self, AssertUnwindSafe};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

/// The spec's open enumerations (`anyOf: [closed enum, string]`) and the closed enum each wraps:
/// they become `crate::OpenEnum<closed>`, which keeps an unknown value instead of failing.
const OPEN_ENUMS: [(&str, &str); 6] = [
    ("OpenServiceStatus", "ServiceStatus"),
    ("OpenServerType", "ServerType"),
    ("OpenServiceType", "ServiceType"),
    ("OpenCidrType", "CidrType"),
    ("OpenProtocol", "Protocol"),
    ("OpenTcpProxy", "TcpProxy"),
];

/// The generated client for the spec `yaml`, or what is wrong with the spec.
pub fn generate(yaml: &str) -> Result<String, String> {
    let spec: openapiv3::OpenAPI =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::hooks::Context))
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema");
    for (open, closed) in OPEN_ENUMS {
        settings.with_replacement(
            open,
            format!("crate::OpenEnum<crate::types::{closed}>"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }

    // progenitor panics on some specs it cannot handle; report those like any other problem.
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let generated = panic::catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings).generate_tokens(&spec)
    }));
    panic::set_hook(previous_hook);
    let tokens = match generated {
        Ok(result) => result.map_err(|e| format!("progenitor refused it: {e}"))?,
        Err(panic) => {
            let reason = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no reason given");
            return Err(format!(
                "progenitor cannot generate a client from it: {reason}"
            ));
        }
    };
    let file =
        syn::parse2(tokens).map_err(|e| format!("the generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
