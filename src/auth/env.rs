//! Client settings from environment variables, following the conventions of the OpenStack
//! tools (`OS_*`) and of the Huawei Cloud SDKs (`HUAWEICLOUD_SDK_*`).
//!
//! Credentials come from the first of these sources that has any of its variables set (a
//! variable set to the empty string counts as unset):
//! 1. `OS_AUTH_TOKEN`: an IAM token;
//! 2. `OS_ACCESS_KEY` + `OS_SECRET_KEY`, with `OS_SECURITY_TOKEN` for temporary credentials;
//! 3. `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK`.
//!
//! A source that is only half set (an access key without its secret key, a security token
//! without keys) is an error, not skipped. The project comes from `OS_PROJECT_ID`, the region
//! from `OS_REGION_NAME`.

use crate::{Credentials, validation::Violations};

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
/// The project id.
pub(crate) const PROJECT_ID: &str = "OS_PROJECT_ID";
/// The region.
pub(crate) const REGION: &str = "OS_REGION_NAME";

/// What the environment says about a client.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    /// The credentials, when a source is complete.
    pub(crate) credentials: Option<Credentials>,
    /// Why no credentials could be read (empty when they could).
    pub(crate) problems: Violations,
    /// `OS_PROJECT_ID`.
    pub(crate) project_id: Option<String>,
    /// `OS_REGION_NAME`.
    pub(crate) region: Option<String>,
}

/// Reads the settings through `lookup`, which answers the value of a variable, if set.
pub(crate) fn read(mut lookup: impl FnMut(&str) -> Option<String>) -> Settings {
    let mut get = |name: &str| lookup(name).filter(|value| !value.is_empty());
    let mut settings = Settings {
        project_id: get(PROJECT_ID),
        region: get(REGION),
        ..Settings::default()
    };
    let token = get(TOKEN);
    let os_keys = (get(ACCESS_KEY), get(SECRET_KEY), get(SECURITY_TOKEN));
    let sdk_keys = (get(SDK_ACCESS_KEY), get(SDK_SECRET_KEY));

    if let Some(token) = token {
        settings.credentials = Some(Credentials::token(token));
        return settings;
    }
    match os_keys {
        (None, None, None) => {}
        (Some(access_key), Some(secret_key), security_token) => {
            let credentials = Credentials::access_key(access_key, secret_key);
            settings.credentials = Some(match security_token {
                Some(security_token) => credentials.with_security_token(security_token),
                None => credentials,
            });
            return settings;
        }
        (access_key, secret_key, _) => {
            for (name, value) in [(ACCESS_KEY, access_key), (SECRET_KEY, secret_key)] {
                if value.is_none() {
                    settings.problems.push(
                        name,
                        format!(
                            "is not set, but other {ACCESS_KEY}/{SECRET_KEY}/{SECURITY_TOKEN} \
                             variables are: set both keys, or unset the others"
                        ),
                    );
                }
            }
            return settings;
        }
    }
    match sdk_keys {
        (Some(access_key), Some(secret_key)) => {
            settings.credentials = Some(Credentials::access_key(access_key, secret_key));
        }
        (None, None) => settings.problems.push(
            "credentials",
            format!(
                "none in the environment: set {TOKEN}, or {ACCESS_KEY} and {SECRET_KEY}, or \
                 {SDK_ACCESS_KEY} and {SDK_SECRET_KEY}"
            ),
        ),
        (Some(_), None) => settings.problems.push(
            SDK_SECRET_KEY,
            format!("is not set, but {SDK_ACCESS_KEY} is"),
        ),
        (None, Some(_)) => settings.problems.push(
            SDK_ACCESS_KEY,
            format!("is not set, but {SDK_SECRET_KEY} is"),
        ),
    }
    settings
}
