//! `vpcep`: list, show, create, modify, edit or delete VPC endpoint services, wait until one is
//! available, show the quotas, print shell completions, or run the local emulator of the API.

mod args;
mod completions;
mod connection;
mod create;
mod delete;
mod edit;
mod emulator;
mod failure;
mod get;
mod help;
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

use std::process::ExitCode;

use clap::FromArgMatches;

use args::{Cli, Command};

fn main() -> ExitCode {
    // The command line with the help of the spec (see `help.rs`).
    let cli = Cli::from_arg_matches(&help::command().get_matches()).unwrap_or_else(|e| e.exit());
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
        Command::List(args) => runtime.block_on(list::run(args)),
        Command::Get(args) => runtime.block_on(get::run(args)),
        Command::Create(args) => runtime.block_on(create::run(*args)),
        Command::Modify(args) => runtime.block_on(modify::run(*args)),
        Command::Delete(args) => runtime.block_on(delete::run(args)),
        Command::Wait(args) => runtime.block_on(wait::run(args)),
        Command::Quotas(args) => runtime.block_on(quotas::run(args)),
        Command::Completions(_) => ExitCode::SUCCESS,
        Command::Emulator(args) => runtime.block_on(emulator::run(*args)),
    }
}
