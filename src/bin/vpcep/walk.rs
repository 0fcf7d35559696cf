//! How a command prints a walk over every page of a list: JSON lines as the items are read,
//! or a JSON array or a table once all are read, with `--limit N` as the most items read and a
//! warning when the library's bound stopped the walk.

use futures_util::Stream;
use otc_vpcep::{DEFAULT_MAX_LIST_ITEMS, Error};
use serde::Serialize;

use crate::{
    args::Output,
    failure::Failure,
    output::{self, Reader},
    progress::{self, Walk},
};

/// The most items a walk reads: `--limit N`, or the library's bound.
pub fn most(limit: Option<u64>) -> usize {
    limit.map_or(DEFAULT_MAX_LIST_ITEMS, |n| {
        usize::try_from(n).unwrap_or(usize::MAX)
    })
}

/// Prints the `things` of `items` as `output` says (see the module's documentation); `limit`
/// is the `--limit` given, `table` makes the table of the items read.
pub async fn print<T: Serialize>(
    items: impl Stream<Item = Result<T, Error>>,
    things: &str,
    output: Output,
    limit: Option<u64>,
    table: impl FnOnce(&[T]) -> String,
) -> Result<(), Failure> {
    let mut kept: Vec<T> = Vec::new();
    let read = progress::walked(items, things, |item, screen| {
        if output != Output::Jsonl {
            kept.push(item);
            return Ok(Walk::On);
        }
        let line = output::line(&item)?;
        match screen.print(|| output::write(&line))? {
            Reader::There => Ok(Walk::On),
            Reader::Gone => Ok(Walk::Stop),
        }
    })
    .await?;
    if limit.is_none() && read >= DEFAULT_MAX_LIST_ITEMS {
        eprintln!(
            "warning: stopped after {read} {things}, the most a walk reads unless told: there \
             may be more (--limit N reads up to N)"
        );
    }
    match output {
        Output::Jsonl => Ok(()),
        Output::Json => output::write(&output::pretty(&kept)?).map(drop),
        Output::Table if kept.is_empty() => {
            eprintln!("no {things}");
            Ok(())
        }
        Output::Table => output::write(&table(&kept)).map(drop),
    }
}
