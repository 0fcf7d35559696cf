//! The build script's generator: what it generates is pinned (a spec change shows in review
//! as the change of `snapshots/suite__build_script__generated_code.snap`), and a broken spec is
//! refused with a message saying what is wrong.

#[path = "../build/codegen.rs"]
mod codegen;

const SPEC: &str = include_str!("../spec/vpcep.yaml");

#[test]
fn the_spec_generates_the_client() {
    let generated = codegen::generate(SPEC).expect("the spec is valid");
    let code = &generated.code;
    assert!(code.contains("pub fn modify_endpoint_service"));
    assert!(code.contains("pub fn get_endpoint_service"));
    assert!(code.contains("crate::OpenEnum<crate::types::ServiceStatus>"));
    let json: serde_json::Value = serde_json::from_str(&generated.json).unwrap();
    let yaml: serde_json::Value = serde_yaml_ng::from_str(SPEC).unwrap();
    assert_eq!(json, yaml);
}

/// The generated source, pinned: review its snapshot's change with every spec change.
#[test]
fn generated_code() {
    let generated = codegen::generate(SPEC).expect("the spec is valid");
    insta::assert_snapshot!(generated.code);
}

/// The generated operations of the ergonomic layer, pinned the same way.
#[test]
fn generated_operations() {
    let generated = codegen::generate(SPEC).expect("the spec is valid");
    insta::assert_snapshot!(generated.operations);
}

/// The generated commands of the command line, pinned the same way.
#[test]
fn generated_commands() {
    let generated = codegen::generate(SPEC).expect("the spec is valid");
    insta::assert_snapshot!(generated.cli);
}

/// An operation added to the spec gets its `Client` method, its builder with a setter per
/// path parameter, query parameter and body field (the required ones included), its checks and
/// its call, with no other change.
#[test]
fn an_operation_costs_its_spec_entry() {
    let more = SPEC.replacen(
        "  /v1/{project_id}/quotas:\n",
        r##"  /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}/permissions/check:
    parameters:
      - $ref: "#/components/parameters/ProjectId"
      - $ref: "#/components/parameters/VpcEndpointServiceId"
    post:
      operationId: changePermissions
      parameters:
        - name: dry
          in: query
          description: Only checks.
          schema:
            type: boolean
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/PermissionCheck"
      responses:
        "200":
          description: The permissions.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/QuotaList"
  /v1/{project_id}/quotas:
"##,
        1,
    );
    let more = more.replacen(
        "    QuotaList:\n",
        r##"    PermissionCheck:
      type: object
      required: [action, permissions]
      properties:
        action:
          type: string
          enum: [add, remove]
        permissions:
          type: array
          items:
            type: string
    QuotaList:
"##,
        1,
    );
    let operations = codegen::generate(&more)
        .expect("the spec is valid")
        .operations;
    for expected in [
        "pub fn change_permissions(\n        &self,\n        vpc_endpoint_service_id: impl Into<String>,\n    ) -> ChangePermissions<'_>",
        "pub struct ChangePermissions<'a>",
        "pub fn dry(mut self, value: bool) -> Self",
        "pub fn action(mut self, value: impl Into<String>) -> Self",
        "pub fn permissions(\n        mut self,\n        value: impl IntoIterator<Item = impl Into<String>>,\n    ) -> Self",
        "\"PermissionCheck\"",
        "Output = Result<crate::types::QuotaList, crate::Error>",
    ] {
        assert!(operations.contains(expected), "{expected}\n{operations}");
    }
    // And its command: a positional per path parameter, a flag per query parameter and body
    // field with the spec's help, `--body`, and the generated run.
    let cli = codegen::generate(&more).expect("the spec is valid").cli;
    for expected in [
        "name = \"change-permissions\"",
        "ChangePermissions(Box<ChangePermissionsCommand>)",
        "Self::ChangePermissions(command) => command.run().await",
        "value_name = \"SERVICE\"",
        "long = \"dry\"",
        "help = \"Only checks\"",
        "pub dry: Option<bool>",
        "long = \"action\"",
        "required_unless_present = \"body\"",
        "long = \"permissions\"",
        "pub permissions: Vec<String>",
        "crate::args::put(&mut body, \"permissions\", &self.permissions)?",
        "pub options: crate::generic::BodyOptions",
        ".change_permissions(",
        "crate::resolve::service_id(&client, &self.vpc_endpoint_service_id)",
    ] {
        assert!(cli.contains(expected), "{expected}\n{cli}");
    }
}

