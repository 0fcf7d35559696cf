//! Generates the client in `$OUT_DIR/codegen.rs` from `spec/vpcep.yaml` with progenitor, and
//! the spec as JSON in `$OUT_DIR/vpcep.json`.

#[path = "build/codegen.rs"]
mod codegen;

use std::{env, fs, path::Path, process::ExitCode};

const SPEC: &str = "spec/vpcep.yaml";

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed={SPEC}");
    let generated = fs::read_to_string(SPEC)
        .map_err(|e| format!("cannot read it: {e}"))
        .and_then(|yaml| codegen::generate(&yaml));
    let written = generated.and_then(|generated| {
        let out = env::var("OUT_DIR").map_err(|e| e.to_string())?;
        for (name, text) in [
            ("codegen.rs", generated.code),
            ("vpcep.json", generated.json),
        ] {
            let path = Path::new(&out).join(name);
            fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: cannot generate the client from {SPEC}: {problem}");
            ExitCode::FAILURE
        }
    }
}
