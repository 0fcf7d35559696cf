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

use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

use super::sources::Settings;
use crate::{
    Credentials, auth::credentials::UserDomain, files, tls::TrustedCas, validation::Violations,
};

/// The file names looked for in each directory, in order.
const CLOUDS_NAMES: [&str; 3] = ["clouds.yaml", "clouds.yml", "clouds.json"];
const SECURE_NAMES: [&str; 3] = ["secure.yaml", "secure.yml", "secure.json"];
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
    pub(crate) file: Option<Given<PathBuf>>,
    pub(crate) secure_file: Option<Given<PathBuf>>,
    pub(crate) search: Option<CloudsSearch>,
}

impl Choice {
    /// Whether a cloud is to be read at all.
    pub(crate) fn is_named(&self) -> bool {
        self.name.is_some()
            || self
                .file
                .as_ref()
                .is_some_and(|f| f.origin != super::env::CLIENT_CONFIG_FILE)
    }

    /// The settings of the chosen cloud; every problem (no file, no such cloud, malformed
    /// YAML, a key of the wrong type) is recorded, naming the file, the cloud and the key.
    /// `None` when no cloud is chosen or it cannot be read.
    pub(crate) fn load(&self, violations: &mut Violations) -> Option<Settings> {
        if !self.is_named() {
            return None;
        }
        let search = self.search.clone().unwrap_or_else(CloudsSearch::standard);
        let dirs = search.dirs();
        let clouds_path = match &self.file {
            Some(file) => {
                if !file.value.is_file() {
                    violations.push(
                        file.origin,
                        format!("{}: no such file", file.value.display()),
                    );
                    return None;
                }
                file.value.clone()
            }
            None => match first_existing(&dirs, &CLOUDS_NAMES) {
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
            Some(file) => {
                if !file.value.is_file() {
                    violations.push(
                        file.origin,
                        format!("{}: no such file", file.value.display()),
                    );
                    return None;
                }
                Some(file.value.clone())
            }
            None => {
                let mut secure_dirs = Vec::new();
                if self.file.is_some() {
                    secure_dirs.extend(clouds_path.parent().map(Path::to_path_buf));
                }
                secure_dirs.extend(dirs);
                first_existing(&secure_dirs, &SECURE_NAMES)
            }
        };

        let clouds = read_clouds(&clouds_path, true, violations)?;
        let secure = match &secure_path {
            Some(path) => Some(read_clouds(path, false, violations)?),
            None => None,
        };
        let name = match &self.name {
            Some(name) => name.value.clone(),
            None => {
                // An explicit file without a cloud name: its only cloud.
                let names = names(&clouds);
                if names.len() == 1 {
                    names[0].clone()
                } else {
                    violations.push(
                        "cloud",
                        format!(
                            "{}: name the cloud to use (OS_CLOUD, cloud(NAME) or --os-cloud): \
                             it has {}",
                            clouds_path.display(),
                            shown_names(&names)
                        ),
                    );
                    return None;
                }
            }
        };
        let base = cloud_of(&clouds, &name, &clouds_path, violations)?;
        let over = match (&secure, &secure_path) {
            (Some(secure), Some(path)) => cloud_of(secure, &name, path, violations)?,
            _ => None,
        };
        if base.is_none() && over.is_none() {
            violations.push(
                "cloud",
                format!(
                    "cloud {name:?} is not in {} (it has {})",
                    clouds_path.display(),
                    shown_names(&names(&clouds))
                ),
            );
            return None;
        }
        let mut merged = base.clone().unwrap_or_default();
        if let Some(over) = &over {
            merge(&mut merged, over);
        }
        let origin = match &secure_path {
            Some(secure) if over.is_some() => format!(
                "cloud {name:?} of {} and {}",
                clouds_path.display(),
                secure.display()
            ),
            _ => format!("cloud {name:?} of {}", clouds_path.display()),
        };
        let cloud = Cloud {
            name: &name,
            merged: &merged,
            secure: over.as_ref().zip(secure_path.as_deref()),
            clouds_path: &clouds_path,
        };
        Some(cloud.settings(origin))
    }

    fn shown_name(&self) -> String {
        match &self.name {
            Some(name) => format!("cloud {:?} ({})", name.value, name.origin),
            None => "clouds.yaml".to_owned(),
        }
    }
}

/// The first `dir/name` that is a file.
fn first_existing(dirs: &[PathBuf], names: &[&str]) -> Option<PathBuf> {
    dirs.iter()
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|path| path.is_file())
}