/// A spec's Markdown reads as plain text in a flag's help.
#[test]
fn descriptions_read_as_plain_text_in_the_help() {
    use codegen::cli::{paragraphs, sentence_end};
    let text = "Specifies whether it is `on`:\n\n- `false`: no. The VPC endpoint is\n  \
                **Accepted**.\n- `true`: yes.\n\nThe default\nis `true`.\n";
    assert_eq!(
        paragraphs(text),
        [
            "Specifies whether it is on:",
            "- false: no. The VPC endpoint is Accepted.\n- true: yes.",
            "The default is true."
        ]
    );
    assert_eq!(
        sentence_end("Specifies whether it is on:"),
        "Specifies whether it is on"
    );
    assert_eq!(
        sentence_end("Specifies the ID. It is a UUID. The value is as follows:"),
        "Specifies the ID. It is a UUID"
    );
    assert_eq!(sentence_end("Specifies the ID."), "Specifies the ID");
}

/// A field of the spec whose flag would take a name every command has is refused, naming it.
#[test]
fn a_field_that_takes_a_common_flag_is_refused() {
    let (head, modify) = SPEC
        .split_once("    ModifyEndpointServiceRequest:\n")
        .expect("the modify call's body");
    let modify = modify.replacen(
        "      properties:\n",
        "      properties:\n        region:\n          type: string\n",
        1,
    );
    let clash = format!("{head}    ModifyEndpointServiceRequest:\n{modify}");
    assert_ne!(clash, SPEC);
    let error = codegen::generate(&clash).unwrap_err();
    assert!(
        error.contains("--region") && error.contains("FLAGS"),
        "{error}"
    );
}

/// A list added to the spec (its query has `limit` and `offset`, its answer a list and
/// `total_count`) gets the walk over every page, its largest page the spec's maximum.
#[test]
fn a_list_gets_the_walk_from_its_spec_entry() {
    let more = SPEC.replacen(
        "  /v1/{project_id}/quotas:\n",
        r##"  /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}/things:
    parameters:
      - $ref: "#/components/parameters/ProjectId"
      - $ref: "#/components/parameters/VpcEndpointServiceId"
    get:
      operationId: listThings
      parameters:
        - name: limit
          in: query
          schema: { type: integer, format: int32, minimum: 0, maximum: 77 }
        - name: offset
          in: query
          schema: { type: integer, format: int32, minimum: 0 }
      responses:
        "200":
          description: One page.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/PermissionList"
  /v1/{project_id}/quotas:
"##,
        1,
    );
    let operations = codegen::generate(&more)
        .expect("the spec is valid")
        .operations;
    let walk = &operations[operations.find("for ListThings<'a>").expect("the walk")..];
    for expected in [
        "type Item = crate::types::Permission;",
        "let limit = *self.limit.get_or_insert(77i32);",
        "items: answer.permissions,",
        "Some(item.id.as_bytes())",
    ] {
        assert!(walk.contains(expected), "{expected}\n{walk}");
    }
    // No `sort_dir` in its query: nothing to default.
    assert!(!walk[..walk.find("fn page").unwrap()].contains("sort_dir"));
}

