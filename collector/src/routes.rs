//! The HTTP surface: the data endpoint, the dashboard's queries, static files, CORS, health,
//! readiness and metrics, and the request log.

use crate::db::Db;
use crate::error::ApiError;
use crate::limit::Limiter;
use crate::proxy::Client;
use crate::{auth, metrics as names, queries, validate};
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, MatchedPath, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::cors::{AllowHeaders, Any, CorsLayer};
use tower_http::services::ServeDir;

/// The largest body accepted on the data endpoint.
const MAX_BODY: usize = 1 << 20;

#[derive(Clone)]
pub struct App {
    pub db: Db,
    /// The keys served; empty: any non-empty key.
    pub api_keys: Arc<HashSet<String>>,
    /// What every read must present as `Authorization: Bearer`; `None`: reads are refused.
    pub admin_token: Option<Arc<str>>,
    /// The data endpoint's requests per client address.
    pub limiter: Arc<Limiter>,
    /// How long a request's body may take to arrive.
    pub body_timeout: Duration,
    /// The API keys whose requests need SDK authentication's signature.
    pub sdk_auth: Arc<auth::Keys>,
    pub metrics: PrometheusHandle,
    /// Days of data kept (`--retention-days`): older datapoints are refused.
    pub retention_days: Option<u32>,
}

/// `metrics_here`: `/metrics` is served on this router, behind the admin token (else on
/// `--metrics-listen`'s, by `metrics_router`).
pub fn router(app: App, root: &Path, metrics_here: bool) -> Router {
    // The data endpoint is written to from every site that loads the SDK, with the headers Braze's
    // SDKs add: CORS open. Reads are for the owner only, from the dashboard served here (the same
    // origin): no CORS, and the admin token.
    let data_cors =
        CorsLayer::new().allow_origin(Any).allow_methods([Method::POST, Method::OPTIONS]).allow_headers(AllowHeaders::mirror_request());
    let writes = Router::new().route("/api/v3/data", post(data)).route("/api/v3/data/", post(data)).layer(data_cors);
    let reads = Router::new()
        .route("/api/v3/usage", get(usage))
        .route("/api/v3/sessions", get(sessions))
        .route("/api/v3/keys", get(keys))
        .route("/api/v3/events", get(events))
        .route("/api/v3/daily", get(daily));
    let reads = if metrics_here { reads.route("/metrics", get(metrics)) } else { reads };
    writes
        .merge(reads.route_layer(middleware::from_fn_with_state(app.clone(), owner_only)))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/", get(|| async { Redirect::temporary("/www/") }))
        // The demo site and the SDK package only: the root is a repository, with .git and databases.
        .nest_service("/www", ServeDir::new(root.join("www")))
        .nest_service("/pkg", ServeDir::new(root.join("pkg")))
        .with_state(app)
        .layer(middleware::from_fn(log))
}

/// `GET /metrics` alone, for `--metrics-listen`: a network the operator keeps private.
pub fn metrics_router(app: App) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(app).layer(middleware::from_fn(log))
}

/// Reads need the admin token: the API key is public in every page that loads the SDK.
async fn owner_only(State(app): State<App>, request: Request, next: Next) -> Response {
    let given = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match (&app.admin_token, given) {
        (Some(token), Some(given)) if same(token.as_bytes(), given.trim().as_bytes()) => next.run(request).await,
        (None, _) => ApiError::unauthorized("reads are refused: the collector was started without an admin token").into_response(),
        _ => ApiError::unauthorized("reads need the admin token as Authorization: Bearer").into_response(),
    }
}

/// Compares in time that does not depend on where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// One line per request, preflights and refusals included, with its client; and the request
/// metrics, by route pattern (a path a client makes up is not a new series).
async fn log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let client = request.extensions().get::<Client>().map(|Client(ip)| ip.to_string()).unwrap_or_default();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics::counter!(names::REQUESTS, "route" => route.clone(), "status" => status.to_string()).increment(1);
    metrics::histogram!(names::LATENCY, "route" => route).record(elapsed.as_secs_f64());
    tracing::info!("{client} {method} {path} {status} {:.1}ms", elapsed.as_secs_f64() * 1e3);
    response
}

/// `GET /healthz`: the process serves.
async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: the database answers within a second.
async fn readyz(State(app): State<App>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(Duration::from_secs(1), app.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n"),
        Ok(Err(e)) => {
            names::database_error(&e);
            (StatusCode::SERVICE_UNAVAILABLE, "the database is unavailable\n")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "the database did not answer within 1 s\n"),
    }
}

