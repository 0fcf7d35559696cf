//! Generates the client in `$OUT_DIR/codegen.rs` from `spec/vpcep.yaml` with progenitor.

use std::{env, fs, path::Path, process::ExitCode};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

const SPEC: &str = "spec/vpcep.yaml";

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

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    match generate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: cannot generate the client from {SPEC}: {problem}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<(), String> {
    let text = fs::read_to_string(SPEC).map_err(|e| format!("cannot read it: {e}"))?;
    let spec: openapiv3::OpenAPI =
        serde_yaml_ng::from_str(&text).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::hooks::Context))
        .with_derive("PartialEq");
    for (open, closed) in OPEN_ENUMS {
        settings.with_replacement(
            open,
            format!("crate::OpenEnum<crate::types::{closed}>"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    let tokens = Generator::new(&settings)
        .generate_tokens(&spec)
        .map_err(|e| e.to_string())?;
    let file = syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;

    let out = Path::new(&env::var("OUT_DIR").map_err(|e| e.to_string())?).join("codegen.rs");
    fs::write(&out, prettyplease::unparse(&file)).map_err(|e| format!("{}: {e}", out.display()))
}
