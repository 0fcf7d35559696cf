//! One connection: HTTP/1.1 served by hyper, with the emulator's own clock on what the
//! client does. hyper's header-read timeout runs from the end of one answer to the end of the
//! next request's headers, so it cannot tell a keep-alive connection that is idle from one
//! that sends its headers one byte a second; this clock can:
//!
//! - from the opening of the connection, or from the first byte of a later request, the
//!   headers must be complete within the header-read timeout;
//! - after an answer, the next request's first byte must come within the idle timeout;
//! - while a request is served, the clock stops (the body has its own timeout, in the guard).
//!
//! A connection past its deadline is closed without an answer; so is one whose answer carries
//! the [`CutConnection`] marker of an injected fault (the request was carried out, its answer
//! is lost).

use std::{
    io,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use axum::Router;
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::{rt::TokioIo, server::graceful::Watcher};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    sync::{Notify, OwnedSemaphorePermit},
    time::Instant,
};
use tower::ServiceExt;

use super::{
    limits::{Limits, PARSED_HEADERS},
    lost::CutConnection,
};

/// What a connection is waiting for, since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// The rest of a request's headers.
    Head,
    /// The first byte of the next request.
    Idle,
    /// Nothing: a request is being served.
    Busy,
}

/// The clock of one connection, shared by its socket, its service and its task.
#[derive(Debug)]
struct Clock {
    stage: Mutex<(Stage, Instant)>,
    changed: Notify,
}

impl Clock {
    fn new() -> Self {
        Self {
            stage: Mutex::new((Stage::Head, Instant::now())),
            changed: Notify::new(),
        }
    }

    fn stage(&self) -> std::sync::MutexGuard<'_, (Stage, Instant)> {
        self.stage.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, stage: Stage) {
        *self.stage() = (stage, Instant::now());
        self.changed.notify_one();
    }

    /// Bytes arrived: an idle connection starts a request.
    fn arrived(&self) {
        let mut current = self.stage();
        if current.0 == Stage::Idle {
            *current = (Stage::Head, Instant::now());
            drop(current);
            self.changed.notify_one();
        }
    }

    /// When the connection is to be closed if nothing changes, if ever.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let (stage, since) = *self.stage();
        match stage {
            Stage::Head => Some(since + limits.header_read_timeout),
            Stage::Idle => Some(since + limits.idle_timeout),
            Stage::Busy => None,
        }
    }
}

/// The connection's stream (TCP, or TLS over TCP), telling the clock when bytes arrive.
struct Clocked<S> {
    stream: S,
    clock: Arc<Clock>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Clocked<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.arrived();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Clocked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Serves one accepted connection with `router` until the client closes it, it passes a
/// deadline, or a shutdown (`watcher`) ends it; `permit` holds its place among the
/// connections served at once.
pub(crate) async fn serve<S>(
    stream: S,
    router: Router,
    limits: Limits,
    watcher: Watcher,
    permit: OwnedSemaphorePermit,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let clock = Arc::new(Clock::new());
    let io = TokioIo::new(Clocked {
        stream,
        clock: Arc::clone(&clock),
    });
    let service_clock = Arc::clone(&clock);
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        service_clock.set(Stage::Busy);
        let router = router.clone();
        let clock = Arc::clone(&service_clock);
        async move {
            let response = router
                .oneshot(request)
                .await
                .unwrap_or_else(|never| match never {});
            clock.set(Stage::Idle);
            // An error makes hyper close the connection without writing the answer.
            if response.extensions().get::<CutConnection>().is_some() {
                return Err(CutConnection);
            }
            Ok(response)
        }
    });
    let connection = http1::Builder::new()
        .max_headers(PARSED_HEADERS)
        .serve_connection(io, service);
    let connection = watcher.watch(connection);
    tokio::pin!(connection);
    loop {
        let deadline = clock.deadline(&limits);
        tokio::select! {
            _ = &mut connection => break,
            () = clock.changed.notified() => {}
            () = sleep_until(deadline) => {
                if clock.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    break;
                }
            }
        }
    }
    drop(permit);
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
