//! The emulator's operations, one handler each: each reads its path, query and body, has them
//! checked (by [`validate`], [`create`](super::create), [`list`] or [`quota`]), and applies
//! or reads the state; and the published spec. Which handler serves which operation of the
//! spec is the [routes](super::routes)' table.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{
        Path, State,
        rejection::{BytesRejection, PathRejection},
    },
    http::{HeaderMap, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use time::{OffsetDateTime, macros::format_description};
use uuid::Uuid;

use super::{
    create,
    errors::{Code, Failure},
    list, quota,
    shared::Shared,
    validate,
};
use crate::{
    spec,
    types::{EndpointService, EndpointServiceList, ProjectId, QuotaList},
};

/// `GET /openapi.yaml`: the spec as the crate publishes it.
pub(super) async fn spec_yaml() -> Response {
    (
        [(header::CONTENT_TYPE, "application/yaml")],
        spec::OPENAPI_YAML,
    )
        .into_response()
}

/// `GET /openapi.json`: the spec as JSON.
pub(super) async fn spec_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        spec::OPENAPI_JSON,
    )
        .into_response()
}

/// The checked project ID of a collection's path.
pub(super) fn project_of(path: Result<Path<String>, PathRejection>) -> Result<ProjectId, Failure> {
    let Path(project_id) = path.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    validate::project_id(&project_id)
}

/// The checked project and service IDs of a service's path.
pub(super) fn service_of(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(ProjectId, Uuid), Failure> {
    let Path((project_id, service_id)) =
        path.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    Ok((
        validate::project_id(&project_id)?,
        validate::service_id(&service_id)?,
    ))
}

/// The body of a request that must be JSON.
pub(super) fn json_body(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Bytes, Failure> {
    let body = body.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)"));
    validate::content_type(content_type)?;
    Ok(body)
}

/// `GET /v1/{project_id}/vpc-endpoint-services`: one page of the project's services.
pub(super) async fn list_services(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Json<EndpointServiceList>, Failure> {
    let project_id = project_of(path)?;
    let query = list::parse(uri.query())?;
    let (page, total) = list::page(&mut shared.store(), &project_id, &shared.region, &query);
    Ok(Json(EndpointServiceList {
        endpoint_services: page.into_iter().map(|s| shared.answered(s)).collect(),
        total_count: Some(i64::try_from(total).unwrap_or(i64::MAX)),
    }))
}

/// `POST /v1/{project_id}/vpc-endpoint-services`: a new service, `creating`.
pub(super) async fn create_service(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EndpointService>, Failure> {
    let project_id = project_of(path)?;
    let body = json_body(&headers, body)?;
    let new = create::body(&body)?;
    let id = Uuid::new_v4();
    let service = new.into_service(id, &project_id, now());
    let created = shared
        .store()
        .create(&project_id, id, service, shared.quotas.services)?;
    Ok(Json(shared.answered(created)))
}

/// `GET /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
pub(super) async fn get_service(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<EndpointService>, Failure> {
    let (project_id, service_id) = service_of(path)?;
    let service = shared
        .store()
        .get(&project_id, service_id)
        .cloned()
        .ok_or_else(|| Failure::not_found(&project_id, service_id))?;
    Ok(Json(shared.answered(service)))
}

/// `PUT /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`.
pub(super) async fn modify_service(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EndpointService>, Failure> {
    let (project_id, service_id) = service_of(path)?;
    let body = json_body(&headers, body)?;
    let change = validate::body(&body)?;
    let service = shared
        .store()
        .modify(&project_id, service_id, change, now())?;
    Ok(Json(shared.answered(service)))
}

/// `DELETE /v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}`: 200 without a
/// body, as the operation's page says (its status-code appendix says 204; the spec allows
/// both, and the emulator answers the page's); the service is `deleting`, then gone.
pub(super) async fn delete_service(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, Failure> {
    let (project_id, service_id) = service_of(path)?;
    shared.store().delete(&project_id, service_id, now())?;
    Ok(StatusCode::OK)
}

/// `GET /v1/{project_id}/quotas`: the project's quotas and what it uses of them.
pub(super) async fn list_quotas(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Json<QuotaList>, Failure> {
    let project_id = project_of(path)?;
    let asked = quota::parse(uri.query())?;
    let mut store = shared.store();
    let (services, endpoints) = (store.count(&project_id), store.consumers.count(&project_id));
    drop(store);
    Ok(Json(quota::answer(
        shared.quotas,
        services,
        endpoints,
        asked,
    )))
}

/// The time as the service writes `created_at` and `updated_at`: `YYYY-MM-DDTHH:MM:SSZ`, UTC.
pub(super) fn now() -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::now_utc().format(format).unwrap_or_default()
}