/// `GET /metrics`, with the database's gauges read at the scrape.
async fn metrics(State(app): State<App>) -> Response {
    metrics::gauge!(names::CONNECTIONS).set(app.db.connections_in_use() as f64);
    if let Ok(backlog) = app.db.backlog().await {
        metrics::gauge!(names::FOLD_BACKLOG).set(backlog as f64);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], app.metrics.render()).into_response()
}

/// `POST /api/v3/data/`. Any content type is read as JSON: `navigator.sendBeacon` sends
/// `text/plain` so that the browser needs no preflight. The answer is `{}`, or names the
/// datapoints left out: `{"rejected": [{"index": 1, "reason": "time is not a number"}]}`.
async fn data(
    State(app): State<App>,
    Extension(Client(client)): Extension<Client>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    app.limiter.take(client, Instant::now()).map_err(ApiError::too_many)?;
    let body = tokio::time::timeout(app.body_timeout, read_limited(body))
        .await
        .map_err(|_| ApiError::timeout(format!("the body did not arrive within {} s", app.body_timeout.as_secs_f64())))??;
    let body: Value = serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
    let header_key = headers.get("x-braze-api-key").and_then(|v| v.to_str().ok());
    let key = validate::api_key(&body, header_key).map_err(ApiError::bad_request)?;
    if !app.api_keys.is_empty() && !app.api_keys.contains(key) {
        return Err(ApiError::unauthorized(format!("API key {key:?} is not served here")));
    }
    let received = crate::unix_now();
    let oldest = app.retention_days.map(|days| crate::db::first_day_kept(days, received) as f64 * 86_400.0);
    let mut batch = validate::batch(&body, key, oldest).map_err(ApiError::bad_request)?;
    let signature = headers.get("x-braze-auth-signature").and_then(|v| v.to_str().ok());
    app.sdk_auth.check(key, &batch.users(), signature).map_err(ApiError::signature)?;
    let rejected = std::mem::take(&mut batch.rejected);
    for r in &rejected {
        metrics::counter!(names::REJECTED, "reason" => r.reason.clone()).increment(1);
    }
    metrics::counter!(names::DATAPOINTS, "outcome" => "rejected").increment(rejected.len() as u64);
    let stored = app.db.insert(batch, received).await?;
    metrics::counter!(names::DATAPOINTS, "outcome" => "stored").increment(stored.new);
    metrics::counter!(names::DATAPOINTS, "outcome" => "duplicate").increment(stored.again);
    if rejected.is_empty() {
        Ok(Json(Value::Object(Default::default())))
    } else {
        Ok(Json(serde_json::json!({ "rejected": rejected })))
    }
}

/// The body, refused with 413 past `MAX_BODY` bytes without reading further.
async fn read_limited(body: Body) -> Result<Bytes, ApiError> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(ApiError::too_large(format!("the body is larger than {MAX_BODY} bytes"))),
        Err(e) => Err(ApiError::bad_request(format!("the body could not be read: {e}"))),
    }
}

#[derive(Deserialize)]
struct Filter {
    api_key: Option<String>,
    user_id: Option<String>,
    device_id: Option<String>,
    /// `usage`: only the users and devices whose id contains this.
    q: Option<String>,
    /// `usage`: at most this many users and devices (default 100).
    limit: Option<usize>,
}

/// The query string, with `api_key` required; refusals as JSON like every other error.
fn filter(query: Result<Query<Filter>, QueryRejection>) -> Result<(String, Filter), ApiError> {
    let Query(mut filter) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    match filter.api_key.take() {
        Some(key) if !key.is_empty() => Ok((key, filter)),
        _ => Err(ApiError::bad_request("the api_key query parameter is missing")),
    }
}

async fn usage(State(app): State<App>, query: Result<Query<Filter>, QueryRejection>) -> Result<Json<queries::Usage>, ApiError> {
    let (key, f) = filter(query)?;
    Ok(Json(app.db.usage(key, f.q.filter(|q| !q.is_empty()), f.limit.unwrap_or(100)).await?))
}

async fn sessions(State(app): State<App>, query: Result<Query<Filter>, QueryRejection>) -> Result<Json<Vec<queries::Session>>, ApiError> {
    let (key, f) = filter(query)?;
    Ok(Json(app.db.sessions(key, f.user_id, f.device_id).await?))
}

async fn events(State(app): State<App>, query: Result<Query<Filter>, QueryRejection>) -> Result<Json<Vec<queries::Other>>, ApiError> {
    let (key, f) = filter(query)?;
    Ok(Json(app.db.events(key, f.user_id, f.device_id).await?))
}

async fn daily(State(app): State<App>, query: Result<Query<Filter>, QueryRejection>) -> Result<Json<Vec<queries::Day>>, ApiError> {
    let (key, _) = filter(query)?;
    Ok(Json(app.db.daily(key).await?))
}

async fn keys(State(app): State<App>) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(app.db.keys().await?))
}
