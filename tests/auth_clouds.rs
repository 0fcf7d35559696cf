//! clouds.yaml and secure.yaml: the search order, the merging, the keys understood, the
//! precedence of builder, environment and cloud, and malformed files (errors naming the file,
//! the cloud and the key, never a secret). Files live in temporary folders that stand for the
//! current directory, the home directory and /etc/openstack; the real ones are never read.

use crate::support::{
    PROJECT_ID,
    auth::{Sent, from_vars, sent_by},
    config_violations,
    tls::TempDir,
};
use otc_vpcep::{ClientBuilder, CloudsSearch, Credentials};

/// The folders a test's files go into: `cwd/`, `home/` (so `home/.config/openstack/`) and
/// `etc/` (standing for /etc/openstack).
struct Dirs(TempDir);

impl Dirs {
    fn new(label: &str) -> Self {
        let dirs = Self(TempDir::new(label));
        for sub in ["cwd", "home", "etc"] {
            std::fs::create_dir_all(dirs.0.path().join(sub)).unwrap();
        }
        dirs
    }

    fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
        self.0.write(name, text)
    }

    fn search(&self) -> CloudsSearch {
        let base = self.0.path();
        CloudsSearch::none()
            .current_dir(base.join("cwd"))
            .home_dir(base.join("home"))
            .system_dir(base.join("etc"))
    }

    /// `from_env_with` over `vars`, searching these folders.
    fn from(&self, vars: &[(&str, &str)]) -> ClientBuilder {
        from_vars(vars).clouds_search(self.search())
    }
}

const TOKEN_CLOUD: &str = "
clouds:
  tokens:
    auth_type: token
    auth:
      auth_url: https://iam.eu-nl.otc.t-systems.com/v3
      token: cloud-token
      project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    region_name: eu-nl
";

const KEYS_CLOUD: &str = "
clouds:
  keys:
    profile: otc            # unknown keys are ignored
    interface: public
    identity_api_version: 3
    regions: [eu-de, eu-nl]
    auth:
      project_id: 6e9dfd51d1124e8d8498dce894923a0d
    region_name: eu-de
    ak: CLOUDAK
    sk: cloud-sk
    security_token: cloud-st
";

#[tokio::test]
async fn a_token_cloud_gives_token_project_and_region() {
    let dirs = Dirs::new("clouds-token");
    dirs.write("cwd/clouds.yaml", TOKEN_CLOUD);
    let client = dirs
        .from(&[("OS_CLOUD", "tokens")])
        .build()
        .expect("a complete cloud");
    assert_eq!(client.endpoint(), "https://vpcep.eu-nl.otc.t-systems.com");
    assert_eq!(
        client.known_project_id().map_or("", |p| p.as_str()),
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    );
    assert_eq!(
        sent_by(dirs.from(&[("OS_CLOUD", "tokens")])).await,
        Sent::Token("cloud-token".into())
    );
    // `v3token` is the same, and the builder can name the cloud instead of OS_CLOUD.
    dirs.write(
        "cwd/clouds.yaml",
        &TOKEN_CLOUD.replace("auth_type: token", "auth_type: v3token"),
    );
    assert_eq!(
        sent_by(dirs.from(&[]).cloud("tokens")).await,
        Sent::Token("cloud-token".into())
    );
}

#[tokio::test]
async fn an_access_key_cloud_signs_with_its_keys_and_security_token() {
    let dirs = Dirs::new("clouds-keys");
    dirs.write("cwd/clouds.yaml", KEYS_CLOUD);
    assert_eq!(
        sent_by(dirs.from(&[("OS_CLOUD", "keys")])).await,
        Sent::Signed {
            access_key: "CLOUDAK".into(),
            security_token: Some("cloud-st".into())
        }
    );
    // The long names of otcextensions.
    dirs.write(
        "cwd/clouds.yaml",
        &KEYS_CLOUD
            .replace("ak:", "access_key:")
            .replace("sk:", "secret_key:")
            .replace("    security_token: cloud-st\n", ""),
    );
    assert_eq!(
        sent_by(dirs.from(&[("OS_CLOUD", "keys")])).await,
        Sent::Signed {
            access_key: "CLOUDAK".into(),
            security_token: None
        }
    );
}

