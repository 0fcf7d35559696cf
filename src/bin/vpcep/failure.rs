//! How a command that talks to the API ends: its exit status, and what it prints on failure.

use std::process::ExitCode;

use otc_vpcep::{Conflict, Error, Violations};

/// Exit status of an API, transport or timeout error.
pub const FAILED: u8 = 1;
/// Exit status of a usage or validation error: nothing was sent.
pub const USAGE: u8 = 2;

/// Why a command did not succeed.
pub enum Failure {
    /// A usage or validation problem: nothing was sent.
    Usage(String),
    /// The request was sent, or tried, and failed.
    Sent(Error),
    /// What the command had to print could not be written (the requests were made).
    Output(String),
    /// The user did not confirm: nothing was sent.
    Declined(String),
    /// Some of the command's requests failed (each is reported on its own).
    Partial(String),
    /// An edit was sent, and someone else had changed fields of the service in between.
    Conflict {
        service_id: String,
        conflicts: Vec<Conflict>,
    },
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::InvalidConfig(v) => Self::Usage(listed("invalid configuration", &v)),
            Error::InvalidRequest(v) => Self::Usage(listed("invalid request", &v)),
            other => Self::Sent(other),
        }
    }
}

/// The exit status of a command's result, after printing its failure on standard error.
pub fn exit_code(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(USAGE)
        }
        Err(Failure::Output(message) | Failure::Declined(message) | Failure::Partial(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(FAILED)
        }
        Err(Failure::Sent(error)) => {
            eprintln!("error: {}", crate::terminal::escape(&error.to_string()));
            ExitCode::from(FAILED)
        }
        Err(Failure::Conflict {
            service_id,
            conflicts,
        }) => {
            let mut text = format!(
                "error: someone else changed service {service_id} between this edit's read \
                 and its write; the edit was sent, and left these fields as they found them:"
            );
            for conflict in &conflicts {
                text.push_str("\n  ");
                text.push_str(&conflict.to_string());
            }
            eprintln!("{text}");
            ExitCode::from(FAILED)
        }
    }
}

/// A heading followed by one violation per line.
fn listed(heading: &str, violations: &Violations) -> String {
    let mut text = format!("{heading}:");
    for violation in violations {
        text.push_str("\n  ");
        text.push_str(&crate::terminal::escape(&violation.to_string()));
    }
    text
}
