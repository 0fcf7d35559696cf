//! The settings of one cloud, read from its merged mapping: where the API is, the project,
//! the certificates, and the credentials.

use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

use super::file::{kind, lookup};
use crate::{
    UserDomain,
    config::{
        credentials::{self, Candidate, Setting, Way},
        sources::Settings,
        tls::TrustedCas,
    },
    spec::validation::Violations,
};

/// The merged settings of one cloud, with what is needed to name the file of each key.
pub(super) struct Cloud<'c> {
    pub(super) name: &'c str,
    pub(super) merged: &'c Mapping,
    /// secure.yaml's part of the cloud, and its path.
    pub(super) secure: Option<(&'c Mapping, &'c Path)>,
    pub(super) clouds_path: &'c Path,
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
    pub(super) fn settings(&self, origin: String) -> Settings {
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
        let setting = |key: &[&str], value: Option<String>, missing: &str| {
            Setting::new(self.field(key), value, missing.to_owned())
        };
        let keys_missing = "is not set (nor its long name access_key/secret_key), but other \
                            access key settings are";
        let keys = Way::AccessKey {
            access_key: setting(&["ak"], access_key, keys_missing),
            secret_key: setting(&["sk"], secret_key, keys_missing),
            security_token,
        };
        let password = Candidate {
            way: Way::Password {
                username: setting(
                    &["auth", "username"],
                    username,
                    "is not set, but auth.password is",
                ),
                password: setting(
                    &["auth", "password"],
                    password,
                    "is not set, but auth.username is",
                ),
                domain,
                domain_missing: (
                    self.field(&["auth", "user_domain_name"]),
                    "is not set: a user name needs its domain (user_domain_name, \
                     user_domain_id or domain_name)"
                        .to_owned(),
                ),
            },
            chosen: kind.is_some().then(|| "auth_type is password".to_owned()),
        };
        match kind.as_deref() {
            Some("token" | "v3token") => credentials::choose(
                settings,
                [Candidate {
                    way: Way::Token(setting(&["auth", "token"], token, "")),
                    chosen: Some(format!("auth_type is {:?}", auth_type.unwrap_or_default())),
                }],
            ),
            None | Some("password" | "v3password") => {
                credentials::choose(settings, [keys.candidate(), password]);
            }
            // An access key is used whatever the auth_type says.
            Some(_) if keys.is_touched() => credentials::choose(settings, [keys.candidate()]),
            Some(other) => {
                settings.has_credentials = true;
                settings.credential_problems.push(
                    self.field(&["auth_type"]),
                    format!(
                        "{other:?} is not supported: use password (the default), v3password, \
                         token or v3token, or an access key (ak, sk)"
                    ),
                );
            }
        }
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
}
