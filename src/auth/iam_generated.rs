//! The IAM client progenitor generates from `spec/iam.yaml` (see `build.rs`); never edited by
//! hand. Its hooks are in [`iam_hooks`](super::iam_hooks).

#![allow(missing_docs, unused_imports, dead_code, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/iam_codegen.rs"));
