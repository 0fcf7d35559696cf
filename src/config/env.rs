//! Client settings from environment variables, following the conventions of the OpenStack
//! tools (`OS_*`) and of the Huawei Cloud SDKs (`HUAWEICLOUD_SDK_*`).
//!
//! Credentials come from the first of these sources that has any of its variables set (a
//! variable set to the empty string counts as unset):
//! 1. `OS_AUTH_TOKEN`: an IAM token;
//! 2. `OS_ACCESS_KEY` + `OS_SECRET_KEY`, with `OS_SECURITY_TOKEN` for temporary credentials;
//! 3. `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK`;
//! 4. `OS_USERNAME` + `OS_PASSWORD`, with `OS_USER_DOMAIN_NAME` (or `OS_DOMAIN_NAME`).
//!
//! A source that is only half set (an access key without its secret key, a security token
//! without keys, a user name without password or domain) is an error, not skipped. The
//! project comes from `OS_PROJECT_ID` or `OS_PROJECT_NAME`, the region from `OS_REGION_NAME`,
//! the IAM endpoint from `OS_AUTH_URL`, extra CA certificates from `OS_CACERT` (a PEM file).
//! `OS_CLOUD`, `OS_CLIENT_CONFIG_FILE` and `OS_CLIENT_SECURE_FILE` choose a cloud of
//! clouds.yaml (see `clouds`).

use std::path::PathBuf;

use super::{
    clouds::{Choice, CloudsSearch, Given},
    credentials::{self, Setting, Way},
    sources::Settings,
};
use crate::{UserDomain, config::tls::TrustedCas};

/// The IAM token.
pub(crate) const TOKEN: &str = "OS_AUTH_TOKEN";
/// The access key, OpenStack style.
pub(crate) const ACCESS_KEY: &str = "OS_ACCESS_KEY";
/// The secret key, OpenStack style.
pub(crate) const SECRET_KEY: &str = "OS_SECRET_KEY";
/// The security token of temporary access keys.
pub(crate) const SECURITY_TOKEN: &str = "OS_SECURITY_TOKEN";
/// The access key, Huawei Cloud SDK style.
pub(crate) const SDK_ACCESS_KEY: &str = "HUAWEICLOUD_SDK_AK";
/// The secret key, Huawei Cloud SDK style.
pub(crate) const SDK_SECRET_KEY: &str = "HUAWEICLOUD_SDK_SK";
/// The IAM user name.
pub(crate) const USERNAME: &str = "OS_USERNAME";
/// The IAM user's password.
pub(crate) const PASSWORD: &str = "OS_PASSWORD";
/// The domain of the IAM user, by name.
pub(crate) const USER_DOMAIN_NAME: &str = "OS_USER_DOMAIN_NAME";
/// The domain of the IAM user, by name, as the OTC Terraform provider names it.
pub(crate) const DOMAIN_NAME: &str = "OS_DOMAIN_NAME";
/// The IAM endpoint.
pub(crate) const AUTH_URL: &str = "OS_AUTH_URL";
/// The project id.
pub(crate) const PROJECT_ID: &str = "OS_PROJECT_ID";
/// The project name.
pub(crate) const PROJECT_NAME: &str = "OS_PROJECT_NAME";
/// The region.
pub(crate) const REGION: &str = "OS_REGION_NAME";
/// A PEM file of CA certificates to trust.
pub(crate) const CACERT: &str = "OS_CACERT";
/// The cloud of clouds.yaml to use.
pub(crate) const CLOUD: &str = "OS_CLOUD";
/// The clouds.yaml file looked at first.
pub(crate) const CLIENT_CONFIG_FILE: &str = "OS_CLIENT_CONFIG_FILE";
/// The secure.yaml file looked at first.
pub(crate) const CLIENT_SECURE_FILE: &str = "OS_CLIENT_SECURE_FILE";

/// How messages name this source.
pub(crate) const ORIGIN: &str = "the environment";

/// Reads the settings and the choice of cloud through `lookup`, which answers the value of a
/// variable, if set.
pub(crate) fn read(mut lookup: impl FnMut(&str) -> Option<String>) -> (Settings, Choice) {
    let mut get = |name: &str| lookup(name).filter(|value| !value.is_empty());
    let mut settings = Settings {
        project_id: get(PROJECT_ID),
        project_name: get(PROJECT_NAME),
        region: get(REGION),
        auth_url: get(AUTH_URL),
        ..Settings::new(ORIGIN)
    };
    if let Some(path) = get(CACERT) {
        let mut cas = TrustedCas::default();
        cas.push_file(CACERT, path);
        settings.cas = Some(cas);
    }
    let given = |value: Option<String>, origin| value.map(|value| Given { value, origin });
    let given_path = |value: Option<String>, origin| {
        value.map(|value| Given {
            value: PathBuf::from(value),
            origin,
        })
    };
    let choice = Choice {
        name: given(get(CLOUD), CLOUD),
        file: None,
        env_file: given_path(get(CLIENT_CONFIG_FILE), CLIENT_CONFIG_FILE),
        secure_file: given_path(get(CLIENT_SECURE_FILE), CLIENT_SECURE_FILE),
        search: Some(CloudsSearch::from_env_with(&mut get)),
    };

    let keys_missing = || {
        format!(
            "is not set, but other {ACCESS_KEY}/{SECRET_KEY}/{SECURITY_TOKEN} variables are: \
             set both keys, or unset the others"
        )
    };
    let token = Way::Token(Setting::new(TOKEN, get(TOKEN), String::new()));
    let os_keys = Way::AccessKey {
        access_key: Setting::new(ACCESS_KEY, get(ACCESS_KEY), keys_missing()),
        secret_key: Setting::new(SECRET_KEY, get(SECRET_KEY), keys_missing()),
        security_token: get(SECURITY_TOKEN),
    };
    let sdk_keys = Way::AccessKey {
        access_key: Setting::new(
            SDK_ACCESS_KEY,
            get(SDK_ACCESS_KEY),
            format!("is not set, but {SDK_SECRET_KEY} is"),
        ),
        secret_key: Setting::new(
            SDK_SECRET_KEY,
            get(SDK_SECRET_KEY),
            format!("is not set, but {SDK_ACCESS_KEY} is"),
        ),
        security_token: None,
    };
    let password = Way::Password {
        username: Setting::new(
            USERNAME,
            get(USERNAME),
            format!("is not set, but {PASSWORD} is"),
        ),
        password: Setting::new(
            PASSWORD,
            get(PASSWORD),
            format!("is not set, but {USERNAME} is"),
        ),
        domain: get(USER_DOMAIN_NAME)
            .or_else(|| get(DOMAIN_NAME))
            .map(UserDomain::Name),
        domain_missing: (
            USER_DOMAIN_NAME.to_owned(),
            format!(
                "is not set: a user name needs its domain ({USER_DOMAIN_NAME} or {DOMAIN_NAME})"
            ),
        ),
    };
    credentials::choose(
        &mut settings,
        [token, os_keys, sdk_keys, password].map(Way::candidate),
    );
    (settings, choice)
}

/// The message when no source has credentials.
pub(crate) fn no_credentials(cloud: Option<&str>) -> String {
    let cloud = match cloud {
        Some(origin) => format!(" nor in {origin}"),
        None => String::new(),
    };
    format!(
        "none in the environment{cloud}: set {TOKEN}, or {ACCESS_KEY} and {SECRET_KEY}, or \
         {SDK_ACCESS_KEY} and {SDK_SECRET_KEY}, or {USERNAME} and {PASSWORD}; or name a cloud \
         of clouds.yaml with {CLOUD}"
    )
}
