//! Which cloud of clouds.yaml to read, and where: what the builder and the environment said.

use std::path::PathBuf;

use super::CloudsSearch;

/// A value and the setting that gave it, for messages (`OS_CLOUD`, `the builder`).
#[derive(Clone, Debug)]
pub(crate) struct Given<T> {
    pub(crate) value: T,
    pub(crate) origin: &'static str,
}

/// Which cloud to read, and where: what the builder and the environment said.
#[derive(Clone, Debug, Default)]
pub(crate) struct Choice {
    pub(crate) name: Option<Given<String>>,
    /// The clouds file given explicitly (the builder's `clouds_file`).
    pub(crate) file: Option<Given<PathBuf>>,
    /// The clouds file named by `OS_CLIENT_CONFIG_FILE`: used when none is given explicitly,
    /// and not by itself a reason to read a cloud.
    pub(crate) env_file: Option<Given<PathBuf>>,
    pub(crate) secure_file: Option<Given<PathBuf>>,
    pub(crate) search: Option<CloudsSearch>,
}

impl Choice {
    /// Whether a cloud is to be read at all.
    pub(crate) fn is_named(&self) -> bool {
        self.name.is_some() || self.file.is_some()
    }

    pub(super) fn shown_name(&self) -> String {
        match &self.name {
            Some(name) => format!("cloud {:?} ({})", name.value, name.origin),
            None => "clouds.yaml".to_owned(),
        }
    }
}
