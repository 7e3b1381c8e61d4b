//! Connections: accepted here rather than by `axum::serve`, so that a client that does not finish
//! sending its request head in time is disconnected (hyper's header read timeout needs its timer,
//! which `axum::serve` does not set); each request carries its peer's address as axum's
//! `ConnectInfo` and its client's as `proxy::Client` (the peer, or who a trusted proxy names),
//! for the rate limit and the log.

use crate::proxy::{self, Client};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use ipnet::IpNet;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_service::Service;

/// Serves `router` until `stop` resolves, then lets requests in flight finish (for up to
/// `timeout`). A request head not read within `timeout` closes its connection; so does a
/// connection idle that long between requests. `trusted`: the proxies whose forwarding headers
/// name the client.
pub async fn serve(listener: TcpListener, router: Router, timeout: Duration, trusted: Arc<[IpNet]>, stop: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(timeout);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer): (_, SocketAddr) = match accepted {
                    Ok(accepted) => accepted,
                    // Out of file descriptors and the like: the next accept may succeed.
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let router = router.clone();
                let trusted = Arc::clone(&trusted);
                let service = service_fn(move |mut request: Request<Incoming>| {
                    let client = proxy::client(peer.ip(), request.headers(), &trusted);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request.extensions_mut().insert(Client(client));
                    router.clone().call(request.map(Body::new))
                });
                let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    // A client that goes away or times out is not an error of ours.
                    let _ = connection.await;
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(timeout, graceful.shutdown()).await;
}
