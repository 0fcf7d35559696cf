//! A fault-injecting HTTP server on 127.0.0.1 for the `faults_*` tests: it answers each
//! request as a script says (by the request's 0-based number), and records what it received.
//!
//! It speaks just enough HTTP/1.1 by hand to misbehave on purpose: reset connections, answers
//! that never come, bodies that break off, arbitrary status codes and bytes.

#![allow(dead_code)] // each test crate uses a part of it

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use otc_vpcep::{Client, Credentials, RetryPolicy};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// The project of every test request.
pub const PROJECT: &str = "6e9dfd51d1124e8d8498dce894923a0d";
/// The service of every test request.
pub const SERVICE: &str = "4189d3c2-8882-4871-a3c2-d380272eed88";
/// The token the test clients send; it must never show in logs or errors.
pub const TOKEN: &str = "MIIT-secret-token-never-logged";

/// How the server answers one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete answer with this status, extra headers and body (`Content-Length` framed).
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes as they are, then the connection closes.
    Raw(Vec<u8>),
    /// The connection is reset (RST) after the request was read.
    Reset,
    /// No answer ever; the connection stays open.
    Silence,
    /// These bytes, then nothing more; the connection stays open.
    Stall(Vec<u8>),
}

impl Reply {
    /// An answer with a JSON body and an `X-Request-Id`.
    pub fn json(status: u16, body: &str) -> Self {
        Self::Http {
            status,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Request-Id".into(), format!("req-{status}")),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    /// A service error body `{"error_code", "error_msg"}` with `status`.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(
            status,
            &serde_json::json!({ "error_code": code, "error_msg": message }).to_string(),
        )
    }

    /// The documented example answer of the modify call.
    pub fn ok() -> Self {
        Self::json(200, SERVICE_JSON)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Http { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// The documented example answer of the modify call.
pub const SERVICE_JSON: &str = r#"{
  "id": "4189d3c2-8882-4871-a3c2-d380272eed83",
  "port_id": "4189d3c2-8882-4871-a3c2-d380272eed88",
  "vpc_id": "4189d3c2-8882-4871-a3c2-d380272eed80",
  "pool_id": "5289d3c2-8882-4871-a3c2-d380272eed80",
  "status": "available",
  "approval_enabled": false,
  "service_name": "test123",
  "service_type": "interface",
  "server_type": "VM",
  "project_id": "6e9dfd51d1124e8d8498dce894923a0d",
  "created_at": "2018-01-30T07:42:01.174",
  "ports": [
    { "client_port": 8080, "server_port": 90, "protocol": "TCP" },
    { "client_port": 8081, "server_port": 80, "protocol": "TCP" }
  ]
}"#;

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The value of header `name` (lower case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Script = dyn Fn(usize) -> Reply + Send + Sync;

/// The server; it stops when the test's runtime ends.
pub struct FaultServer {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl FaultServer {
    /// Starts a server on 127.0.0.1 (a free port) that answers request `n` (0-based) with
    /// `script(n)`.
    pub async fn start(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let log = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let script = Arc::clone(&script);
                let log = Arc::clone(&log);
                tokio::spawn(serve(stream, script, log));
            }
        });
        Self { url, received }
    }

    /// Answers every request with `reply`.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_| reply.clone()).await
    }

    /// Answers the first requests with `first`, one each, then `rest` forever.
    pub async fn sequence(first: Vec<Reply>, rest: Reply) -> Self {
        Self::start(move |n| first.get(n).cloned().unwrap_or_else(|| rest.clone())).await
    }

    /// The base URL, `http://127.0.0.1:{port}`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The number of requests read so far.
    pub fn hits(&self) -> usize {
        self.received.lock().expect("server log").len()
    }

    /// The requests read so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("server log").clone()
    }

    /// Forgets the requests read so far.
    pub fn reset_log(&self) {
        self.received.lock().expect("server log").clear();
    }
}

/// Serves one connection: reads one request, answers it as scripted, closes.
async fn serve(mut stream: TcpStream, script: Arc<Script>, log: Arc<Mutex<Vec<Received>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let n = {
        let mut log = log.lock().expect("server log");
        log.push(request);
        log.len() - 1
    };
    match script(n) {
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Reply::Silence => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(stream);
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(stream);
        }
    }
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body); `None` if the peer quits.
async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let method = start.next()?.to_owned();
    let path = start.next()?.to_owned();
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
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        path,
        headers,
        body,
    })
}

/// A retry policy with tiny waits, so that the tests stay fast.
pub fn tiny_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(max_attempts)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .with_total_budget(Duration::from_secs(10))
}

/// A client of `server` with a token, `policy` and a 2 s attempt timeout.
pub fn client(server: &FaultServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .retry_policy(policy)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("a valid test client")
}

/// Sends a valid modify request.
pub async fn modify(
    client: &Client,
) -> Result<otc_vpcep::types::EndpointService, otc_vpcep::Error> {
    client
        .modify_endpoint_service(SERVICE)
        .approval_enabled(true)
        .service_name("test")
        .port(8081, 22, otc_vpcep::types::Protocol::Tcp)
        .send()
        .await
}
