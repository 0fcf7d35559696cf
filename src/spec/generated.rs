//! The code progenitor generates from `spec/vpcep.yaml` (see `build.rs`); never edited by hand.

#![allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
