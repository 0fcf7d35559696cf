//! Generates the VPCEP client in `$OUT_DIR/codegen.rs` from `spec/vpcep.yaml` with
//! progenitor, the ergonomic layer's operations in `$OUT_DIR/operations.rs`, the
//! command line's commands in `$OUT_DIR/cli.rs`, the spec as
//! JSON in `$OUT_DIR/vpcep.json`, and the IAM client in
//! `$OUT_DIR/iam_codegen.rs` from `spec/iam.yaml`.

#[path = "build/codegen.rs"]
mod codegen;

use std::{env, fs, path::Path, process::ExitCode};

const SPEC: &str = "spec/vpcep.yaml";
const IAM_SPEC: &str = "spec/iam.yaml";
/// The state of the IAM client's hooks.
const IAM_CONTEXT: &str = "crate::auth::iam_hooks::IamContext";

fn main() -> ExitCode {
    let vpcep = read(SPEC).and_then(|yaml| codegen::generate(&yaml));
    let iam = read(IAM_SPEC).and_then(|yaml| codegen::generate_plain(&yaml, IAM_CONTEXT));
    let files = match (vpcep, iam) {
        (Ok(vpcep), Ok(iam)) => [
            ("codegen.rs", vpcep.code),
            ("operations.rs", vpcep.operations),
            ("cli.rs", vpcep.cli),
            ("vpcep.json", vpcep.json),
            ("iam_codegen.rs", iam),
        ],
        (Err(problem), _) => return failed(SPEC, &problem),
        (_, Err(problem)) => return failed(IAM_SPEC, &problem),
    };
    let Ok(out) = env::var("OUT_DIR") else {
        return failed(SPEC, "OUT_DIR is not set");
    };
    for (name, text) in files {
        let path = Path::new(&out).join(name);
        if let Err(e) = fs::write(&path, text) {
            return failed(SPEC, &format!("cannot write {}: {e}", path.display()));
        }
    }
    ExitCode::SUCCESS
}

/// The spec at `path`, watched for changes.
fn read(path: &str) -> Result<String, String> {
    println!("cargo::rerun-if-changed={path}");
    fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))
}

fn failed(spec: &str, problem: &str) -> ExitCode {
    eprintln!("error: cannot generate the client from {spec}: {problem}");
    ExitCode::FAILURE
}
