//! The accept loop: at most `max_connections` connections served at once (more wait in the
//! listen queue, holding no descriptor of the emulator's), each on its own task; and the
//! shutdown: stop accepting, let requests in flight finish within the shutdown timeout, then
//! cut what is left.

use std::{sync::Arc, time::Duration};

use axum::Router;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::{
    net::TcpListener,
    sync::{Semaphore, oneshot},
    task::JoinSet,
};

use super::{
    connection,
    limits::Limits,
    tls::{self, TlsConfig},
};

/// How long the loop waits after a failed accept (out of descriptors, say) before it tries
/// again, rather than spinning.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Serves `router` on `listener`, over TLS when `tls` is given, until `stop` fires (or its
/// sender is dropped). A TLS handshake happens on the connection's own task, within
/// [`tls::HANDSHAKE_TIMEOUT`], holding the connection's place.
pub(crate) async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<TlsConfig>,
    mut stop: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let places = Arc::new(Semaphore::new(limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            biased;
            _ = &mut stop => break,
            permit = Arc::clone(&places).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            biased;
            _ = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                let (router, watcher) = (router.clone(), graceful.watcher());
                match &tls {
                    None => {
                        connections
                            .spawn(connection::serve(stream, router, limits, watcher, permit));
                    }
                    Some(tls) => {
                        let acceptor = tls.acceptor();
                        connections.spawn(async move {
                            if let Some(stream) = tls::handshake(acceptor, stream).await {
                                connection::serve(stream, router, limits, watcher, permit).await;
                            }
                        });
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "the emulator could not accept a connection");
                tokio::select! {
                    _ = &mut stop => break,
                    () = tokio::time::sleep(ACCEPT_RETRY) => {}
                }
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "the emulator's shutdown timeout passed: cutting the open connections"
        );
    }
    connections.shutdown().await;
}
