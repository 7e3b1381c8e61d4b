//! Connections: accepted here rather than by `axum::serve`, so that a client that does not finish
//! sending its request head in time is disconnected (hyper's header read timeout needs its timer,
//! which `axum::serve` does not set); each request learns its client's address for the rate limit.

use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::TcpListener;

/// The address a request came from.
#[derive(Clone, Copy)]
pub struct Client(pub IpAddr);

/// Serves `router` until `stop` resolves, then lets requests in flight finish (for up to
/// `timeout`). A request head not read within `timeout` closes its connection; so does a
/// connection idle that long between requests.
pub async fn serve(listener: TcpListener, router: Router, timeout: Duration, stop: impl Future<Output = ()>) {
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
                let service = TowerToHyperService::new(router.clone().layer(Extension(Client(peer.ip()))));
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