#[test]
fn the_search_order_is_openstacksdks() {
    let dirs = Dirs::new("clouds-order");
    let cloud = |region: &str| {
        format!(
            "clouds:\n  c:\n    auth_type: token\n    auth: {{token: t, project_id: p}}\n    region_name: {region}\n"
        )
    };
    let region_of = |dirs: &Dirs, vars: &[(&str, &str)]| {
        let mut vars = vars.to_vec();
        vars.push(("OS_CLOUD", "c"));
        dirs.from(&vars)
            .build()
            .expect("a cloud")
            .endpoint()
            .to_owned()
    };
    dirs.write("etc/clouds.yaml", &cloud("eu-ch2"));
    assert_eq!(
        region_of(&dirs, &[]),
        "https://vpcep.eu-ch2.otc.t-systems.com"
    );
    dirs.write("home/.config/openstack/clouds.json", &cloud("eu-nl"));
    assert_eq!(
        region_of(&dirs, &[]),
        "https://vpcep.eu-nl.otc.t-systems.com"
    );
    dirs.write("cwd/clouds.yml", &cloud("eu-de"));
    assert_eq!(
        region_of(&dirs, &[]),
        "https://vpcep.eu-de.otc.t-systems.com"
    );
    // .yaml before .yml in the same folder.
    dirs.write("cwd/clouds.yaml", &cloud("eu-fr"));
    assert_eq!(
        region_of(&dirs, &[]),
        "https://vpcep.eu-fr.otc.t-systems.com"
    );
    // OS_CLIENT_CONFIG_FILE first of all.
    let first = dirs.write("elsewhere/mine.yaml", &cloud("ap-one"));
    let first = first.to_str().unwrap();
    assert_eq!(
        region_of(&dirs, &[("OS_CLIENT_CONFIG_FILE", first)]),
        "https://vpcep.ap-one.otc.t-systems.com"
    );
    // XDG_CONFIG_HOME comes before ~/.config, after the current folder.
    let xdg = Dirs::new("clouds-xdg");
    xdg.write("home/.config/openstack/clouds.yaml", &cloud("eu-nl"));
    xdg.write("xdg/openstack/clouds.yaml", &cloud("eu-xdg"));
    let client = xdg
        .from(&[("OS_CLOUD", "c")])
        .clouds_search(xdg.search().config_home(xdg.0.path().join("xdg")))
        .build()
        .expect("a cloud");
    assert_eq!(client.endpoint(), "https://vpcep.eu-xdg.otc.t-systems.com");
}

#[test]
fn home_and_xdg_config_home_come_through_the_lookup() {
    let dirs = Dirs::new("clouds-home");
    let home = dirs.0.path().join("home");
    let search = CloudsSearch::from_env_with(|name| match name {
        "HOME" => Some(home.display().to_string()),
        _ => None,
    });
    assert!(
        search.dirs().contains(&home.join(".config/openstack")),
        "{search:?}"
    );
    assert!(
        search.dirs().ends_with(&["/etc/openstack".into()]),
        "{search:?}"
    );
    let xdg = CloudsSearch::none().config_home("/x").home_dir("/h");
    assert_eq!(
        xdg.dirs(),
        ["/x/openstack", "/h/.config/openstack"].map(std::path::PathBuf::from)
    );
}