/// The `clouds` mapping of a file (`required`: the file must have one).
fn read_clouds(path: &Path, required: bool, violations: &mut Violations) -> Option<Mapping> {
    let shown = path.display().to_string();
    let bytes = match files::read_bounded(path) {
        Ok(bytes) => bytes,
        Err(problem) => {
            violations.push(shown, problem);
            return None;
        }
    };
    let document: Value = match serde_yaml_ng::from_slice(&bytes) {
        Ok(document) => document,
        Err(e) => {
            violations.push(shown, format!("is not valid YAML: {e}"));
            return None;
        }
    };
    match document {
        Value::Mapping(mut top) => match top.remove("clouds") {
            Some(Value::Mapping(clouds)) => Some(clouds),
            None | Some(Value::Null) if !required => Some(Mapping::new()),
            None | Some(Value::Null) => {
                violations.push(shown, "has no `clouds` mapping");
                None
            }
            Some(other) => {
                violations.push(
                    format!("{shown}: clouds"),
                    format!("is {}, expected a mapping of clouds by name", kind(&other)),
                );
                None
            }
        },
        Value::Null if !required => Some(Mapping::new()),
        other => {
            violations.push(
                shown,
                format!("is {}, expected a mapping with `clouds`", kind(&other)),
            );
            None
        }
    }
}

/// The names of the clouds of a file.
fn names(clouds: &Mapping) -> Vec<String> {
    clouds
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect()
}

fn shown_names(names: &[String]) -> String {
    if names.is_empty() {
        "no cloud".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The mapping of cloud `name` (`None` if absent); a cloud that is not a mapping is recorded.
fn cloud_of(
    clouds: &Mapping,
    name: &str,
    path: &Path,
    violations: &mut Violations,
) -> Option<Option<Mapping>> {
    match clouds.get(name) {
        None | Some(Value::Null) => Some(None),
        Some(Value::Mapping(cloud)) => Some(Some(cloud.clone())),
        Some(other) => {
            violations.push(
                format!("{}: clouds.{name}", path.display()),
                format!("is {}, expected a mapping", kind(other)),
            );
            None
        }
    }
}

/// Merges `over` into `base` key by key: mappings recursively, any other value replaced.
fn merge(base: &mut Mapping, over: &Mapping) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(Value::Mapping(inner)), Value::Mapping(over_inner)) => merge(inner, over_inner),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// What a YAML value is, in words (never the value itself: it may be a secret).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The merged settings of one cloud, with what is needed to name the file of each key.
struct Cloud<'c> {
    name: &'c str,
    merged: &'c Mapping,
    /// secure.yaml's part of the cloud, and its path.
    secure: Option<(&'c Mapping, &'c Path)>,
    clouds_path: &'c Path,
}

