//! `vpcep completions SHELL`: the shell's completion script of the whole command line (its
//! flags, and the values the spec allows), on standard output.

use std::process::ExitCode;

use clap_complete::Shell;

use crate::{failure, output};

/// Prints the completions of `vpcep` for `shell`.
pub fn print(shell: Shell) -> ExitCode {
    let mut command = <crate::args::Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "vpcep", &mut script);
    let text = String::from_utf8_lossy(&script);
    failure::exit_code(output::write(&text).map(drop))
}
