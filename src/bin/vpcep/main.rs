//! `vpcep`: read or modify a VPC endpoint service, or run the local emulator of the API.

mod args;
mod connection;
mod emulator;
mod failure;
mod get;
mod input;
mod modify;
mod output;
mod table;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(failure::FAILED);
        }
    };
    match cli.command {
        Command::Get(args) => runtime.block_on(get::run(args)),
        Command::Modify(args) => runtime.block_on(modify::run(*args)),
        Command::Emulator(args) => runtime.block_on(emulator::run(*args)),
    }
}
