//! `clouds.yaml` and `secure.yaml`, the files of openstacksdk, otcextensions, the `openstack`
//! command and the OTC Terraform provider: where they are looked for, how the two are merged,
//! and the settings of the named cloud.
//!
//! Files are looked for only when a cloud is named (`OS_CLOUD`, [`cloud`], `--os-cloud`) or a
//! clouds file is given explicitly ([`clouds_file`]). `clouds.yaml` is the first of: the file
//! given explicitly (else `OS_CLIENT_CONFIG_FILE`), which must exist; then `clouds.yaml`,
//! `clouds.yml` or `clouds.json` in the current directory, `$XDG_CONFIG_HOME/openstack` (when
//! set), `~/.config/openstack` and `/etc/openstack`. `secure.yaml` is the first of
//! `OS_CLIENT_SECURE_FILE` (which must exist), the directory of an explicitly given clouds
//! file, then the same directories; its cloud of the same name is merged over the
//! clouds.yaml one key by key (mappings merged recursively, secure.yaml's values win).
//!
//! [`cloud`]: crate::ClientBuilder::cloud
//! [`clouds_file`]: crate::ClientBuilder::clouds_file

mod choice;
mod file;
mod search;
mod settings;

pub(crate) use choice::{Choice, Given};
pub use search::CloudsSearch;

use std::path::{Path, PathBuf};

use search::{CLOUDS_NAMES, SECURE_NAMES};

use super::sources::Settings;
use crate::spec::validation::Violations;

impl Choice {
    /// The settings of the chosen cloud; every problem (no file, no such cloud, malformed
    /// YAML, a key of the wrong type) is recorded, naming the file, the cloud and the key.
    /// `None` when no cloud is chosen or it cannot be read.
    pub(crate) fn load(&self, violations: &mut Violations) -> Option<Settings> {
        if !self.is_named() {
            return None;
        }
        let search = self.search.clone().unwrap_or_else(CloudsSearch::standard);
        let dirs = search.dirs();
        let clouds_path = match self.file.as_ref().or(self.env_file.as_ref()) {
            Some(file) => given_file(file, violations)?,
            None => match search::first_existing(&dirs, &CLOUDS_NAMES) {
                Some(path) => path,
                None => {
                    let looked: Vec<String> = dirs
                        .iter()
                        .map(|d| d.join(CLOUDS_NAMES[0]).display().to_string())
                        .collect();
                    violations.push(
                        "cloud",
                        format!(
                            "{}: no clouds.yaml found (looked for clouds.yaml, .yml and .json \
                             in: {}; OS_CLIENT_CONFIG_FILE names another)",
                            self.shown_name(),
                            looked.join(", ")
                        ),
                    );
                    return None;
                }
            },
        };
        let secure_path = match &self.secure_file {
            Some(file) => Some(given_file(file, violations)?),
            None => {
                let mut secure_dirs = Vec::new();
                if self.file.is_some() || self.env_file.is_some() {
                    secure_dirs.extend(clouds_path.parent().map(Path::to_path_buf));
                }
                secure_dirs.extend(dirs);
                search::first_existing(&secure_dirs, &SECURE_NAMES)
            }
        };

        let clouds = file::read_clouds(&clouds_path, true, violations)?;
        let secure = match &secure_path {
            Some(path) => Some(file::read_clouds(path, false, violations)?),
            None => None,
        };
        let name = match &self.name {
            Some(name) => name.value.clone(),
            None => {
                // An explicit file without a cloud name: its only cloud.
                let names = file::names(&clouds);
                if names.len() == 1 {
                    names[0].clone()
                } else {
                    violations.push(
                        "cloud",
                        format!(
                            "{}: name the cloud to use (OS_CLOUD, cloud(NAME) or --os-cloud): \
                             it has {}",
                            clouds_path.display(),
                            file::shown_names(&names)
                        ),
                    );
                    return None;
                }
            }
        };
        let base = file::cloud_of(&clouds, &name, &clouds_path, violations)?;
        let over = match (&secure, &secure_path) {
            (Some(secure), Some(path)) => file::cloud_of(secure, &name, path, violations)?,
            _ => None,
        };
        if base.is_none() && over.is_none() {
            violations.push(
                "cloud",
                format!(
                    "cloud {name:?} is not in {} (it has {})",
                    clouds_path.display(),
                    file::shown_names(&file::names(&clouds))
                ),
            );
            return None;
        }
        let mut merged = base.clone().unwrap_or_default();
        if let Some(over) = &over {
            file::merge(&mut merged, over);
        }
        let origin = match &secure_path {
            Some(secure) if over.is_some() => format!(
                "cloud {name:?} of {} and {}",
                clouds_path.display(),
                secure.display()
            ),
            _ => format!("cloud {name:?} of {}", clouds_path.display()),
        };
        let cloud = settings::Cloud {
            name: &name,
            merged: &merged,
            secure: over.as_ref().zip(secure_path.as_deref()),
            clouds_path: &clouds_path,
        };
        Some(cloud.settings(origin))
    }
}

/// A file named explicitly (it must exist), or `None` with the violation that it does not.
fn given_file(file: &Given<PathBuf>, violations: &mut Violations) -> Option<PathBuf> {
    if file.value.is_file() {
        return Some(file.value.clone());
    }
    violations.push(
        file.origin,
        format!("{}: no such file", file.value.display()),
    );
    None
}
