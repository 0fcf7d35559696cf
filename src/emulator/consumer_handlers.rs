//! The handlers of the operations on who connects: a service's connections and their
//! approval, its whitelist, and the consumers' VPC endpoints. Each reads its path, query and
//! body, has them checked ([`approval`], [`whitelist`], [`endpoints`]), and applies or reads
//! the state ([`connect`]). A request is made as the project of its path.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{
        Path, State,
        rejection::{BytesRejection, PathRejection},
    },
    http::{HeaderMap, StatusCode, Uri},
};
use uuid::Uuid;

use super::{
    approval, connect, endpoints,
    errors::{Code, Failure},
    handlers::{json_body, now, project_of, service_of},
    shared::Shared,
    validate::{self, strict_uuid},
    whitelist,
};
use crate::{
    OpenEnum,
    types::{
        ConnectionList, EndpointStatus, PermissionActionResult, PermissionList, ProjectId,
        VpcEndpoint, VpcEndpointList,
    },
};

/// A count as the lists answer it.
fn total(count: usize) -> Option<i64> {
    Some(i64::try_from(count).unwrap_or(i64::MAX))
}

/// The checked project and endpoint IDs of an endpoint's path.
fn endpoint_of(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(ProjectId, Uuid), Failure> {
    let Path((project_id, endpoint_id)) =
        path.map_err(|e| Failure::new(Code::ParameterError, e.body_text()))?;
    let project_id = validate::project_id(&project_id)?;
    let id = strict_uuid(&endpoint_id).ok_or_else(|| {
        Failure::new(
            Code::InvalidEndpointId,
            format!("vpc_endpoint_id {endpoint_id:?} is not a UUID"),
        )
    })?;
    Ok((project_id, id))
}

/// `GET .../vpc-endpoint-services/{id}/connections`: one page of the service's connections.
pub(super) async fn list_connections(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
) -> Result<Json<ConnectionList>, Failure> {
    let (project_id, service_id) = service_of(path)?;
    let query = approval::parse(uri.query())?;
    let (connections, count) =
        connect::connections(&mut shared.store(), &project_id, service_id, &query)?;
    Ok(Json(ConnectionList {
        connections,
        total_count: total(count),
    }))
}

/// `POST .../vpc-endpoint-services/{id}/connections/action`: accepts or rejects one endpoint.
pub(super) async fn act_on_connection(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ConnectionList>, Failure> {
    let (project_id, service_id) = service_of(path)?;
    let body = json_body(&headers, body)?;
    let action = approval::body(&body)?;
    let connection = connect::act(&mut shared.store(), &project_id, service_id, &action, now())?;
    Ok(Json(ConnectionList {
        connections: vec![connection],
        total_count: None,
    }))
}

/// `GET .../vpc-endpoint-services/{id}/permissions`: one page of the service's whitelist.
pub(super) async fn list_permissions(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
) -> Result<Json<PermissionList>, Failure> {
    let (project_id, service_id) = service_of(path)?;
    let query = whitelist::parse(uri.query())?;
    let (permissions, count) =
        connect::permissions(&mut shared.store(), &project_id, service_id, &query)?;
    Ok(Json(PermissionList {
        permissions,
        total_count: total(count),
    }))
}

/// `POST .../vpc-endpoint-services/{id}/permissions/action`: adds or removes records.
pub(super) async fn change_permissions(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PermissionActionResult>, Failure> {
    let (project_id, service_id) = service_of(path)?;
    let body = json_body(&headers, body)?;
    let change = whitelist::body(&body)?;
    let permissions =
        connect::change_whitelist(&mut shared.store(), &project_id, service_id, change, &now())?;
    Ok(Json(PermissionActionResult { permissions }))
}

/// `POST /v1/{project_id}/vpc-endpoints`: a new VPC endpoint, answered `creating`.
pub(super) async fn create_endpoint(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<VpcEndpoint>, Failure> {
    let project_id = project_of(path)?;
    let body = json_body(&headers, body)?;
    let new = endpoints::body(&body)?;
    let mut endpoint = connect::create_endpoint(&shared, &project_id, new, now())?;
    endpoint.status = Some(OpenEnum::Known(EndpointStatus::Creating));
    endpoint.ip = None;
    Ok(Json(endpoint))
}

/// `GET /v1/{project_id}/vpc-endpoints`: one page of the project's VPC endpoints.
pub(super) async fn list_endpoints(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Json<VpcEndpointList>, Failure> {
    let project_id = project_of(path)?;
    let query = endpoints::parse(uri.query())?;
    let (endpoints, count) = connect::list(&shared.store(), &project_id, &query);
    Ok(Json(VpcEndpointList {
        endpoints,
        total_count: total(count),
    }))
}

/// `GET /v1/{project_id}/vpc-endpoints/{vpc_endpoint_id}`.
pub(super) async fn get_endpoint(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<VpcEndpoint>, Failure> {
    let (project_id, id) = endpoint_of(path)?;
    Ok(Json(connect::get(&shared.store(), &project_id, id)?))
}

/// `DELETE /v1/{project_id}/vpc-endpoints/{vpc_endpoint_id}`: 200 without a body, as the
/// page says; the endpoint is gone at once.
pub(super) async fn delete_endpoint(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, Failure> {
    let (project_id, id) = endpoint_of(path)?;
    connect::delete(&mut shared.store(), &project_id, id)?;
    Ok(StatusCode::OK)
}
