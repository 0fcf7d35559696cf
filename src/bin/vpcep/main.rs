//! `vpcep`: read, modify or edit a VPC endpoint service, wait until it is available, or run
//! the local emulator of the API.

mod args;
mod connection;
mod edit;
mod emulator;
mod failure;
mod get;
mod input;
mod modify;
mod output;
mod progress;
mod table;
mod terminal;
mod wait;

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
        Command::Wait(args) => runtime.block_on(wait::run(args)),
        Command::Emulator(args) => runtime.block_on(emulator::run(*args)),
    }
}