impl Cloud<'_> {
    /// The file a key (a path of nested keys) came from: secure.yaml when it has it.
    fn file_of(&self, key: &[&str]) -> &Path {
        if let Some((secure, path)) = self.secure
            && lookup(secure, key).is_some()
        {
            return path;
        }
        self.clouds_path
    }

    /// The violation field naming the file, the cloud and the key.
    fn field(&self, key: &[&str]) -> String {
        format!(
            "{}: clouds.{}.{}",
            self.file_of(key).display(),
            self.name,
            key.join(".")
        )
    }

    /// A string value at `key`; absent, empty or `null` is `None`; another type is recorded.
    fn string(&self, key: &[&str], problems: &mut Violations) -> Option<String> {
        match lookup(self.merged, key)? {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            other => {
                let hint = match other {
                    Value::Number(_) | Value::Bool(_) => " (put it in quotes)",
                    _ => "",
                };
                problems.push(
                    self.field(key),
                    format!("is {}, expected a string{hint}", kind(other)),
                );
                None
            }
        }
    }

    /// A boolean value at `key`; absent or `null` is `None`; another type is recorded.
    fn boolean(&self, key: &[&str], problems: &mut Violations) -> Option<bool> {
        match lookup(self.merged, key)? {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            other => {
                problems.push(
                    self.field(key),
                    format!("is {}, expected true or false", kind(other)),
                );
                None
            }
        }
    }

    /// The settings of this cloud. Problems of the credentials are kept apart: they matter only
    /// when this cloud's credentials are the ones used.
    fn settings(&self, origin: String) -> Settings {
        let mut problems = Violations::default();
        if let Some(auth) = self.merged.get("auth")
            && !matches!(auth, Value::Mapping(_) | Value::Null)
        {
            problems.push(
                self.field(&["auth"]),
                format!("is {}, expected a mapping", kind(auth)),
            );
        }
        let region = self.string(&["region_name"], &mut problems);
        let auth_url = self.string(&["auth", "auth_url"], &mut problems);
        let mut project_id = self.string(&["auth", "project_id"], &mut problems);
        let project_name = self.string(&["auth", "project_name"], &mut problems);
        let cacert = self.string(&["cacert"], &mut problems);
        let verify = self.boolean(&["verify"], &mut problems);
        let mut endpoint = None;
        if let Some(text) = self.string(&["vpcep_endpoint_override"], &mut problems) {
            match endpoint_override(&text) {
                Ok((base, named_project)) => {
                    endpoint = Some(base);
                    match (&project_id, named_project) {
                        (None, named) => project_id = named,
                        (Some(id), Some(named)) if *id != named => problems.push(
                            self.field(&["vpcep_endpoint_override"]),
                            format!(
                                "names project {named:?}, but auth.project_id is {id:?}: they \
                                 must agree"
                            ),
                        ),
                        _ => {}
                    }
                }
                Err(rule) => problems.push(self.field(&["vpcep_endpoint_override"]), rule),
            }
        }
        let mut settings = Settings {
            region,
            auth_url,
            project_id,
            project_name,
            endpoint,
            verify,
            ..Settings::new(origin)
        };
        if let Some(path) = cacert {
            let mut cas = TrustedCas::default();
            cas.push_file(self.field(&["cacert"]), path);
            settings.cas = Some(cas);
        }
        self.credentials(&mut settings, &mut problems);
        settings.problems = problems;
        settings
    }

    /// The credentials: `auth_type: token` (or `v3token`) with `auth.token`; else an access
    /// key (`ak`/`sk` or `access_key`/`secret_key`, with `security_token`); else a user name
    /// and password (`auth_type: password`, the default, or `v3password`).
    fn credentials(&self, settings: &mut Settings, problems: &mut Violations) {
        let auth_type = self.string(&["auth_type"], problems);
        let mut own = Violations::default();
        let access_key = self
            .string(&["ak"], problems)
            .or_else(|| self.string(&["access_key"], problems));
        let secret_key = self
            .string(&["sk"], problems)
            .or_else(|| self.string(&["secret_key"], problems));
        let security_token = self.string(&["security_token"], problems);
        let token = self.string(&["auth", "token"], problems);
        let username = self.string(&["auth", "username"], problems);
        let password = self.string(&["auth", "password"], problems);
        let domain = self
            .string(&["auth", "user_domain_name"], problems)
            .map(UserDomain::Name)
            .or_else(|| {
                self.string(&["auth", "user_domain_id"], problems)
                    .map(UserDomain::Id)
            })
            .or_else(|| {
                self.string(&["auth", "domain_name"], problems)
                    .map(UserDomain::Name)
            })
            .or_else(|| {
                self.string(&["auth", "domain_id"], problems)
                    .map(UserDomain::Id)
            });

        let kind = auth_type.as_deref().map(str::to_ascii_lowercase);
        let keys_set = access_key.is_some() || secret_key.is_some() || security_token.is_some();
        match kind.as_deref() {
            Some("token" | "v3token") => {
                settings.has_credentials = true;
                match token {
                    Some(token) => settings.credentials = Some(Credentials::token(token)),
                    None => own.push(
                        self.field(&["auth", "token"]),
                        format!(
                            "is not set, but auth_type is {:?}",
                            auth_type.unwrap_or_default()
                        ),
                    ),
                }
            }
            _ if keys_set => {
                settings.has_credentials = true;
                match (access_key, secret_key) {
                    (Some(ak), Some(sk)) => {
                        let keys = Credentials::access_key(ak, sk);
                        settings.credentials = Some(match security_token {
                            Some(st) => keys.with_security_token(st),
                            None => keys,
                        });
                    }
                    (ak, sk) => {
                        for (key, value) in [("ak", ak), ("sk", sk)] {
                            if value.is_none() {
                                own.push(
                                    self.field(&[key]),
                                    "is not set (nor its long name access_key/secret_key), \
                                     but other access key settings are",
                                );
                            }
                        }
                    }
                }
            }
            None | Some("password" | "v3password") => {
                if username.is_none() && password.is_none() {
                    if kind.is_some() {
                        settings.has_credentials = true;
                        own.push(
                            self.field(&["auth", "username"]),
                            "is not set, but auth_type is password",
                        );
                    }
                    settings.credential_problems = own;
                    return;
                }
                settings.has_credentials = true;
                if username.is_none() {
                    own.push(
                        self.field(&["auth", "username"]),
                        "is not set, but auth.password is",
                    );
                }
                if password.is_none() {
                    own.push(
                        self.field(&["auth", "password"]),
                        "is not set, but auth.username is",
                    );
                }
                if domain.is_none() {
                    own.push(
                        self.field(&["auth", "user_domain_name"]),
                        "is not set: a user name needs its domain (user_domain_name, \
                         user_domain_id or domain_name)",
                    );
                }
                if let (Some(username), Some(password), Some(domain)) = (username, password, domain)
                {
                    settings.credentials = Some(Credentials::password(username, password, domain));
                }
            }
            Some(other) => {
                settings.has_credentials = true;
                own.push(
                    self.field(&["auth_type"]),
                    format!(
                        "{other:?} is not supported: use password (the default), v3password, \
                         token or v3token, or an access key (ak, sk)"
                    ),
                );
            }
        }
        settings.credential_problems = own;
    }
}

