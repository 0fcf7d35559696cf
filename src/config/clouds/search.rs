//! Where `clouds.yaml` and `secure.yaml` are looked for: [`CloudsSearch`] and the file names.

use std::path::PathBuf;

/// The file names looked for in each directory, in order.
pub(super) const CLOUDS_NAMES: [&str; 3] = ["clouds.yaml", "clouds.yml", "clouds.json"];
pub(super) const SECURE_NAMES: [&str; 3] = ["secure.yaml", "secure.yml", "secure.json"];
/// The system-wide directory of the files.
const SYSTEM_DIR: &str = "/etc/openstack";

/// The directories where `clouds.yaml` and `secure.yaml` are looked for, after any file named
/// by `OS_CLIENT_CONFIG_FILE` / `OS_CLIENT_SECURE_FILE`: the current directory, then
/// `$XDG_CONFIG_HOME/openstack` (when set), `~/.config/openstack`, and `/etc/openstack`
/// (openstacksdk's order).
///
/// Each may be replaced, for tests or unusual setups:
///
/// ```
/// use otc_vpcep::CloudsSearch;
///
/// let search = CloudsSearch::none()
///     .current_dir("/srv/app")
///     .home_dir("/home/me")
///     .system_dir("/opt/openstack");
/// assert_eq!(
///     search.dirs(),
///     ["/srv/app", "/home/me/.config/openstack", "/opt/openstack"].map(std::path::PathBuf::from)
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloudsSearch {
    current_dir: Option<PathBuf>,
    config_home: Option<PathBuf>,
    home_dir: Option<PathBuf>,
    system_dir: Option<PathBuf>,
}

impl CloudsSearch {
    /// The standard search of this process: its current directory, `XDG_CONFIG_HOME` and
    /// `HOME` from its environment, and `/etc/openstack`.
    pub fn standard() -> Self {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// The standard search, with `HOME` and `XDG_CONFIG_HOME` read through `lookup` (as
    /// [`ClientBuilder::from_env_with`](crate::ClientBuilder::from_env_with) does); the
    /// current directory is the process's.
    pub fn from_env_with(mut lookup: impl FnMut(&str) -> Option<String>) -> Self {
        let mut path = |name: &str| lookup(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        Self {
            current_dir: std::env::current_dir().ok(),
            config_home: path("XDG_CONFIG_HOME"),
            home_dir: path("HOME"),
            system_dir: Some(PathBuf::from(SYSTEM_DIR)),
        }
    }

    /// No directory at all; add those wanted with the other methods.
    pub fn none() -> Self {
        Self::default()
    }

    /// Looks in this directory first (instead of the current directory).
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.current_dir = Some(dir.into());
        self
    }

    /// The home directory: `DIR/.config/openstack` is searched.
    pub fn home_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.home_dir = Some(dir.into());
        self
    }

    /// `XDG_CONFIG_HOME`: `DIR/openstack` is searched before the home directory's.
    pub fn config_home(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config_home = Some(dir.into());
        self
    }

    /// The system-wide directory (instead of `/etc/openstack`).
    pub fn system_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.system_dir = Some(dir.into());
        self
    }

    /// The directories searched, in order.
    pub fn dirs(&self) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        dirs.extend(self.current_dir.clone());
        dirs.extend(self.config_home.as_ref().map(|d| d.join("openstack")));
        dirs.extend(
            self.home_dir
                .as_ref()
                .map(|d| d.join(".config").join("openstack")),
        );
        dirs.extend(self.system_dir.clone());
        dirs.dedup();
        dirs
    }
}

/// The first `dir/name` that is a file.
pub(super) fn first_existing(dirs: &[PathBuf], names: &[&str]) -> Option<PathBuf> {
    dirs.iter()
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|path| path.is_file())
}
