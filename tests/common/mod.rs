//! What the tests share: the spec's documented examples, and a loopback server that records
//! the requests it receives.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

pub const PROJECT_ID: &str = "6e9dfd51d1124e8d8498dce894923a0d";
pub const SERVICE_ID: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";

/// The spec, as JSON.
pub fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vpcep.yaml"))
        .expect("the spec is readable");
    serde_yaml_ng::from_str(&text).expect("the spec is YAML")
}

fn operation() -> Value {
    spec()["paths"]["/v1/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}"]["put"]
        .clone()
}

/// The documented example request, as embedded in the spec.
pub fn documented_request() -> Value {
    operation()["requestBody"]["content"]["application/json"]["examples"]["documented"]["value"]
        .clone()
}

/// The documented example response, as embedded in the spec.
pub fn documented_response() -> Value {
    operation()["responses"]["200"]["content"]["application/json"]["examples"]["documented"]
        ["value"]
        .clone()
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback HTTP/1.1 server that answers every request with one canned answer and keeps
/// what it received.
pub struct RecordingServer {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl RecordingServer {
    pub async fn start(status: u16, body: Value) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let body = serde_json::to_vec(&body).expect("JSON");
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let log = log.clone();
                let body = body.clone();
                tokio::spawn(async move {
                    while let Some(request) = read_request(&mut stream).await {
                        log.lock().expect("lock").push(request);
                        let head = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
                             x-request-id: req-0001\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        if stream.write_all(head.as_bytes()).await.is_err()
                            || stream.write_all(&body).await.is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Self { base_url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

/// A client of the documented project at `endpoint`, with a test token.
pub fn client(endpoint: &str) -> otc_vpcep::Client {
    otc_vpcep::Client::builder()
        .endpoint(endpoint)
        .project_id(PROJECT_ID)
        .credentials(otc_vpcep::Credentials::token("test-token"))
        .build()
        .expect("a valid configuration")
}
