//! `vpcep`: list, show, create, modify, edit or delete VPC endpoint services, wait until one is
//! available, show the quotas, print shell completions, or run the local emulator of the API.

mod args;
mod commands;
mod completions;
mod connection;
mod connections;
mod create;
mod delete;
mod duration;
mod edit;
mod emulator;
mod examples;
mod failure;
mod generic;
mod input;
mod list;
mod modify;
mod output;
mod progress;
mod quotas;
mod request;
mod resolve;
mod table;
mod terminal;
mod wait;
mod walk;
mod whitelist;

use std::process::ExitCode;

use clap::Parser;
use otc_vpcep::types::ConnectionAction;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Completions(args) = &cli.command {
        return completions::print(args.shell);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(failure::FAILED);
        }
    };
    match cli.command {
        Command::Operation(operation) => failure::exit_code(runtime.block_on(operation.run())),
        Command::Accept(args) => {
            failure::exit_code(runtime.block_on(connections::act(args, ConnectionAction::Receive)))
        }
        Command::Reject(args) => {
            failure::exit_code(runtime.block_on(connections::act(args, ConnectionAction::Reject)))
        }
        Command::Wait(args) => failure::exit_code(runtime.block_on(wait::run(args))),
        Command::Completions(_) => ExitCode::SUCCESS,
        Command::Emulator(args) => runtime.block_on(emulator::run(*args)),
    }
}