/// The value at a path of nested keys.
fn lookup<'m>(mapping: &'m Mapping, key: &[&str]) -> Option<&'m Value> {
    let (first, rest) = key.split_first()?;
    let value = mapping.get(*first)?;
    if rest.is_empty() {
        return Some(value);
    }
    match value {
        Value::Mapping(inner) => lookup(inner, rest),
        _ => None,
    }
}

/// The base URL of a `vpcep_endpoint_override`, and the project it names, if any.
///
/// openstacksdk's overrides for VPCEP include the version and the project:
/// `https://host/v1/{project_id}`. The client adds `/v1/{project_id}/...` itself, so a
/// trailing `/v1`, or `/v1/` followed by one segment, is cut off. That segment is either a
/// placeholder (`{project_id}`, `%(project_id)s`, `$(project_id)s`, `$(tenant_id)s`, ...),
/// which the client fills with the project it uses, or a project ID, which becomes the
/// cloud's project. Any other URL is the base as it is (`https://host`, or a prefix such as
/// `https://host/vpcep`).
pub(crate) fn endpoint_override(text: &str) -> Result<(String, Option<String>), String> {
    let trimmed = text.trim().trim_end_matches('/');
    let (head, last) = trimmed.rsplit_once('/').unwrap_or((trimmed, ""));
    let (base, project) = if last == "v1" {
        (head, None)
    } else if let Some(base) = head.strip_suffix("/v1") {
        let placeholder = last.contains('{') || last.contains("%(") || last.contains("$(");
        (base, (!placeholder).then(|| last.to_owned()))
    } else {
        (trimmed, None)
    };
    if !base.contains("://") {
        return Err("is not an http or https URL".to_owned());
    }
    Ok((base.to_owned(), project))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_with_version_and_project_gives_the_base_and_maybe_the_project() {
        let cases = [
            (
                "https://vpcep.example.com",
                ("https://vpcep.example.com", None),
            ),
            (
                "https://vpcep.example.com/",
                ("https://vpcep.example.com", None),
            ),
            (
                "https://vpcep.example.com/v1",
                ("https://vpcep.example.com", None),
            ),
            (
                "https://vpcep.example.com/v1/{project_id}",
                ("https://vpcep.example.com", None),
            ),
            ("https://h/v1/%(project_id)s/", ("https://h", None)),
            ("https://h/v1/$(tenant_id)s", ("https://h", None)),
            (
                "https://h/prefix/v1/abc123",
                ("https://h/prefix", Some("abc123")),
            ),
            (
                "http://127.0.0.1:8080/v1/p",
                ("http://127.0.0.1:8080", Some("p")),
            ),
            ("https://h/vpcep", ("https://h/vpcep", None)),
        ];
        for (text, (base, project)) in cases {
            assert_eq!(
                endpoint_override(text),
                Ok((base.to_owned(), project.map(str::to_owned))),
                "{text}"
            );
        }
        assert!(endpoint_override("vpcep.example.com/v1").is_err());
    }

    #[test]
    fn merging_goes_key_by_key_and_secure_values_win() {
        let mut base: Mapping =
            serde_yaml_ng::from_str("auth: {username: u, project_name: p}\nregion_name: eu-de\n")
                .unwrap();
        let over: Mapping =
            serde_yaml_ng::from_str("auth: {password: pw, project_name: q}\n").unwrap();
        merge(&mut base, &over);
        let expected: Mapping = serde_yaml_ng::from_str(
            "auth: {username: u, project_name: q, password: pw}\nregion_name: eu-de\n",
        )
        .unwrap();
        assert_eq!(base, expected);
    }
}
