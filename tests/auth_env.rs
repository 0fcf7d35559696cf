//! `ClientBuilder::from_env_with`: credentials, project and region from environment
//! variables, read through a lookup function (the process environment is never changed).
//! Which credentials were chosen is observed on the wire, at a loopback server.

use crate::support::{
    auth::{PROJECT_ID, SERVICE_ID, Sent, example_response, from_vars, sent_by, start_server},
    config_violations,
};
use otc_vpcep::{ClientBuilder, Credentials};

/// A variable's name and value.
type Var = (&'static str, &'static str);

fn from(vars: &[(&str, &str)]) -> ClientBuilder {
    from_vars(vars)
}

fn with_project(vars: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut vars = vars.to_vec();
    vars.push(("OS_PROJECT_ID", PROJECT_ID));
    vars
}

/// How the request sent by a client built from `vars` authenticated.
async fn sent_with(vars: &[(&'static str, &'static str)]) -> Sent {
    sent_by(from(&with_project(vars))).await
}

const ALL: [(&str, &str); 6] = [
    ("OS_AUTH_TOKEN", "os-token"),
    ("OS_ACCESS_KEY", "OSAK"),
    ("OS_SECRET_KEY", "os-sk"),
    ("OS_SECURITY_TOKEN", "os-st"),
    ("HUAWEICLOUD_SDK_AK", "SDKAK"),
    ("HUAWEICLOUD_SDK_SK", "sdk-sk"),
];

#[tokio::test]
async fn os_auth_token_comes_first() {
    assert_eq!(sent_with(&ALL).await, Sent::Token("os-token".into()));
}

#[tokio::test]
async fn then_the_openstack_keys_with_their_security_token() {
    assert_eq!(
        sent_with(&ALL[1..]).await,
        Sent::Signed {
            access_key: "OSAK".into(),
            security_token: Some("os-st".into())
        }
    );
    assert_eq!(
        sent_with(&[ALL[1], ALL[2], ALL[4], ALL[5]]).await,
        Sent::Signed {
            access_key: "OSAK".into(),
            security_token: None
        }
    );
}

#[tokio::test]
async fn then_the_huawei_cloud_sdk_keys() {
    assert_eq!(
        sent_with(&ALL[4..]).await,
        Sent::Signed {
            access_key: "SDKAK".into(),
            security_token: None
        }
    );
}

#[tokio::test]
async fn an_empty_variable_counts_as_unset() {
    let mut vars = ALL.to_vec();
    vars[0].1 = "";
    vars[1].1 = "";
    vars[2].1 = "";
    vars[3].1 = "";
    assert_eq!(
        sent_with(&vars).await,
        Sent::Signed {
            access_key: "SDKAK".into(),
            security_token: None
        }
    );
}

#[tokio::test]
async fn credentials_set_after_from_env_replace_the_environments() {
    let server = start_server(|_| (200, example_response())).await;
    // No credentials in the environment at all: an error, unless credentials are given.
    let client = from(&with_project(&[]))
        .endpoint(server.url())
        .credentials(Credentials::token("explicit"))
        .build()
        .expect("explicit credentials");
    client
        .modify_endpoint_service(SERVICE_ID)
        .approval_enabled(true)
        .send()
        .await
        .expect("200");
    let request = server.received().pop().expect("a request");
    assert_eq!(request.header("x-auth-token"), Some("explicit"));
}

#[test]
fn project_and_region_come_from_the_environment() {
    let client = from(&[
        ("OS_AUTH_TOKEN", "t"),
        ("OS_PROJECT_ID", PROJECT_ID),
        ("OS_REGION_NAME", "eu-nl"),
    ])
    .build()
    .expect("a complete environment");
    assert_eq!(client.endpoint(), "https://vpcep.eu-nl.otc.t-systems.com");
    assert_eq!(
        client
            .known_project_id()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        PROJECT_ID
    );

    // Settings made afterwards win.
    let client = from(&[
        ("OS_AUTH_TOKEN", "t"),
        ("OS_PROJECT_ID", PROJECT_ID),
        ("OS_REGION_NAME", "eu-nl"),
    ])
    .region("eu-de")
    .project_id("other")
    .build()
    .expect("a complete configuration");
    assert_eq!(client.endpoint(), "https://vpcep.eu-de.otc.t-systems.com");
    assert_eq!(
        client
            .known_project_id()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        "other"
    );
}

#[test]
fn no_credentials_in_the_environment_is_an_error_naming_the_variables() {
    let found = config_violations(from(&[("OS_REGION_NAME", "eu-de")]));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("credentials: none in the environment"));
    assert_eq!(found[1], "project_id: is required");
    for name in [
        "OS_AUTH_TOKEN",
        "OS_ACCESS_KEY",
        "OS_SECRET_KEY",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "OS_USERNAME",
        "OS_PASSWORD",
        "OS_CLOUD",
    ] {
        assert!(found[0].contains(name), "{name}: {found:?}");
    }
}

