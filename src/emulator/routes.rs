//! The emulator's router, made from the spec's table of operations ([`crate::spec::ALL`]): one
//! route per path of the spec, each of its operations served by the handler the table below
//! registers for the operation's id, and any other method answered 405 with the `Allow`
//! header the spec's methods on that path make. Adding an operation to the spec then needs only
//! its handler and a line in [`HANDLERS`]; an operation of the spec without one is answered
//! 501 `EndPoint.0001` (and fails this module's tests), never a silent 404.
//!
//! Around the API's routes: the guard every request passes first, the published spec (open to
//! anyone, as documentation is), IAM under `/v3`, JSON answers for any other path, an
//! `X-Request-Id` on every answer, and the answers a test asked to lose (see
//! [`lost`](super::lost)).

use std::sync::Arc;

use axum::{
    Router,
    extract::{Request, State},
    http::{Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{MethodFilter, MethodRouter, get, on},
};

use super::{
    consumer_handlers as consumer,
    errors::{Code, Failure},
    guard, handlers, iam,
    lost::{CutConnection, LostAnswer},
    shared::Shared,
};
use crate::spec::{self, Operation};

/// Registers a handler for an operation on the method the spec gives it.
type Register = fn(MethodFilter) -> MethodRouter<Arc<Shared>>;

/// The handler of each operation of the spec, by the operation's id.
const HANDLERS: &[(&str, Register)] = &[
    ("list_endpoint_services", |m| on(m, handlers::list_services)),
    ("create_endpoint_service", |m| {
        on(m, handlers::create_service)
    }),
    ("get_endpoint_service", |m| on(m, handlers::get_service)),
    ("modify_endpoint_service", |m| {
        on(m, handlers::modify_service)
    }),
    ("delete_endpoint_service", |m| {
        on(m, handlers::delete_service)
    }),
    ("list_quotas", |m| on(m, handlers::list_quotas)),
    ("list_connections", |m| on(m, consumer::list_connections)),
    ("accept_or_reject_connections", |m| {
        on(m, consumer::act_on_connection)
    }),
    ("list_permissions", |m| on(m, consumer::list_permissions)),
    ("add_or_remove_permissions", |m| {
        on(m, consumer::change_permissions)
    }),
    ("list_endpoints", |m| on(m, consumer::list_endpoints)),
    ("create_endpoint", |m| on(m, consumer::create_endpoint)),
    ("get_endpoint", |m| on(m, consumer::get_endpoint)),
    ("delete_endpoint", |m| on(m, consumer::delete_endpoint)),
];

/// The emulator's whole router.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = api(&shared)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), guard::guard));
    Router::new()
        .route("/openapi.yaml", get(handlers::spec_yaml))
        .route("/openapi.json", get(handlers::spec_json))
        .merge(iam::router(shared.clone()))
        .merge(api)
        .layer(middleware::from_fn(guard::with_request_id))
        .with_state(shared)
}

/// The paths of the spec, each once, in the order of the spec's table.
fn paths() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = Vec::new();
    for operation in &spec::ALL {
        if !paths.contains(&operation.path) {
            paths.push(operation.path);
        }
    }
    paths
}

/// The spec's operations on `path`, in the order of the spec's table.
fn operations_on(path: &str) -> impl Iterator<Item = &'static Operation> {
    spec::ALL
        .iter()
        .filter(move |operation| operation.path == path)
}

/// The `Allow` header of `path`: the methods of the spec's operations on it.
pub(crate) fn allow(path: &str) -> String {
    let methods: Vec<&str> = operations_on(path).map(|o| o.method).collect();
    methods.join(", ")
}

/// The handler registered for the operation `id`, if any.
fn handler_of(id: &str) -> Option<Register> {
    HANDLERS
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, register)| *register)
}

/// The operations of the spec that no handler serves.
fn unhandled() -> Vec<&'static str> {
    spec::ALL
        .iter()
        .filter(|operation| handler_of(operation.id).is_none())
        .map(|operation| operation.id)
        .collect()
}

/// The API's routes: every path of the spec.
fn api(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    for id in unhandled() {
        tracing::warn!(
            operation = id,
            "the emulator has no handler for this operation"
        );
    }
    paths().into_iter().fold(Router::new(), |router, path| {
        router.route(path, path_router(shared, path))
    })
}

