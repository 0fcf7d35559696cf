//! Where a client's settings come from and the rules they follow: the environment
//! ([`env`]), clouds.yaml ([`clouds`]), each source's settings and their precedence
//! ([`sources`]), URLs ([`url`]), trusted CA certificates ([`tls`]) and bounded file reads
//! ([`files`]).

pub(crate) mod clouds;
pub(crate) mod credentials;
pub(crate) mod env;
pub(crate) mod files;
pub(crate) mod sources;
pub(crate) mod tls;
pub(crate) mod url;
