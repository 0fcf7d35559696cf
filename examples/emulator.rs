//! Runs the local VPCEP emulator until Ctrl-C, for trying the API by hand or for contract
//! tests (CI runs schemathesis against it). Prints `listening on {base URL}` first.
//!
//! ```sh
//! cargo run --example emulator --features emulator -- [--address 127.0.0.1:0] [--token T]... [--region eu-de] [--conflicting-service]
//! ```
//!
//! `--conflicting-service` also seeds a second service sharing the documented service's
//! `port_id`, with the mapping 65535->65535/UDP, so that changes of the documented service
//! can meet `EndPoint.3044` (generated test data often uses the port 65535).

use std::{error::Error, io::Write, net::SocketAddr, process::ExitCode};

use otc_vpcep::{
    OpenEnum,
    emulator::{DOCUMENTED_PROJECT_ID, Emulator, documented_service},
    types::{EndpointServicePort, Protocol},
};

/// The ID of the service `--conflicting-service` adds.
const CONFLICTING_SERVICE_ID: &str = "0f6f5d2e-4c1b-4e55-9a43-5b0d2c9e7a11";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let mut builder = Emulator::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        builder = match arg.as_str() {
            "--address" => builder.address(value()?.parse::<SocketAddr>()?),
            "--token" => builder.token(value()?),
            "--region" => builder.region(value()?),
            "--conflicting-service" => builder.service(conflicting_service()),
            other => return Err(format!("unknown argument {other:?}").into()),
        };
    }
    let emulator = builder.start().await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}", emulator.base_url())?;
    stdout.flush()?;
    eprintln!("project {DOCUMENTED_PROJECT_ID}; stop with Ctrl-C");
    tokio::signal::ctrl_c().await?;
    emulator.shutdown().await;
    Ok(())
}

/// A second service on the documented service's backend port, using 65535->65535/UDP.
fn conflicting_service() -> otc_vpcep::types::EndpointService {
    let mut service = documented_service();
    service.id = Some(CONFLICTING_SERVICE_ID.to_owned());
    service.service_name = Some("neighbour".to_owned());
    service.ports = vec![EndpointServicePort {
        client_port: Some(65535),
        server_port: Some(65535),
        protocol: Some(OpenEnum::Known(Protocol::Udp)),
    }];
    service
}
