//! The collector: a Braze-compatible data endpoint on SQLite or PostgreSQL that stores the SDK's
//! session datapoints once each, answers the App Usage dashboard and serves the demo's files.

mod args;
mod auth;
mod db;
mod error;
mod limit;
mod metrics;
mod proxy;
mod queries;
mod routes;
mod server;
mod validate;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

fn main() -> ExitCode {
    let args = match args::parse(std::env::args()) {
        Ok(args::Command::Run(args)) => *args,
        Ok(args::Command::Show(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("collector: {message} (collector --help lists the options)");
            return ExitCode::from(2);
        }
    };
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("collector: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("collector: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Info to stderr (stdout carries only the ready line); RUST_LOG, in `target=level` form, overrides.
fn init_logging() {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) => spec.parse().unwrap_or_else(|e| {
            eprintln!("collector: RUST_LOG={spec:?} is not understood ({e}); logging at info");
            Targets::new().with_default(tracing::Level::INFO)
        }),
        Err(_) => Targets::new().with_default(tracing::Level::INFO),
    };
    let format = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    tracing_subscriber::registry().with(format).with(filter).init();
}

async fn serve(args: args::Args) -> Result<(), String> {
    let metrics = metrics::install()?;
    let db = db::Db::open(&args.db).await.map_err(|e| format!("cannot open the database {}: {e}", db::shown(&args.db)))?;
    let listener = bind(args.listen).await?;
    let metrics_listener = match args.metrics_listen {
        Some(address) => Some(bind(address).await?),
        None => None,
    };
    if args.admin_token.is_none() {
        tracing::warn!("no admin token (--admin-token, --admin-token-file or COLLECTOR_ADMIN_TOKEN): every read is refused");
    }
    let folding = db.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            // The next read folds again.
            if let Err(e) = folding.fold().await {
                metrics::database_error(&e);
                tracing::warn!("folding the tallies: {e}");
            }
        }
    });
    if let Some(days) = args.retention_days {
        tokio::spawn(prune(db.clone(), days));
    }
    let app = routes::App {
        db,
        api_keys: Arc::new(args.api_keys.into_iter().collect()),
        admin_token: args.admin_token.map(Arc::from),
        limiter: Arc::new(limit::Limiter::new(args.rate_limit)),
        body_timeout: args.request_timeout,
        sdk_auth: Arc::new(args.sdk_auth),
        metrics,
        retention_days: args.retention_days,
    };
    let trusted: Arc<[ipnet::IpNet]> = args.trusted_proxies.into();
    // Both listeners stop on the same signal.
    let (stop, stopping) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        stopped().await;
        let _ = stop.send(());
    });
    let on_stop = |mut stopping: tokio::sync::watch::Receiver<()>| async move {
        let _ = stopping.changed().await;
    };
    let metrics_server = metrics_listener.map(|listener| {
        tracing::info!("metrics on http://{}/metrics", listener.local_addr().map_or_else(|e| e.to_string(), |a| a.to_string()));
        let router = routes::metrics_router(app.clone());
        tokio::spawn(server::serve(listener, router, args.request_timeout, Arc::clone(&trusted), on_stop(stopping.clone())))
    });
    let router = routes::router(app, &args.root, metrics_server.is_none());
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    // The one line on stdout: scripts and tests wait for it to learn the port.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "collector listening on http://{address}").and_then(|()| stdout.flush()).map_err(|e| e.to_string())?;
    drop(stdout);
    server::serve(listener, router, args.request_timeout, trusted, on_stop(stopping)).await;
    if let Some(metrics_server) = metrics_server {
        let _ = metrics_server.await;
    }
    Ok(())
}

/// Now, in Unix seconds: what a batch is stamped with, and what the retention counts from.
fn unix_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

async fn bind(address: std::net::SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(address).await.map_err(|e| format!("cannot listen on {address}: {e}"))
}

/// Removes what the retention has passed, at start and every ten minutes (a day's data goes once
/// the day is wholly older than `days` days: it waits at most this long past that).
async fn prune(db: db::Db, days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        match db.prune(days, unix_now()).await {
            Ok(p) => {
                for (table, rows) in [("sessions", p.sessions), ("datapoints", p.datapoints), ("events", p.events)] {
                    ::metrics::counter!(metrics::REMOVED, "table" => table).increment(rows);
                }
                tracing::info!(
                    "retention of {days} days: removed {} sessions ({} datapoints), {} events and {} partitions in {} transactions",
                    p.sessions,
                    p.datapoints,
                    p.events,
                    p.partitions,
                    p.transactions
                );
            }
            Err(e) => {
                metrics::database_error(&e);
                tracing::warn!("retention of {days} days: {e}; trying again in ten minutes");
            }
        }
    }
}

/// Ctrl-C or SIGTERM (the demo script's `kill`): in-flight requests finish, then the database
/// closes cleanly. A signal that cannot be watched never fires, rather than stopping at once.
async fn stopped() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
