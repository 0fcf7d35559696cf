//! How the ergonomic layer runs one generated operation: with the checks made before it (a
//! request refused there fails at once), a record of its final answer, and the error of a
//! failed call completed from that record (and marked when the retry budget refused its retry).

use progenitor_client::ResponseValue;

use crate::{
    Error, budget, generated,
    response::{self, Answer},
    types::ErrorResponse,
};

/// Runs the generated operation that `operation` makes (or fails at once with its error),
/// with a record of its final answer kept for this call alone, so that its error carries the
/// status and request id of the final answer even when the error body did not decode (the
/// generated code drops them then), and a success body that is not a JSON object is refused.
///
/// The operation's future is made inside the record's scope, so that the call's future holds
/// it once (no copy beside it, no shared record to allocate).
pub(crate) fn run<T, F>(
    operation: Result<impl FnOnce() -> F, Error>,
) -> impl Future<Output = Result<T, Error>>
where
    F: Future<Output = Result<ResponseValue<T>, generated::Error<ErrorResponse>>>,
{
    budget::scoped(response::recorded(
        move || async move {
            match operation {
                Ok(make) => Ok(make().await),
                Err(refused) => Err(refused),
            }
        },
        completed,
    ))
}

/// The result of a call, completed with its final answer.
fn completed<T>(
    result: Result<Result<ResponseValue<T>, generated::Error<ErrorResponse>>, Error>,
    answer: Option<&Answer>,
) -> Result<T, Error> {
    match (result?, answer) {
        (Ok(_), Some(answer)) if !response::is_json_object(&answer.body) => {
            Err(Error::not_an_object(answer))
        }
        (Ok(value), _) => Ok(value.into_inner()),
        (Err(error), answer) => {
            let error = Error::from_call(error, answer);
            // The retry budget refused the retry this failure was worth.
            Err(if budget::was_refused() {
                Error::RetryBudgetSpent(Box::new(error))
            } else {
                error
            })
        }
    }
}
