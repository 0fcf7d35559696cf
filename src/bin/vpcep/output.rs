//! What a command prints on standard output: the service as the API answers it.

use otc_vpcep::types::EndpointService;

use crate::{args::Output, failure::Failure, table};

/// Prints `service` as `output` says.
pub fn print_service(service: &EndpointService, output: Output) -> Result<(), Failure> {
    match output {
        Output::Json => {
            let text = serde_json::to_string_pretty(service)
                .map_err(|e| Failure::Usage(format!("cannot print the answer: {e}")))?;
            println!("{}", crate::terminal::escape_json(&text));
        }
        Output::Table => print!("{}", table::render(service)),
    }
    Ok(())
}