#[tokio::test]
async fn secure_yaml_is_merged_key_by_key_over_clouds_yaml() {
    let dirs = Dirs::new("clouds-secure");
    dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    region_name: eu-de\n    auth: {project_id: 6e9dfd51d1124e8d8498dce894923a0d}\n    ak: AK-PUBLIC\n",
    );
    // In another folder of the search, as openstacksdk allows; its region wins.
    dirs.write(
        "home/.config/openstack/secure.yaml",
        "clouds:\n  otc:\n    sk: secure-sk\n    region_name: eu-nl\n  other: {ak: x}\n",
    );
    let client = dirs.from(&[("OS_CLOUD", "otc")]).build().expect("merged");
    assert_eq!(client.endpoint(), "https://vpcep.eu-nl.otc.t-systems.com");
    assert_eq!(
        client.known_project_id().map_or("", |p| p.as_str()),
        PROJECT_ID
    );
    assert_eq!(
        sent_by(dirs.from(&[("OS_CLOUD", "otc")])).await,
        Sent::Signed {
            access_key: "AK-PUBLIC".into(),
            security_token: None
        }
    );
    // Without secure.yaml the secret key is missing: named, in clouds.yaml.
    std::fs::remove_file(dirs.0.path().join("home/.config/openstack/secure.yaml")).unwrap();
    let found = config_violations(dirs.from(&[("OS_CLOUD", "otc")]));
    let clouds = dirs.0.path().join("cwd/clouds.yaml");
    assert_eq!(
        found,
        [format!(
            "{}: clouds.otc.sk: is not set (nor its long name access_key/secret_key), but other access key settings are",
            clouds.display()
        )]
    );
}

#[test]
fn secure_yaml_beside_an_explicit_file_or_in_os_client_secure_file() {
    let dirs = Dirs::new("clouds-secure-explicit");
    let clouds = dirs.write(
        "project/clouds.yaml",
        "clouds:\n  only:\n    region_name: eu-de\n    auth: {project_id: p1}\n    ak: AK\n",
    );
    dirs.write("project/secure.yaml", "clouds:\n  only:\n    sk: SK\n");
    // One cloud in the file: no name needed.
    let client = dirs
        .from(&[])
        .clouds_file(&clouds)
        .build()
        .expect("the only cloud, merged with the secure.yaml beside it");
    assert_eq!(client.known_project_id().map_or("", |p| p.as_str()), "p1");

    let secure = dirs.write(
        "vault/secrets.yaml",
        "clouds:\n  only:\n    sk: SK\n    auth: {project_id: p2}\n",
    );
    std::fs::remove_file(dirs.0.path().join("project/secure.yaml")).unwrap();
    let client = dirs
        .from(&[
            ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
            ("OS_CLIENT_SECURE_FILE", secure.to_str().unwrap()),
            ("OS_CLOUD", "only"),
        ])
        .build()
        .expect("merged with OS_CLIENT_SECURE_FILE");
    assert_eq!(client.known_project_id().map_or("", |p| p.as_str()), "p2");
}

#[tokio::test]
async fn the_builder_wins_over_the_environment_which_wins_over_the_cloud() {
    let dirs = Dirs::new("clouds-precedence");
    dirs.write("cwd/clouds.yaml", KEYS_CLOUD);
    let cloud = [("OS_CLOUD", "keys")];

    // Each setting from the cloud alone...
    let client = dirs.from(&cloud).build().expect("the cloud");
    assert_eq!(client.endpoint(), "https://vpcep.eu-de.otc.t-systems.com");
    assert_eq!(
        client.known_project_id().map_or("", |p| p.as_str()),
        PROJECT_ID
    );

    // ...the environment over it...
    let env = [
        ("OS_CLOUD", "keys"),
        ("OS_REGION_NAME", "eu-nl"),
        ("OS_PROJECT_ID", "env-project"),
        ("OS_AUTH_TOKEN", "env-token"),
    ];
    let client = dirs.from(&env).build().expect("env over cloud");
    assert_eq!(client.endpoint(), "https://vpcep.eu-nl.otc.t-systems.com");
    assert_eq!(
        client.known_project_id().map_or("", |p| p.as_str()),
        "env-project"
    );
    assert_eq!(
        sent_by(dirs.from(&env)).await,
        Sent::Token("env-token".into())
    );

    // ...and the builder over both.
    let builder = || {
        dirs.from(&env)
            .region("eu-ch2")
            .project_id("builder-project")
            .credentials(Credentials::token("builder-token"))
    };
    let client = builder().build().expect("builder over env");
    assert_eq!(client.endpoint(), "https://vpcep.eu-ch2.otc.t-systems.com");
    assert_eq!(
        client.known_project_id().map_or("", |p| p.as_str()),
        "builder-project"
    );
    assert_eq!(
        sent_by(builder()).await,
        Sent::Token("builder-token".into())
    );

    // Credentials come whole from one source: the environment's keys are not mixed with the
    // cloud's.
    assert_eq!(
        sent_by(dirs.from(&[
            ("OS_CLOUD", "keys"),
            ("OS_ACCESS_KEY", "ENVAK"),
            ("OS_SECRET_KEY", "env-sk")
        ]))
        .await,
        Sent::Signed {
            access_key: "ENVAK".into(),
            security_token: None
        }
    );
}

