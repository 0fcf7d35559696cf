//! What a command prints on standard output: the service as the API answers it, or a list of
//! services or quotas, as JSON, JSON lines or a table. A list's default is a table on a
//! terminal and JSON lines elsewhere. Text that came from the network is escaped (see
//! `terminal`). A reader that goes away (`vpcep list | head`) ends the output quietly.

use std::io::{ErrorKind, IsTerminal, Write};

use serde::Serialize;

use crate::{args::Output, failure::Failure, table};

/// Prints an answer as `output` says (a table: a field a line).
pub fn print_answer(answer: &impl Serialize, output: Output) -> Result<(), Failure> {
    let text = match output {
        Output::Json => pretty(answer)?,
        Output::Jsonl => line(answer)?,
        Output::Table => table::render(answer),
    };
    write(&text).map(drop)
}

/// How a list is printed: as asked, or else a table when standard output is a terminal and
/// JSON lines when it is not (a pipe, a file).
pub fn for_list(asked: Option<Output>) -> Output {
    asked.unwrap_or_else(|| {
        if std::io::stdout().is_terminal() {
            Output::Table
        } else {
            Output::Jsonl
        }
    })
}

/// `value` as pretty JSON (a line break at the end), safe for a terminal.
pub fn pretty(value: &impl Serialize) -> Result<String, Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Output(format!("cannot print the answer: {e}")))?;
    Ok(format!("{}\n", crate::terminal::escape_json(&text)))
}

/// `value` as one line of JSON (a line break at the end), safe for a terminal.
pub fn line(value: &impl Serialize) -> Result<String, Failure> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::Output(format!("cannot print the answer: {e}")))?;
    Ok(format!("{}\n", crate::terminal::escape_json(&text)))
}

/// Whether standard output still has a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    There,
    Gone,
}

/// Writes `text` on standard output and flushes it. A reader that went away (a broken pipe)
/// is [`Reader::Gone`], not a failure.
pub fn write(text: &str) -> Result<Reader, Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(Reader::There),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(Reader::Gone),
        Err(e) => Err(Failure::Output(format!("cannot write the output: {e}"))),
    }
}
