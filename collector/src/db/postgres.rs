//! PostgreSQL, through tokio-postgres and deadpool's pool: for collectors that share one database,
//! as behind a load balancer. The same tables as SQLite's, with PostgreSQL's types.

use super::sql;
use crate::error::ApiError;
use crate::queries::{Other, Session};
use crate::validate::Batch;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// Created under an advisory lock: collectors starting together do not race on `CREATE TABLE`.
const SCHEMA: &str = "
SELECT pg_advisory_xact_lock(7261001);
CREATE TABLE IF NOT EXISTS datapoints (
    api_key    TEXT NOT NULL,
    session_id TEXT NOT NULL,
    name       TEXT NOT NULL CHECK (name IN ('ss', 'se')),
    time       DOUBLE PRECISION NOT NULL,
    duration   DOUBLE PRECISION,
    user_id    TEXT,
    device_id  TEXT NOT NULL,
    received   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (api_key, session_id, name)
);
CREATE TABLE IF NOT EXISTS events (
    api_key    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    time       DOUBLE PRECISION NOT NULL,
    data       TEXT NOT NULL,
    session_id TEXT,
    user_id    TEXT,
    received   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (api_key, device_id, name, time, data)
);
CREATE INDEX IF NOT EXISTS datapoints_by_user ON datapoints (api_key, user_id);
CREATE INDEX IF NOT EXISTS datapoints_by_device ON datapoints (api_key, device_id);
CREATE INDEX IF NOT EXISTS events_by_user ON events (api_key, user_id);
";

#[derive(Clone)]
pub struct Postgres(Pool);

impl Postgres {
    pub async fn open(url: &str) -> Result<Postgres, String> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager).max_size(16).build().map_err(|e| e.to_string())?;
        let mut client = pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => explain(e),
            e => e.to_string(),
        })?;
        let tx = client.transaction().await.map_err(explain)?;
        tx.batch_execute(SCHEMA).await.map_err(explain)?;
        tx.commit().await.map_err(explain)?;
        Ok(Postgres(pool))
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, ApiError> {
        self.0.get().await.map_err(ApiError::internal)
    }

    pub async fn insert(&self, batch: Batch, received: f64) -> Result<(), ApiError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(ApiError::internal)?;
        let session = tx.prepare_cached(sql::INSERT_SESSION).await.map_err(ApiError::internal)?;
        let other = tx.prepare_cached(sql::INSERT_OTHER).await.map_err(ApiError::internal)?;
        for e in &batch.events {
            let done = if e.is_session() {
                tx.execute(
                    &session,
                    &[&batch.api_key, &e.session_id, &e.name, &e.time, &e.duration, &e.user_id, &batch.device_id, &received],
                )
                .await
            } else {
                tx.execute(
                    &other,
                    &[&batch.api_key, &batch.device_id, &e.name, &e.time, &e.data_json(), &e.session_id, &e.user_id, &received],
                )
                .await
            };
            done.map_err(ApiError::internal)?;
        }
        tx.commit().await.map_err(ApiError::internal)
    }

    pub async fn sessions(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Session>, ApiError> {
        let client = self.client().await?;
        let query = client.prepare_cached(&sql::sessions(user.is_some() || device.is_some())).await.map_err(ApiError::internal)?;
        let rows = client.query(&query, &[&key, &user, &device]).await.map_err(ApiError::internal)?;
        Ok(rows
            .iter()
            .map(|row| Session {
                session_id: row.get(0),
                user_id: row.get(1),
                device_id: row.get(2),
                start: row.get(3),
                end: row.get(4),
                duration: row.get(5),
                open: row.get(6),
            })
            .collect())
    }

    pub async fn events(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Other>, ApiError> {
        let client = self.client().await?;
        let query = client.prepare_cached(sql::EVENTS).await.map_err(ApiError::internal)?;
        let rows = client.query(&query, &[&key, &user, &device]).await.map_err(ApiError::internal)?;
        Ok(rows.iter().map(|row| Other::new(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get::<_, &str>(5))).collect())
    }

    pub async fn keys(&self) -> Result<Vec<String>, ApiError> {
        let client = self.client().await?;
        let rows = client.query(sql::KEYS, &[]).await.map_err(ApiError::internal)?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }
}

/// A PostgreSQL error with the server's own message, which `Display` leaves out.
fn explain(e: tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{e}: {}", db.message()),
        None => std::error::Error::source(&e).map_or_else(|| e.to_string(), |cause| format!("{e}: {cause}")),
    }
}