#[test]
fn a_half_set_environment_is_an_error_even_with_a_complete_cloud() {
    let dirs = Dirs::new("clouds-half-env");
    dirs.write("cwd/clouds.yaml", KEYS_CLOUD);
    let found = config_violations(dirs.from(&[("OS_CLOUD", "keys"), ("OS_ACCESS_KEY", "ENVAK")]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("OS_SECRET_KEY: is not set"),
        "{found:?}"
    );
}

#[test]
fn files_are_read_only_when_a_cloud_is_named() {
    let dirs = Dirs::new("clouds-unnamed");
    dirs.write("cwd/clouds.yaml", "this: [is not: valid");
    let client = dirs
        .from(&[
            ("OS_AUTH_TOKEN", "t"),
            ("OS_PROJECT_ID", "p"),
            ("OS_REGION_NAME", "eu-de"),
        ])
        .build()
        .expect("no cloud named: clouds.yaml is not read");
    assert_eq!(client.known_project_id().map_or("", |p| p.as_str()), "p");
    // Named, it is read.
    let found = config_violations(dirs.from(&[("OS_CLOUD", "x"), ("OS_AUTH_TOKEN", "t")]));
    let clouds = dirs.0.path().join("cwd/clouds.yaml");
    assert!(
        found[0].starts_with(&format!("{}: is not valid YAML", clouds.display())),
        "{found:?}"
    );
}

#[test]
fn a_key_of_the_wrong_type_names_the_file_the_cloud_and_the_key() {
    let dirs = Dirs::new("clouds-types");
    let clouds = dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    region_name: 7\n    verify: \"no\"\n    auth:\n      username: me\n      user_domain_name: OTC0001\n      project_id: [a, b]\n",
    );
    let secure = dirs.write(
        "cwd/secure.yaml",
        "clouds:\n  otc:\n    auth:\n      password: 12345678\n",
    );
    let found = config_violations(dirs.from(&[("OS_CLOUD", "otc"), ("OS_AUTH_TOKEN", "t")]));
    let clouds = clouds.display();
    let secure = secure.display();
    assert_eq!(
        found,
        [
            format!(
                "{clouds}: clouds.otc.region_name: is a number, expected a string (put it in quotes)"
            ),
            format!("{clouds}: clouds.otc.auth.project_id: is a list, expected a string"),
            format!("{clouds}: clouds.otc.verify: is a string, expected true or false"),
            format!(
                "{secure}: clouds.otc.auth.password: is a number, expected a string (put it in quotes)"
            ),
            "endpoint: is required: set a region or an endpoint URL".to_owned(),
            "project_id: is required".to_owned(),
        ]
    );
    assert!(!found.join("\n").contains("12345678"), "{found:?}");
}

