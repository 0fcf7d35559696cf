//! The main job: change a VPC endpoint service, exactly as the API reference's example does
//! (approval on, name `test`, ports 8081->22/TCP and 8082->23/UDP), and print the service as
//! the API answers it.
//!
//! With no configuration it starts the local emulator in-process and talks to it:
//!
//! ```sh
//! cargo run --example modify --features emulator
//! ```
//!
//! With `OS_PROJECT_ID` and credentials in the environment (`OS_AUTH_TOKEN`, or an access key:
//! see the README) it talks to the real service instead (region `OS_REGION_NAME`, default
//! `eu-de`), changing the service whose ID is the first argument (default: the reference's
//! example service):
//!
//! ```sh
//! OS_PROJECT_ID=... OS_AUTH_TOKEN=... cargo run --example modify --features emulator -- SERVICE_ID
//! ```

use std::{env, error::Error, process::ExitCode};

use otc_vpcep::{
    Client, ClientBuilder, Credentials,
    emulator::{DOCUMENTED_PROJECT_ID, DOCUMENTED_SERVICE_ID, Emulator},
    types::{EndpointService, Protocol},
};

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
    let service_id = env::args()
        .nth(1)
        .unwrap_or_else(|| DOCUMENTED_SERVICE_ID.to_owned());
    // Kept alive until the end of `run`: dropping it stops the emulator.
    let mut emulator = None;
    let client = match client_from_env()? {
        Some(client) => {
            eprintln!("talking to {} (from the environment)", client.endpoint());
            client
        }
        None => {
            let started = Emulator::start().await?;
            eprintln!(
                "no OS_PROJECT_ID in the environment: talking to the local emulator at {}",
                started.base_url()
            );
            let client = Client::builder()
                .endpoint(started.base_url())
                .project_id(DOCUMENTED_PROJECT_ID)
                .credentials(Credentials::token("emulator-token"))
                .build()?;
            emulator = Some(started);
            client
        }
    };
    let service = client
        .modify_endpoint_service(service_id)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, Protocol::Tcp)
        .port(8082, 23, Protocol::Udp)
        .send()
        .await?;
    println!("{}", serde_json::to_string_pretty(&service)?);
    println!("{}", summary(&service));
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    Ok(())
}

/// The client for the real service, when `OS_PROJECT_ID` is set: credentials, project and
/// region from the environment (see `ClientBuilder::from_env`), region `eu-de` by default.
fn client_from_env() -> Result<Option<Client>, Box<dyn Error>> {
    if env::var_os("OS_PROJECT_ID").is_none() {
        return Ok(None);
    }
    let mut builder = ClientBuilder::from_env();
    if env::var_os("OS_REGION_NAME").is_none() {
        builder = builder.region("eu-de");
    }
    Ok(Some(builder.build()?))
}

/// One line: the name, ID, status, approval and port mappings of the service.
fn summary(service: &EndpointService) -> String {
    let shown = |value: Option<String>| value.unwrap_or_else(|| "?".to_owned());
    let ports: Vec<String> = service
        .ports
        .iter()
        .map(|p| {
            format!(
                "{}->{}/{}",
                shown(p.client_port.map(|n| n.to_string())),
                shown(p.server_port.map(|n| n.to_string())),
                shown(p.protocol.as_ref().map(ToString::to_string)),
            )
        })
        .collect();
    format!(
        "updated {} ({}): status {}, approval {}, ports {}, at {}",
        shown(service.service_name.clone()),
        service.id,
        shown(service.status.as_ref().map(ToString::to_string)),
        shown(
            service
                .approval_enabled
                .map(|a| if a { "required" } else { "not required" }.to_owned())
        ),
        ports.join(", "),
        shown(service.updated_at.clone()),
    )
}