#[test]
fn the_layer_gets_a_setter_per_scalar_field_and_the_tables() {
    let code = codegen::generate(SPEC).expect("the spec is valid").code;
    for setter in [
        "pub fn approval_enabled(mut self, value: bool) -> Self",
        "pub fn service_name(mut self, value: impl Into<String>) -> Self",
        "pub fn tcp_proxy(mut self, value: crate::types::TcpProxy) -> Self",
        "pub const MAX_PORT_MAPPINGS: usize = 200usize;",
        "pub const VALUES: [&'static str; 5usize] = [",
        "pub const GET_ENDPOINT_SERVICE: crate::spec::Operation",
    ] {
        assert!(code.contains(setter), "{setter}");
    }
    // A field added to the modify call's body gets its setter without any other change.
    let (head, modify) = SPEC
        .split_once("    ModifyEndpointServiceRequest:\n")
        .expect("the modify call's body");
    let modify = modify.replacen(
        "        tcp_proxy:\n          $ref: \"#/components/schemas/TcpProxy\"\n",
        "        tcp_proxy:\n          $ref: \"#/components/schemas/TcpProxy\"\n        enable_policy:\n          type: boolean\n",
        1,
    );
    let more = format!("{head}    ModifyEndpointServiceRequest:\n{modify}");
    assert_ne!(more, SPEC);
    let code = codegen::generate(&more).expect("the spec is valid").code;
    // On the modify call's builder and on the edit's, which sets the same body's fields.
    assert_eq!(
        code.matches("pub fn enable_policy(mut self, value: bool) -> Self")
            .count(),
        2
    );
    for builder in ["ModifyEndpointService", "EditEndpointService"] {
        assert!(
            code.contains(&format!("impl crate::{builder}<'_> {{")),
            "{builder}"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(codegen::generate(SPEC), codegen::generate(SPEC));
}

#[test]
fn malformed_yaml_is_refused_with_its_position() {
    let error = codegen::generate("openapi: 3.0.3\ninfo: [").unwrap_err();
    assert!(
        error.starts_with("not an OpenAPI 3.0 document: "),
        "{error}"
    );
    assert!(error.contains("line 2"), "{error}");
}

#[test]
fn openapi_3_1_is_refused() {
    let error =
        codegen::generate(&SPEC.replacen("openapi: 3.0.3", "openapi: 3.1.0", 1)).unwrap_err();
    assert!(error.contains("invalid version: 3.1.0"), "{error}");
}

#[test]
fn a_missing_operation_id_is_refused() {
    let error =
        codegen::generate(&SPEC.replacen("\n      operationId: modifyEndpointService\n", "\n", 1))
            .unwrap_err();
    assert!(error.contains("missing operation ID"), "{error}");
}

#[test]
fn a_dangling_reference_is_refused_without_panicking() {
    let broken = SPEC.replacen(
        "$ref: \"#/components/schemas/EndpointService\"",
        "$ref: \"#/components/schemas/NoSuchSchema\"",
        1,
    );
    let error = codegen::generate(&broken).unwrap_err();
    assert!(error.contains("NoSuchSchema"), "{error}");
}

/// The IAM spec generates the IAM client: its two calls, the hooks' state the build script
/// names, and the Keystone error type.
#[test]
fn the_iam_spec_generates_the_iam_client() {
    let code = codegen::generate_plain(
        include_str!("../spec/iam.yaml"),
        "crate::auth::iam_hooks::IamContext",
    )
    .expect("the IAM spec is valid");
    for expected in [
        "pub fn create_token(&self)",
        "pub fn list_projects(&self)",
        "inner: crate::auth::iam_hooks::IamContext",
        "Error<types::KeystoneError>",
        "pub struct TokenRequest",
    ] {
        assert!(code.contains(expected), "{expected}");
    }
    assert!(codegen::generate_plain("openapi: 3.0.3", "crate::X").is_err());
    assert!(codegen::generate_plain(include_str!("../spec/iam.yaml"), "not a path!").is_err());
}