#[test]
fn malformed_and_missing_files_are_errors_naming_them() {
    let dirs = Dirs::new("clouds-malformed");
    let clouds = dirs.0.path().join("cwd/clouds.yaml");
    let named = [
        ("OS_CLOUD", "otc"),
        ("OS_AUTH_TOKEN", "t"),
        ("OS_PROJECT_ID", "p"),
        ("OS_REGION_NAME", "eu-de"),
    ];

    // None at all: where it looked.
    let found = config_violations(dirs.from(&named));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("cloud: cloud \"otc\" (OS_CLOUD): no clouds.yaml found"),
        "{found:?}"
    );
    assert!(
        found[0].contains(&clouds.display().to_string()),
        "{found:?}"
    );
    assert!(
        found[0].contains(".config/openstack/clouds.yaml"),
        "{found:?}"
    );

    for (text, expected) in [
        (
            "- a list\n",
            "is a list, expected a mapping with `clouds`".to_owned(),
        ),
        ("other: {}\n", "has no `clouds` mapping".to_owned()),
        ("clouds: [a]\n", "".to_owned()),
        ("clouds:\n  otc: true\n", "".to_owned()),
        ("clouds:\n  otc:\n    auth: a-string\n", "".to_owned()),
        ("clouds:\n  a: {}\n  b: {}\n", "".to_owned()),
        (
            "clouds:\n  otc:\n    auth: {token: x}\n    auth: {token: y}\n",
            "is not valid YAML".to_owned(),
        ),
    ] {
        std::fs::write(&clouds, text).unwrap();
        let found = config_violations(dirs.from(&named));
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let shown = clouds.display().to_string();
        let expected = match text {
            "clouds: [a]\n" => {
                format!("{shown}: clouds: is a list, expected a mapping of clouds by name")
            }
            "clouds:\n  otc: true\n" => {
                format!("{shown}: clouds.otc: is a boolean, expected a mapping")
            }
            "clouds:\n  otc:\n    auth: a-string\n" => {
                format!("{shown}: clouds.otc.auth: is a string, expected a mapping")
            }
            "clouds:\n  a: {}\n  b: {}\n" => {
                format!("cloud: cloud \"otc\" is not in {shown} (it has \"a\", \"b\")")
            }
            _ => format!("{shown}: {expected}"),
        };
        assert!(
            found[0].starts_with(&expected),
            "{text}: {found:?} is not {expected:?}"
        );
    }

    // An OS_CLIENT_CONFIG_FILE that does not exist is an error, not skipped.
    let missing = dirs.0.path().join("nowhere.yaml");
    let found = config_violations(dirs.from(&[
        ("OS_CLOUD", "otc"),
        ("OS_CLIENT_CONFIG_FILE", missing.to_str().unwrap()),
    ]));
    assert_eq!(
        found[..1],
        [format!(
            "OS_CLIENT_CONFIG_FILE: {}: no such file",
            missing.display()
        )]
    );
    assert!(
        !found.join("\n").contains("none in the environment"),
        "{found:?}"
    );
}

#[test]
fn a_file_larger_than_1_mib_is_refused_naming_it() {
    let dirs = Dirs::new("clouds-large");
    let mut text = String::from("clouds:\n  otc: {region_name: eu-de}\n");
    text.push_str(&"# padding\n".repeat(110_000));
    assert!(text.len() as u64 > otc_vpcep::MAX_CONFIG_FILE_BYTES);
    let clouds = dirs.write("cwd/clouds.yaml", &text);
    let found = config_violations(dirs.from(&[("OS_CLOUD", "otc"), ("OS_AUTH_TOKEN", "t")]));
    assert!(
        found[0].starts_with(&format!(
            "{}: is larger than 1048576 bytes",
            clouds.display()
        )),
        "{found:?}"
    );
}

