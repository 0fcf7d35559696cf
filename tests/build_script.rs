//! The build script's generator: a broken spec is refused with a message saying what is wrong.

#[path = "../build/codegen.rs"]
mod codegen;

const SPEC: &str = include_str!("../spec/vpcep.yaml");

#[test]
fn the_spec_generates_the_client() {
    let code = codegen::generate(SPEC).expect("the spec is valid");
    assert!(code.contains("pub fn modify_endpoint_service"));
    assert!(code.contains("crate::OpenEnum<crate::types::ServiceStatus>"));
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
        codegen::generate(&SPEC.replacen("operationId: modifyEndpointService", "", 1)).unwrap_err();
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