/// The methods of one path: each operation's handler, wrapped to lose its answers when a test
/// asked for it, and a 405 for any other method.
fn path_router(shared: &Arc<Shared>, path: &'static str) -> MethodRouter<Arc<Shared>> {
    let mut router = MethodRouter::new();
    let mut registered: Vec<Method> = Vec::new();
    for operation in operations_on(path) {
        let Ok(method) = Method::from_bytes(operation.method.as_bytes()) else {
            continue;
        };
        // Two operations of one method on one path cannot be in a spec; the first would win.
        let Ok(filter) = MethodFilter::try_from(method.clone()) else {
            continue;
        };
        if registered.contains(&method) {
            continue;
        }
        registered.push(method);
        let handler = match handler_of(operation.id) {
            Some(register) => register(filter),
            None => on(filter, move || not_implemented(operation)),
        };
        let at = At {
            shared: Arc::clone(shared),
            operation,
        };
        router = router.merge(handler.layer(middleware::from_fn_with_state(at, lose_answer)));
    }
    let allow = allow(path);
    router.fallback(move |method: Method| method_not_allowed(method, allow.clone()))
}

/// An operation, and the state of the emulator that serves it.
#[derive(Clone)]
struct At {
    shared: Arc<Shared>,
    operation: &'static Operation,
}

/// Loses the answer of a request that the operation carried out, when a test queued it (see
/// [`lost`](super::lost)).
async fn lose_answer(
    State(At { shared, operation }): State<At>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    match shared.lost.take(operation.id) {
        None => response,
        Some(LostAnswer::Reset) => {
            response.extensions_mut().insert(CutConnection);
            response
        }
        Some(LostAnswer::Unavailable) => Failure::with_status(
            Code::SystemError,
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "injected fault: {} was carried out, its answer lost",
                operation.id
            ),
        )
        .into_response(),
    }
}

/// The answer to an operation of the spec that the emulator has no handler for.
async fn not_implemented(operation: &'static Operation) -> Failure {
    Failure::with_status(
        Code::SystemError,
        StatusCode::NOT_IMPLEMENTED,
        format!(
            "the emulator does not implement {} ({} {})",
            operation.id, operation.method, operation.path
        ),
    )
}

async fn method_not_allowed(method: Method, allow: String) -> Failure {
    let mut failure = Failure::with_status(
        Code::ParameterError,
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} is not allowed here; use {allow}"),
    );
    failure.allow = Some(allow);
    failure
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Failure {
    Failure::new(Code::NotFound, format!("no API at {method} {}", uri.path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails loudly when the spec has an operation the emulator does not serve, or the table
    /// names one the spec does not have.
    #[test]
    fn every_operation_of_the_spec_has_a_handler_and_every_handler_an_operation() {
        assert_eq!(
            unhandled(),
            Vec::<&str>::new(),
            "operations of the spec without a handler in emulator/routes.rs HANDLERS"
        );
        let stray: Vec<&str> = HANDLERS
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| Operation::find(id).is_none())
            .collect();
        assert_eq!(
            stray,
            Vec::<&str>::new(),
            "handlers of no operation of the spec"
        );
        for operation in &spec::ALL {
            let method = Method::from_bytes(operation.method.as_bytes());
            assert!(
                method.is_ok_and(|m| MethodFilter::try_from(m).is_ok()),
                "{} cannot be routed",
                operation.method
            );
        }
    }

    #[test]
    fn the_allow_header_lists_the_spec_methods_of_each_path() {
        assert_eq!(allow(spec::GET_ENDPOINT_SERVICE.path), "GET, PUT, DELETE");
        assert_eq!(allow(spec::LIST_ENDPOINT_SERVICES.path), "GET, POST");
        assert_eq!(allow(spec::LIST_QUOTAS.path), "GET");
        assert_eq!(allow(spec::LIST_ENDPOINTS.path), "GET, POST");
        assert_eq!(allow(spec::GET_ENDPOINT.path), "GET, DELETE");
        assert_eq!(allow(spec::ADD_OR_REMOVE_PERMISSIONS.path), "POST");
        assert!(paths().iter().all(|path| !allow(path).is_empty()));
    }
}
