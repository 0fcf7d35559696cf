//! What the generated run of a command needs: the command's own flags when it has none shaped
//! by hand, its client, and how it prints an answer without a body.

use clap::Args;
use otc_vpcep::{Client, spec::Operation};

use crate::{
    args::{CallArgs, Output},
    connection,
    failure::Failure,
    resolve,
};

/// The flags of a command of an operation without a request body.
#[derive(Debug, Args)]
pub struct Options {
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// The flags of a command of an operation with a request body.
#[derive(Debug, Args)]
pub struct BodyOptions {
    /// Send nothing: show the request that would be sent (method, URL, body), checked like a
    /// real one. Without credentials, what is known only by name stays a placeholder.
    #[arg(long)]
    pub dry_run: bool,

    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
}

/// The command's client, and whether it has credentials: a dry run takes them when they are
/// configured (to look names up), and needs none.
pub fn client(call: &CallArgs, dry_run: bool) -> Result<(Client, bool), Failure> {
    if dry_run {
        return match connection::client_if_credentials(&call.connection, call.timeout)? {
            Some(client) => Ok((client, true)),
            None => Ok((
                connection::client(&call.connection, call.timeout, false)?,
                false,
            )),
        };
    }
    Ok((
        connection::client(&call.connection, call.timeout, true)?,
        true,
    ))
}

/// A path's value that is looked up by name, for a dry run without credentials: a UUID as it
/// is, else `None` (the request shows the placeholder), said on standard error.
pub fn unresolved(given: &str) -> Option<String> {
    let id = resolve::as_id(given);
    if id.is_none() {
        resolve::note_unresolved(given);
    }
    id
}

/// What a command says when the call answered no body.
pub fn done(operation: &Operation) -> Result<(), Failure> {
    eprintln!("done: {} answered without a body", operation.id);
    Ok(())
}
