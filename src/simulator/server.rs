//! The accept loop: serves the router over HTTP/1.1 with hyper, lets a handler drop its
//! connection without answering (fault injection), and shuts down gracefully.
//!
//! `axum::serve` cannot close a connection from inside a request, so connections are served
//! here directly; each request carries a [`DropConnection`] handle in its extensions.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// How long shutdown waits for requests in flight before closing their connections.
const GRACE: Duration = Duration::from_secs(5);

/// Closes the connection a request arrived on, without an answer.
#[derive(Debug, Clone)]
pub(crate) struct DropConnection(Arc<Notify>);

impl DropConnection {
    /// Closes the connection; the request's handler should then never return.
    pub(crate) fn drop_now(&self) {
        self.0.notify_one();
    }
}

/// Serves `app` on `listener` until `shutdown` turns true.
pub(crate) async fn run(listener: TcpListener, app: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, app.clone(), shutdown.clone()));
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            _ = shutdown.changed() => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
    }
}

async fn serve_connection(stream: TcpStream, app: Router, mut shutdown: watch::Receiver<bool>) {
    let kill = Arc::new(Notify::new());
    let handle = DropConnection(kill.clone());
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        let app = app.clone();
        async move {
            Ok::<_, Infallible>(
                app.oneshot(request.map(Body::new))
                    .await
                    .unwrap_or_else(|e| match e {}),
            )
        }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        () = kill.notified() => return,
        _ = shutdown.changed() => {}
    }
    connection.as_mut().graceful_shutdown();
    tokio::select! {
        _ = connection.as_mut() => {}
        () = kill.notified() => {}
    }
}
