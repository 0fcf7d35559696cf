//! How the ergonomic layer runs one generated operation: with the checks made before it (a
//! request refused there fails at once), a record of its final answer, and the error of a
//! failed call completed from that record (and marked when the retry budget refused its retry).

use progenitor_client::ResponseValue;
use uuid::Uuid;

use crate::{
    Client, Error,
    runtime::answer::{self, Record},
    spec::generated,
    types::{ErrorResponse, ProjectId},
};

/// Runs the generated operation that `operation` makes for the client's project (or fails at
/// once with its error), with a record of its final answer kept for this call alone, so that
/// its error carries the status and request id of the final answer even when the error body did
/// not decode (the generated code drops them then), and, when `expects_body` (the operation's
/// success answer has one), a success body that is not a JSON object is refused.
///
/// With `service_lock`, the call is a plain change of that service (see
/// [`ServiceLocks::lock_plain`](crate::operations::lock::ServiceLocks::lock_plain)): it waits
/// for any edit of it through the client to end first, and an edit waits for it.
///
/// One state machine for the whole call, inside the record's scope: the lock's wait, the
/// session's, the operation and the error's completion (each layer of `async` around it
/// would move its answer once more).
///
/// The project ID is the client's session's: known at once (one atomic load), or learnt from
/// IAM first (a login, a project lookup), whose failure is the call's error. A login that
/// fails when the service refused the token is the call's error too, rather than the 401.
pub(crate) fn run<T, F>(
    client: &Client,
    service_lock: Option<Uuid>,
    expects_body: bool,
    operation: Result<impl FnOnce(ProjectId) -> F, Error>,
) -> impl Future<Output = Result<T, Error>>
where
    F: Future<Output = Result<ResponseValue<T>, generated::Error<ErrorResponse>>>,
{
    answer::recorded(async move {
        let make = operation?;
        let _serialised = match service_lock {
            Some(service) => Some(client.locks().lock_plain(service).await),
            None => None,
        };
        let session = client.session();
        let project = match session.ready_now() {
            Some(project) => project.clone(),
            None => session.prepare().await?.clone(),
        };
        let login = session.login().map(|login| (login, login.fetches()));
        // Boxed: the generated operation's future is the bulk of the call's (kilobytes);
        // behind a pointer, it is not moved again with every layer around it. Its answer's
        // headers are dropped at once: only the body goes on.
        let result = Box::pin(make(project)).await.map(ResponseValue::into_inner);
        if let (Err(error), Some((login, fetches))) = (&result, login)
            && error.status() == Some(reqwest::StatusCode::UNAUTHORIZED)
            && let Some(failure) = login.failure_since(fetches)
        {
            return Err(Error::Iam(Box::new(failure)));
        }
        answer::with_record(|record| completed(result, record, expects_body))
    })
}

/// The result of a call, completed with its final answer.
fn completed<T>(
    result: Result<T, generated::Error<ErrorResponse>>,
    record: &Record,
    expects_body: bool,
) -> Result<T, Error> {
    match (result, record.answer.as_ref()) {
        (Ok(_), Some(answer)) if expects_body && !answer::is_json_object(&answer.body) => {
            Err(Error::not_an_object(answer))
        }
        (Ok(value), _) => Ok(value),
        (Err(error), answer) => {
            let mut error = Error::from_call(error, answer);
            if let Error::Api(api) = &mut error {
                api.attempts = record.attempts.max(1);
            }
            // The retry budget refused the retry this failure was worth.
            Err(if record.retry_refused {
                Error::RetryBudgetSpent(Box::new(error))
            } else {
                error
            })
        }
    }
}
