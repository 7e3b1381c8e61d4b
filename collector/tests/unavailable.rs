//! A database that cannot be reached: datapoints are answered 503 with `Retry-After` (never 500),
//! and sent again once it is back they are stored exactly once. On PostgreSQL the database
//! refuses connections, and then its server drops every connection, as a restart does; on
//! SQLite another process holds the write lock past the busy timeout.

mod common;

use common::{batch, se, ss, Server, TempDir};
use std::process::Command;

/// Runs SQL on the server's maintenance database (PostgreSQL only).
fn on_server(dir: &TempDir, statement: &str) {
    let url = dir.database();
    let server = &url[..url.rfind('/').unwrap()];
    let status = Command::new("psql").args([&format!("{server}/postgres"), "-qc", statement]).status().expect("psql runs");
    assert!(status.success(), "{statement}");
}

fn database_name(dir: &TempDir) -> String {
    dir.database().rsplit('/').next().unwrap().to_owned()
}

#[test]
fn a_datapoint_sent_while_the_database_is_down_is_a_503_and_is_stored_once_when_sent_again() {
    let dir = TempDir::new("unavailable");
    let server = Server::start(&dir, &[]);
    let body = batch("k", "dev", Some("u"), vec![ss(1, 10.0), se(1, 20.0, 10.0)]);
    let postgres = std::env::var("COLLECTOR_TEST_PG").is_ok();
    let lock = if postgres {
        let name = database_name(&dir);
        on_server(&dir, &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"));
        on_server(&dir, &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"));
        None
    } else {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        Some(conn)
    };
    let response = server.send(&body);
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(response.header("retry-after"), Some("5"));
    assert_eq!(response.error(), "the database is unavailable; try again later");
    let scrape = server.read("/metrics").text();
    assert!(scrape.contains(r#"collector_database_errors_total{kind="unavailable"}"#), "{scrape}");
    // Readiness follows the database (SQLite still answers reads while another process writes).
    let ready = |server: &Server| server.get("/readyz").status;
    if postgres {
        assert_eq!(ready(&server), 503);
    }

    drop(lock);
    if postgres {
        on_server(&dir, &format!("ALTER DATABASE {} ALLOW_CONNECTIONS true", database_name(&dir)));
    }
    assert_eq!(ready(&server), 200);
    // As the SDK retries: the same batch, more than once.
    for _ in 0..2 {
        assert_eq!(server.send(&body).status, 200);
    }
    let sessions = server.sessions("api_key=k");
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(server.usage("k")["users"][0]["sessions"], 1);
}

#[test]
fn connections_the_server_dropped_are_replaced_without_a_failure() {
    if std::env::var("COLLECTOR_TEST_PG").is_err() {
        return;
    }
    let dir = TempDir::new("reconnect");
    let server = Server::start(&dir, &[]);
    for n in 0..20 {
        if n % 5 == 0 {
            // What a restart of the server does to the pool's connections.
            let name = database_name(&dir);
            on_server(&dir, &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"));
        }
        let response = server.send(&batch("k", "dev", None, vec![ss(n, 10.0 * n as f64)]));
        assert_eq!(response.status, 200, "batch {n}: {}", response.text());
    }
    assert_eq!(server.sessions("api_key=k").len(), 20);
}
