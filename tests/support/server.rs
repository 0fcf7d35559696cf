//! A scripted HTTP/1.1 server on 127.0.0.1 for the tests: it answers each request as a script
//! says (from the request's 0-based number and the request itself), and records what it
//! received. It speaks just enough HTTP by hand to misbehave on purpose: reset connections,
//! answers that never come, bodies that break off, arbitrary statuses and bytes.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

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
        Self::json(200, &super::documented_response().to_string())
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Http { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// One request as the server read it off the socket.
#[derive(Clone, Debug)]
pub struct Received {
    /// The method of the request line.
    pub method: String,
    /// The request target as sent: path and, after `?`, the query.
    pub target: String,
    /// The headers in the order sent, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Received {
    /// The values of header `name` (case-insensitive), in the order sent.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of header `name` (case-insensitive), if it was sent exactly once.
    pub fn header(&self, name: &str) -> Option<&str> {
        match self.header_values(name).as_slice() {
            [value] => Some(value),
            _ => None,
        }
    }

    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

type Script = dyn Fn(usize, &Received) -> Reply + Send + Sync;

/// The server; it stops when the test's runtime ends.
pub struct TestServer {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl TestServer {
    /// Starts a server on 127.0.0.1 (a free port) that answers request `n` (0-based) with
    /// `script(n, request)`.
    pub async fn start(script: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let log = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&script), Arc::clone(&log)));
            }
        });
        Self { url, received }
    }

    /// Answers every request with `reply`.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_, _| reply.clone()).await
    }

    /// Answers the first requests with `first`, one each, then `rest` forever.
    pub async fn sequence(first: Vec<Reply>, rest: Reply) -> Self {
        Self::start(move |n, _| first.get(n).cloned().unwrap_or_else(|| rest.clone())).await
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
        log.push(request.clone());
        log.len() - 1
    };
    match script(n, &request) {
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
    let target = start.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
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
        target,
        headers,
        body,
    })
}
