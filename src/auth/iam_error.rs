//! [`IamError`]: what went wrong with IAM, the login or the project lookup. It names the user,
//! the domain, the project name and the IAM endpoint; never a password or a token.

use std::fmt;

use crate::{UserDomain, runtime::retry};

/// A password login, or the lookup of a project's ID from its name, failed.
///
/// ```
/// # fn handle(error: otc_vpcep::Error) {
/// use otc_vpcep::{Error, IamError};
///
/// if let Error::Iam(iam) = &error {
///     match &**iam {
///         IamError::Login { user, auth_url, .. } => println!("{user} cannot log in: {auth_url}"),
///         IamError::Project { name, .. } => println!("no single project {name}"),
///         _ => println!("{iam}"),
///     }
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IamError {
    /// Logging in with the user's password failed: wrong password, unknown or locked user,
    /// a scope the user may not have, or IAM unreachable.
    #[error("IAM login of user {user:?} of domain {} at {auth_url} failed: {failure}", DomainShown(.domain))]
    Login {
        /// The user name.
        user: String,
        /// The user's domain.
        domain: UserDomain,
        /// The IAM endpoint.
        auth_url: String,
        /// What IAM answered, or why it could not be asked.
        failure: IamFailure,
    },
    /// The project's ID could not be found from its name.
    #[error("cannot find the ID of project {name:?} at IAM {auth_url}: {failure}")]
    Project {
        /// The project name.
        name: String,
        /// The IAM endpoint.
        auth_url: String,
        /// What IAM answered, or why it could not be asked.
        failure: IamFailure,
    },
}

/// Why an IAM call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IamFailure {
    /// IAM answered with an error status (its Keystone message, or the status's name).
    Status {
        /// The HTTP status.
        status: u16,
        /// IAM's message.
        message: String,
    },
    /// IAM could not be reached, or the exchange broke off (after the retries the policy
    /// allows).
    Transport {
        /// The innermost reason, such as `connection refused`.
        reason: String,
        /// Whether trying again may pass.
        retryable: bool,
    },
    /// IAM answered something that is not the documented shape.
    InvalidResponse(String),
    /// No project has the name.
    NoProject,
    /// More than one project has the name.
    SeveralProjects(usize),
    /// The token is not scoped to a project.
    Unscoped,
}

impl IamError {
    /// Why the call failed.
    pub fn failure(&self) -> &IamFailure {
        match self {
            Self::Login { failure, .. } | Self::Project { failure, .. } => failure,
        }
    }

    /// Whether trying again may succeed: IAM was unreachable, or answered 500, 502, 503 or 504.
    pub fn is_retryable(&self) -> bool {
        match self.failure() {
            IamFailure::Status { status, .. } => retry::is_retryable_answer(*status, None),
            IamFailure::Transport { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// The HTTP status IAM answered, if it answered an error status.
    pub fn status(&self) -> Option<u16> {
        match self.failure() {
            IamFailure::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for IamFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status { status, message } => write!(f, "HTTP {status}: {message}"),
            Self::Transport { reason, .. } => write!(f, "cannot reach IAM: {reason}"),
            Self::InvalidResponse(reason) => write!(f, "undecodable answer: {reason}"),
            Self::NoProject => f.write_str("no project has this name"),
            Self::SeveralProjects(count) => {
                write!(f, "{count} projects have this name: give the project ID")
            }
            Self::Unscoped => {
                f.write_str("the token is not scoped to a project: give a project name or ID")
            }
        }
    }
}

/// A domain as messages show it: `name "OTC0000"` or `id "abc"`.
struct DomainShown<'d>(&'d UserDomain);

impl fmt::Display for DomainShown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            UserDomain::Name(name) => write!(f, "name {name:?}"),
            UserDomain::Id(id) => write!(f, "id {id:?}"),
        }
    }
}
