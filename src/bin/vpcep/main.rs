//! `vpcep`: modify a VPC endpoint service, or run the local emulator of the API.

mod args;
mod emulator;
mod input;
mod modify;
mod table;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// Exit status of an API, transport or timeout error.
const FAILED: u8 = 1;
/// Exit status of a usage or validation error: nothing was sent.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(FAILED);
        }
    };
    match cli.command {
        Command::Modify(args) => runtime.block_on(modify::run(*args)),
        Command::Emulator(args) => runtime.block_on(emulator::run(*args)),
    }
}
