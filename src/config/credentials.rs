//! Which credentials a source gives, decided in one place for the environment and for
//! clouds.yaml: each source lists the ways it can give them (a token, an access key, a user
//! and password) in its order of precedence, and the first way that the source *touches*
//! (sets any of its settings, or chooses it explicitly, as clouds.yaml's `auth_type` does) is
//! the source's credentials, complete or not. A way that is only half set is an error that
//! names what is missing, never skipped for the next.

use super::sources::Settings;
use crate::{Credentials, UserDomain};

/// One setting of a way: its name in messages (a variable, or a clouds.yaml key with its
/// file), its value, and the rule to report when it is missing but others of its way are set.
pub(crate) struct Setting {
    pub(crate) name: String,
    pub(crate) value: Option<String>,
    pub(crate) missing: String,
}

impl Setting {
    /// The setting `name` with `value`, and its rule when missing.
    pub(crate) fn new(name: impl Into<String>, value: Option<String>, missing: String) -> Self {
        Self {
            name: name.into(),
            value,
            missing,
        }
    }
}

/// One way a source can give credentials.
pub(crate) enum Way {
    /// An IAM token.
    Token(Setting),
    /// An access key and its secret key, with the security token of temporary credentials
    /// (which touches the way, but is never required).
    AccessKey {
        access_key: Setting,
        secret_key: Setting,
        security_token: Option<String>,
    },
    /// A user name and password, in a domain (which does not touch the way by itself).
    Password {
        username: Setting,
        password: Setting,
        domain: Option<UserDomain>,
        /// The domain setting's name and its rule when missing.
        domain_missing: (String, String),
    },
}

/// A way, and why the source chose it explicitly (`auth_type is "token"`), if it did.
pub(crate) struct Candidate {
    pub(crate) way: Way,
    pub(crate) chosen: Option<String>,
}

impl Way {
    /// This way, not chosen explicitly.
    pub(crate) fn candidate(self) -> Candidate {
        Candidate {
            way: self,
            chosen: None,
        }
    }

    /// The settings that the way needs, in the order they are reported.
    fn required(&self) -> Vec<&Setting> {
        match self {
            Self::Token(token) => vec![token],
            Self::AccessKey {
                access_key,
                secret_key,
                ..
            } => vec![access_key, secret_key],
            Self::Password {
                username, password, ..
            } => vec![username, password],
        }
    }

    /// Whether any setting of the way is set.
    pub(crate) fn is_touched(&self) -> bool {
        let extra = match self {
            Self::AccessKey { security_token, .. } => security_token.is_some(),
            _ => false,
        };
        extra || self.required().iter().any(|s| s.value.is_some())
    }

    /// The credentials, when every setting they need is set.
    fn credentials(self) -> Option<Credentials> {
        match self {
            Self::Token(token) => token.value.map(Credentials::token),
            Self::AccessKey {
                access_key,
                secret_key,
                security_token,
            } => {
                let keys = Credentials::access_key(access_key.value?, secret_key.value?);
                Some(match security_token {
                    Some(token) => keys.with_security_token(token),
                    None => keys,
                })
            }
            Self::Password {
                username,
                password,
                domain,
                ..
            } => Some(Credentials::password(
                username.value?,
                password.value?,
                domain?,
            )),
        }
    }
}

/// Sets the source's credentials from the first of `candidates` that it touches: the
/// credentials when complete, else what is missing in `settings.credential_problems`. When
/// it touches none, the source has no credential settings.
pub(crate) fn choose(settings: &mut Settings, candidates: impl IntoIterator<Item = Candidate>) {
    let Some(Candidate { way, chosen }) = candidates
        .into_iter()
        .find(|c| c.chosen.is_some() || c.way.is_touched())
    else {
        settings.has_credentials = false;
        return;
    };
    settings.has_credentials = true;
    let problems = &mut settings.credential_problems;
    match (chosen, way.is_touched()) {
        // Chosen, with nothing of it set: its first setting is what is missing.
        (Some(reason), false) => {
            if let Some(first) = way.required().first() {
                problems.push(first.name.clone(), format!("is not set, but {reason}"));
            }
        }
        _ => {
            for setting in way.required() {
                if setting.value.is_none() {
                    problems.push(setting.name.clone(), setting.missing.clone());
                }
            }
            if let Way::Password {
                domain: None,
                domain_missing: (name, rule),
                ..
            } = &way
            {
                problems.push(name.clone(), rule.clone());
            }
            settings.credentials = way.credentials();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(name: &str, value: Option<&str>) -> Setting {
        Setting::new(name, value.map(str::to_owned), format!("{name} is missing"))
    }

    fn keys(ak: Option<&str>, sk: Option<&str>, st: Option<&str>) -> Way {
        Way::AccessKey {
            access_key: setting("ak", ak),
            secret_key: setting("sk", sk),
            security_token: st.map(str::to_owned),
        }
    }

    fn chosen(candidates: impl IntoIterator<Item = Candidate>) -> Settings {
        let mut settings = Settings::new("test");
        choose(&mut settings, candidates);
        settings
    }

    #[test]
    fn the_first_way_touched_wins_even_half_set() {
        let token = || Way::Token(setting("token", Some("t")));
        // The token comes after the keys, which are half set: the keys are the source's.
        let settings = chosen([keys(None, Some("s"), None), token()].map(Way::candidate));
        assert!(settings.has_credentials);
        assert!(settings.credentials.is_none());
        assert_eq!(
            settings.credential_problems.to_string(),
            "ak: ak is missing"
        );
        // A security token alone touches the keys too.
        let settings = chosen([keys(None, None, Some("st")), token()].map(Way::candidate));
        assert_eq!(
            settings.credential_problems.to_string(),
            "ak: ak is missing; sk: sk is missing"
        );
        // Untouched keys leave the token.
        let settings = chosen([keys(None, None, None), token()].map(Way::candidate));
        assert!(matches!(settings.credentials, Some(Credentials::Token(_))));
        assert!(settings.credential_problems.is_empty());
    }

    #[test]
    fn nothing_touched_is_no_credentials_and_a_chosen_way_is_touched() {
        let settings = chosen([keys(None, None, None).candidate()]);
        assert!(!settings.has_credentials);
        assert!(settings.credential_problems.is_empty());
        let settings = chosen([Candidate {
            way: Way::Token(setting("token", None)),
            chosen: Some("auth_type is token".to_owned()),
        }]);
        assert!(settings.has_credentials);
        assert_eq!(
            settings.credential_problems.to_string(),
            "token: is not set, but auth_type is token"
        );
    }

    #[test]
    fn a_password_needs_its_domain_which_alone_touches_nothing() {
        let password = |user: Option<&str>, domain: Option<&str>| Way::Password {
            username: setting("user", user),
            password: setting("password", Some("pw").filter(|_| user.is_some())),
            domain: domain.map(|d| UserDomain::Name(d.to_owned())),
            domain_missing: ("domain".to_owned(), "needs a domain".to_owned()),
        };
        assert!(!chosen([password(None, Some("d")).candidate()]).has_credentials);
        let settings = chosen([password(Some("u"), None).candidate()]);
        assert_eq!(
            settings.credential_problems.to_string(),
            "domain: needs a domain"
        );
        let settings = chosen([password(Some("u"), Some("d")).candidate()]);
        assert!(matches!(
            settings.credentials,
            Some(Credentials::Password { .. })
        ));
    }
}
