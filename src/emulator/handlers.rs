//! The emulator's HTTP face: the router, the modify handler, and JSON answers for everything
//! else; every request passes the [guard](super::guard) first.

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{
        Path, State,
        rejection::{BytesRejection, PathRejection},
    },
    http::{HeaderMap, Method, StatusCode, header},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
};
use time::{OffsetDateTime, macros::format_description};

use super::{
    errors::{Code, Failure},
    guard, iam,
    shared::Shared,
    validate,
};
use crate::{spec, types::EndpointService};

/// The emulator's router: the API's operations behind the guard, the published spec (open to
/// anyone, as documentation is), JSON answers for any other path or method, and an
/// `X-Request-Id` on every answer.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route(
            spec::MODIFY_ENDPOINT_SERVICE.path,
            get(query).put(modify).fallback(method_not_allowed),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), guard::guard));
    Router::new()
        .route("/openapi.yaml", get(spec_yaml))
        .route("/openapi.json", get(spec_json))
        .merge(iam::router(shared.clone()))
        .merge(api)
        .layer(middleware::from_fn(guard::with_request_id))
        .with_state(shared)
}

/// `GET /openapi.yaml`: the spec as the crate publishes it.
async fn spec_yaml() -> Response {
    (
        [(header::CONTENT_TYPE, "application/yaml")],
        spec::OPENAPI_YAML,
    )
        .into_response()
}

/// `GET /openapi.json`: the spec as JSON.
async fn spec_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        spec::OPENAPI_JSON,
    )
        .into_response()
}

/// `GET /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
async fn query(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<EndpointService>, Failure> {
    let Path((project_id, service_id)) =
        path.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    let project_id = validate::project_id(&project_id)?;
    let service_id = validate::service_id(&service_id)?;
    let service = shared
        .store()
        .get(&project_id, service_id)
        .cloned()
        .ok_or_else(|| Failure::not_found(&project_id, service_id))?;
    Ok(Json(shared.answered(service)))
}

/// `PUT /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
async fn modify(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EndpointService>, Failure> {
    let Path((project_id, service_id)) =
        path.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    let body = body.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    let project_id = validate::project_id(&project_id)?;
    let service_id = validate::service_id(&service_id)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)"));
    validate::content_type(content_type)?;
    let change = validate::body(&body)?;
    let service = shared
        .store()
        .modify(&project_id, service_id, change, now())?;
    Ok(Json(shared.answered(service)))
}

/// The time as the service writes `updated_at`: `YYYY-MM-DDTHH:MM:SSZ`, UTC.
pub(super) fn now() -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::now_utc().format(format).unwrap_or_default()
}

async fn method_not_allowed(method: Method) -> Failure {
    let mut failure = Failure::new(
        Code::ParameterError,
        format!("method {method} is not allowed here; use GET or PUT"),
    );
    failure.status = StatusCode::METHOD_NOT_ALLOWED;
    failure.allow = Some("GET, PUT");
    failure
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Failure {
    Failure::new(Code::NotFound, format!("no API at {method} {}", uri.path()))
}
