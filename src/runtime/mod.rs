//! What runs around every request of the generated clients: the hooks and the one attempt loop
//! ([`attempts`]), which failures are retried and when ([`retry`]), the client-wide guards (the
//! retry [`budget`], the [`pacing`] after the rate limit, the cap on requests in flight:
//! [`guards`]), and the record of a call's final answer ([`answer`]).

pub(crate) mod answer;
pub(crate) mod attempts;
pub(crate) mod budget;
pub(crate) mod guards;
pub(crate) mod hooks;
pub(crate) mod pacing;
pub(crate) mod retry;