#[test]
fn a_password_in_the_environment_logs_in_on_first_use() {
    let login = [
        ("OS_USERNAME", "env-user"),
        ("OS_PASSWORD", "hidden-password"),
        ("OS_USER_DOMAIN_NAME", "OTC00000000001000000xxx"),
        ("OS_REGION_NAME", "eu-nl"),
    ];
    let client = from(&with_project(&login)).build().expect("a login client");
    assert!(!format!("{client:?}").contains("hidden"));
    // OS_DOMAIN_NAME stands for the domain too, OS_AUTH_URL for the IAM endpoint (where the
    // password would go: refused over plain http).
    let mut vars = vec![login[0], login[1], login[3]];
    vars.push(("OS_DOMAIN_NAME", "OTC0001"));
    vars.push(("OS_AUTH_URL", "http://iam.example.com/v3"));
    let found = config_violations(from(&with_project(&vars)));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "auth_url: (the environment), needed to log in (user \"env-user\" from the environment)"
        ),
        "{found:?}"
    );
    assert!(!found[0].contains("hidden"), "{found:?}");
    // The earlier sources win over a password.
    let mut vars = login.to_vec();
    vars.push(("OS_AUTH_TOKEN", "t"));
    from(&with_project(&vars)).build().expect("the token wins");
}

#[test]
fn a_half_set_password_names_what_is_missing() {
    let cases: [(&[Var], &[&str]); 3] = [
        (
            &[("OS_USERNAME", "u"), ("OS_USER_DOMAIN_NAME", "d")],
            &["OS_PASSWORD"],
        ),
        (
            &[("OS_PASSWORD", "hidden-pw")],
            &["OS_USERNAME", "OS_USER_DOMAIN_NAME"],
        ),
        (
            &[("OS_USERNAME", "u"), ("OS_PASSWORD", "hidden-pw")],
            &["OS_USER_DOMAIN_NAME"],
        ),
    ];
    for (vars, missing) in cases {
        let mut vars = with_project(vars);
        vars.push(("OS_REGION_NAME", "eu-de"));
        let found = config_violations(from(&vars));
        let fields: Vec<&str> = found
            .iter()
            .map(|v| v.split(':').next().unwrap_or_default())
            .collect();
        assert_eq!(fields, missing, "{vars:?}: {found:?}");
        assert!(!found.join(" ").contains("hidden"), "{found:?}");
    }
    // The domain and the project name alone make no credentials source.
    let found = config_violations(from(&[
        ("OS_USER_DOMAIN_NAME", "d"),
        ("OS_PROJECT_NAME", "eu-de_x"),
        ("OS_REGION_NAME", "eu-de"),
    ]));
    assert!(
        found[0].starts_with("credentials: none in the environment"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with(
            "project_name: needs credentials (a token or an access key) to find the ID of project \"eu-de_x\" (from the environment)"
        ),
        "{found:?}"
    );
}

#[test]
fn a_half_set_source_is_an_error_not_skipped() {
    let region = ("OS_REGION_NAME", "eu-de");
    let cases: [(&[Var], &[&str]); 5] = [
        (&[("OS_ACCESS_KEY", "OSAK")], &["OS_SECRET_KEY"]),
        (&[("OS_SECRET_KEY", "hidden-sk")], &["OS_ACCESS_KEY"]),
        (
            &[
                ("OS_SECURITY_TOKEN", "hidden-st"),
                ("HUAWEICLOUD_SDK_AK", "SDKAK"),
                ("HUAWEICLOUD_SDK_SK", "hidden-sdk-sk"),
            ],
            &["OS_ACCESS_KEY", "OS_SECRET_KEY"],
        ),
        (&[("HUAWEICLOUD_SDK_AK", "SDKAK")], &["HUAWEICLOUD_SDK_SK"]),
        (
            &[("HUAWEICLOUD_SDK_SK", "hidden-sdk-sk")],
            &["HUAWEICLOUD_SDK_AK"],
        ),
    ];
    for (vars, missing) in cases {
        let mut vars = with_project(vars);
        vars.push(region);
        let found = config_violations(from(&vars));
        let fields: Vec<&str> = found
            .iter()
            .map(|v| v.split(':').next().unwrap_or_default())
            .collect();
        assert_eq!(fields, missing, "{vars:?}");
        assert!(found.iter().all(|v| v.contains("is not set")), "{found:?}");
        assert!(!found.join(" ").contains("hidden"), "{found:?}");
    }
}

#[test]
fn values_from_the_environment_are_checked_like_any_other() {
    let found = config_violations(from(&with_project(&[
        ("OS_AUTH_TOKEN", "hidden\n"),
        ("OS_REGION_NAME", "eu-de"),
    ])));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("credentials.token: "), "{found:?}");
    assert!(!found[0].contains("hidden"), "{found:?}");
}