#[test]
fn a_password_cloud_is_understood_and_logs_in_on_first_use() {
    let dirs = Dirs::new("clouds-password");
    dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    auth:\n      username: my-user\n      user_domain_name: OTC00000000001000000xxx\n      project_name: eu-de_myproject\n    region_name: eu-de\n",
    );
    let secure = dirs.write(
        "cwd/secure.yaml",
        "clouds:\n  otc:\n    auth:\n      password: hidden-password\n",
    );
    let client = dirs.from(&[("OS_CLOUD", "otc")]).build().unwrap();
    // The project ID comes from the token's scope, on first use (tests/iam_*.rs).
    assert_eq!(client.known_project_id(), None);
    assert!(!format!("{client:?}").contains("hidden-password"));

    // auth_url, and the domain by ID or as domain_name, are understood too: the cloud's
    // auth_url is where the password would go.
    dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    auth_type: v3password\n    auth:\n      auth_url: http://iam.example.com/v3\n      username: u\n      password: p\n      domain_name: OTC01\n      project_id: p1\n    region_name: eu-de\n",
    );
    std::fs::remove_file(&secure).unwrap();
    let found = config_violations(dirs.from(&[("OS_CLOUD", "otc")]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("auth_url: (cloud \"otc\" of "),
        "{found:?}"
    );
    assert!(
        found[0].contains("needed to log in (user \"u\" from cloud \"otc\""),
        "{found:?}"
    );

    // Half set: the missing keys are named.
    dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    auth:\n      password: p\n",
    );
    let found = config_violations(dirs.from(&[
        ("OS_CLOUD", "otc"),
        ("OS_PROJECT_ID", "p"),
        ("OS_REGION_NAME", "eu-de"),
    ]));
    let shown = dirs.0.path().join("cwd/clouds.yaml").display().to_string();
    assert_eq!(
        found,
        [
            format!("{shown}: clouds.otc.auth.username: is not set, but auth.password is"),
            format!(
                "{shown}: clouds.otc.auth.user_domain_name: is not set: a user name needs its domain (user_domain_name, user_domain_id or domain_name)"
            ),
        ]
    );
}

#[test]
fn auth_types_that_are_not_supported_or_half_set_are_named() {
    let dirs = Dirs::new("clouds-auth-type");
    let env = [
        ("OS_CLOUD", "otc"),
        ("OS_PROJECT_ID", "p"),
        ("OS_REGION_NAME", "eu-de"),
    ];
    let shown = dirs.0.path().join("cwd/clouds.yaml").display().to_string();
    dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    auth_type: v3oidcpassword\n",
    );
    let found = config_violations(dirs.from(&env));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!(
            "{shown}: clouds.otc.auth_type: \"v3oidcpassword\" is not supported"
        )),
        "{found:?}"
    );
    dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    auth_type: token\n    auth: {auth_url: https://iam.example.com/v3}\n",
    );
    assert_eq!(
        config_violations(dirs.from(&env)),
        [format!(
            "{shown}: clouds.otc.auth.token: is not set, but auth_type is \"token\""
        )]
    );
    // A cloud without any credentials, and none in the environment.
    dirs.write(
        "cwd/clouds.yaml",
        "clouds:\n  otc:\n    region_name: eu-de\n",
    );
    let found = config_violations(dirs.from(&env));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!(
            "credentials: none in the environment nor in cloud \"otc\" of {shown}"
        )),
        "{found:?}"
    );
}

