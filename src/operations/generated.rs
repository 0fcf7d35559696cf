//! The operations generated from the spec (`build/builders.rs`): for each, a `Client` method,
//! its fluent builder with a checked setter per parameter and body field, and its call. What
//! an operation adds by hand is in the file named after it beside this one.

#![allow(unused_mut, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/operations.rs"));
