//! What an operator watches (`GET /metrics`, the Prometheus text format), through the `metrics`
//! facade and its Prometheus exporter: the code counts where things happen, and a scrape renders
//! it. The names are in one place here.

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Requests by route (the matched pattern, never the raw path) and status.
pub const REQUESTS: &str = "collector_http_requests_total";
/// Seconds from a request's head to its response's head, by route.
pub const LATENCY: &str = "collector_http_request_duration_seconds";
/// Datapoints by outcome: `stored`, `duplicate` (stored before: a re-sent batch), `rejected`.
pub const DATAPOINTS: &str = "collector_datapoints_total";
/// Rejected datapoints by reason (`time is not a number`...).
pub const REJECTED: &str = "collector_datapoints_rejected_total";
/// Failed database calls: `unavailable` (answered 503) or `failed` (answered 500).
pub const DATABASE_ERRORS: &str = "collector_database_errors_total";
/// Database connections checked out at the scrape.
pub const CONNECTIONS: &str = "collector_database_connections_in_use";
/// Changes recorded with datapoints and not yet folded into the summaries, at the scrape.
pub const FOLD_BACKLOG: &str = "collector_summaries_fold_backlog";
/// Rows removed by `--retention-days`, by table.
pub const REMOVED: &str = "collector_retention_removed_total";

/// Counts a failed database call, wherever it failed (a request, the fold, the retention, a
/// readiness probe).
pub fn database_error(e: &crate::db::Error) {
    let kind = match e {
        crate::db::Error::Unavailable(_) => "unavailable",
        crate::db::Error::Failed(_) => "failed",
    };
    metrics::counter!(DATABASE_ERRORS, "kind" => kind).increment(1);
}

const BUCKETS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Installs the process's recorder; its handle renders a scrape.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(LATENCY.into()), &BUCKETS)
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(|e| format!("cannot set up the metrics: {e}"))?;
    metrics::describe_counter!(REQUESTS, "HTTP requests by route and status");
    metrics::describe_histogram!(LATENCY, metrics::Unit::Seconds, "HTTP request latency by route");
    metrics::describe_counter!(DATAPOINTS, "Datapoints received, by outcome: stored, duplicate or rejected");
    metrics::describe_counter!(REJECTED, "Datapoints rejected, by reason");
    metrics::describe_counter!(DATABASE_ERRORS, "Failed database calls, by kind: unavailable or failed");
    metrics::describe_gauge!(CONNECTIONS, "Database connections in use");
    metrics::describe_gauge!(FOLD_BACKLOG, "Changes waiting to be folded into the summaries");
    metrics::describe_counter!(REMOVED, "Rows removed by the retention, by table");
    // Histograms keep their samples until upkeep folds them in: without it they grow.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}