#[test]
fn a_project_given_only_by_name_is_looked_up_on_first_use() {
    let dirs = Dirs::new("clouds-project-name");
    dirs.write("cwd/clouds.yaml", "clouds:\n  otc:\n    ak: AK\n    sk: SK\n    region_name: eu-de\n    auth: {project_name: eu-de_apps, auth_url: http://iam.example.com/v3}\n");
    let found = config_violations(dirs.from(&[("OS_CLOUD", "otc")]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .contains("needed to find the ID of project \"eu-de_apps\" (from cloud \"otc\" of "),
        "{found:?}"
    );
    // The environment's project name wins over the cloud's ID, and is named as its source.
    let found = config_violations(
        ClientBuilder::from_env_with(|name| {
            (name == "OS_PROJECT_NAME").then(|| "eu-nl_x".to_owned())
        })
        .clouds_search(CloudsSearch::none())
        .region("eu-nl")
        .auth_url("http://iam.example.com/v3")
        .credentials(Credentials::access_key("AK", "SK")),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("project \"eu-nl_x\" (from the environment)"),
        "{found:?}"
    );
    // And the builder's; without credentials, no lookup can be made.
    let found = config_violations(
        ClientBuilder::default()
            .region("eu-de")
            .project_name("by-name"),
    );
    assert_eq!(
        found,
        [
            "project_name: needs credentials (a token or an access key) to find the ID of project \"by-name\" (from the builder)"
        ]
    );
    // Over https, the client is built; the ID is looked up on first use.
    let client = ClientBuilder::default()
        .region("eu-de")
        .project_name("by-name")
        .credentials(Credentials::access_key("AK", "SK"))
        .build()
        .unwrap();
    assert_eq!(client.known_project_id(), None);
}

#[test]
fn vpcep_endpoint_override_gives_the_base_url_and_maybe_the_project() {
    let dirs = Dirs::new("clouds-override");
    let cloud = |over: &str, project: &str| {
        format!(
            "clouds:\n  otc:\n    auth_type: token\n    auth: {{token: t{project}}}\n    region_name: eu-nl\n    vpcep_endpoint_override: {over}\n"
        )
    };
    let build = |dirs: &Dirs| dirs.from(&[("OS_CLOUD", "otc")]).build();

    dirs.write(
        "cwd/clouds.yaml",
        &cloud("https://vpcep.example.com/v1/0a1b2c", ""),
    );
    let client = build(&dirs).expect("the project comes from the override");
    assert_eq!(client.endpoint(), "https://vpcep.example.com");
    assert_eq!(
        client.known_project_id().map_or("", |p| p.as_str()),
        "0a1b2c"
    );

    dirs.write(
        "cwd/clouds.yaml",
        &cloud(
            "https://vpcep.example.com/v1/{project_id}",
            ", project_id: p9",
        ),
    );
    let client = build(&dirs).expect("a placeholder");
    assert_eq!(client.endpoint(), "https://vpcep.example.com");
    assert_eq!(client.known_project_id().map_or("", |p| p.as_str()), "p9");

    dirs.write(
        "cwd/clouds.yaml",
        &cloud("https://vpcep.example.com/v1/other", ", project_id: p9"),
    );
    let found = config_violations(dirs.from(&[("OS_CLOUD", "otc")]));
    let shown = dirs.0.path().join("cwd/clouds.yaml").display().to_string();
    assert_eq!(
        found,
        [format!(
            "{shown}: clouds.otc.vpcep_endpoint_override: names project \"other\", but auth.project_id is \"p9\": they must agree"
        )]
    );

    // The environment's region says where, over the cloud's override.
    dirs.write(
        "cwd/clouds.yaml",
        &cloud("https://vpcep.example.com", ", project_id: p9"),
    );
    let client = dirs
        .from(&[("OS_CLOUD", "otc"), ("OS_REGION_NAME", "eu-de")])
        .build()
        .expect("env region");
    assert_eq!(client.endpoint(), "https://vpcep.eu-de.otc.t-systems.com");
}

#[test]
fn an_explicit_file_with_several_clouds_needs_a_name() {
    let dirs = Dirs::new("clouds-explicit");
    let clouds = dirs.write("any/clouds.yaml", "clouds:\n  a: {}\n  b: {}\n");
    let found = config_violations(dirs.from(&[]).clouds_file(&clouds));
    assert_eq!(
        found[..1],
        [format!(
            "cloud: {}: name the cloud to use (OS_CLOUD, cloud(NAME) or --os-cloud): it has \"a\", \"b\"",
            clouds.display()
        )]
    );
    let missing = dirs.0.path().join("missing.yaml");
    let found = config_violations(dirs.from(&[]).clouds_file(&missing));
    assert_eq!(
        found[..1],
        [format!("clouds_file: {}: no such file", missing.display())]
    );
}

#[test]
fn secrets_of_clouds_never_show() {
    let dirs = Dirs::new("clouds-secrets");
    dirs.write("cwd/clouds.yaml", "clouds:\n  otc:\n    ak: AK\n    sk: SECRET-sk\n    security_token: SECRET-st\n    region_name: eu-de\n    auth: {project_id: p}\n");
    let builder = dirs.from(&[("OS_CLOUD", "otc"), ("OS_PASSWORD", "SECRET-pw")]);
    let shown = format!("{builder:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    let error = builder
        .build()
        .expect_err("OS_PASSWORD without OS_USERNAME");
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("OS_USERNAME: is not set, but OS_PASSWORD is"),
        "{shown}"
    );
    assert!(!shown.contains("SECRET"), "{shown}");
    let client = dirs
        .from(&[("OS_CLOUD", "otc")])
        .build()
        .expect("the cloud's keys");
    assert!(!format!("{client:?}").contains("SECRET"));
}
