//! The collector as a service: where it listens, who its clients are behind a proxy, health and
//! readiness, metrics, and its command line and environment.

mod common;

use common::{batch, request, ss, Server, TempDir, TOKEN};
use serde_json::json;
use std::process::{Command, Stdio};

/// A data request from `server`'s peer with `headers` (forwarding headers), answered with its status.
fn send_as(server: &Server, headers: &[(&str, &str)]) -> u16 {
    let body = batch("k", "dev", None, vec![ss(1, 1.0)]).to_string();
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    server.request("POST", "/api/v3/data/", &all, body.as_bytes()).status
}

// A rate of 0.1 a second holds one request: each client's first passes, its second is slowed.
const ONE_EACH: [&str; 2] = ["--rate-limit", "0.1"];

#[test]
fn behind_a_trusted_proxy_each_client_it_names_has_its_own_rate_limit() {
    let dir = TempDir::new("trusted-v4");
    let server = Server::start(&dir, &[ONE_EACH[0], ONE_EACH[1], "--trusted-proxy", "127.0.0.0/8"]);
    let xff = |value| [("X-Forwarded-For", value)];
    assert_eq!(send_as(&server, &xff("203.0.113.1")), 200);
    assert_eq!(send_as(&server, &xff("203.0.113.1")), 429, "the same client again");
    assert_eq!(send_as(&server, &xff("203.0.113.2")), 200, "another client behind the same proxy");
    // What the client put left of the address the proxy appended is not believed.
    assert_eq!(send_as(&server, &xff("198.51.100.7, 203.0.113.3")), 200);
    assert_eq!(send_as(&server, &xff("198.51.100.8, 203.0.113.3")), 429, "a forged first hop does not make a new client");
    // A chain of trusted proxies: the right-most address that is not one of them.
    assert_eq!(send_as(&server, &xff("203.0.113.4, 127.0.0.9")), 200);
    assert_eq!(send_as(&server, &xff("203.0.113.4")), 429);
    assert_eq!(send_as(&server, &[("Forwarded", "for=203.0.113.5;proto=https")]), 200);
    assert_eq!(send_as(&server, &[("Forwarded", "for=\"203.0.113.5:4711\"")]), 429, "Forwarded names the same client");
    // Without a header the proxy itself is the client.
    assert_eq!(send_as(&server, &[]), 200);
    assert_eq!(send_as(&server, &[]), 429);
    let log = server.log();
    assert!(log.contains("203.0.113.2 POST /api/v3/data/ 200"), "the log names the client:\n{log}");
}

#[test]
fn from_a_peer_that_is_not_trusted_forwarding_headers_are_ignored() {
    for trusted in [&[][..], &["--trusted-proxy", "10.0.0.0/8"][..]] {
        let dir = TempDir::new("untrusted");
        let args: Vec<&str> = ONE_EACH.iter().chain(trusted).copied().collect();
        let server = Server::start(&dir, &args);
        assert_eq!(send_as(&server, &[("X-Forwarded-For", "203.0.113.1")]), 200);
        assert_eq!(send_as(&server, &[("X-Forwarded-For", "203.0.113.2")]), 429, "{trusted:?}: forged, the peer's bucket");
        assert_eq!(send_as(&server, &[("Forwarded", "for=203.0.113.3")]), 429, "{trusted:?}");
        assert!(server.log().contains("127.0.0.1 POST /api/v3/data/ 429"), "{}", server.log());
    }
}

#[test]
fn on_ipv6_behind_a_trusted_proxy() {
    let dir = TempDir::new("trusted-v6");
    let server = Server::start(&dir, &["--listen", "[::1]:0", ONE_EACH[0], ONE_EACH[1], "--trusted-proxy", "::1"]);
    assert!(server.addr.starts_with("[::1]:"), "{}", server.addr);
    let xff = |value| [("X-Forwarded-For", value)];
    assert_eq!(send_as(&server, &xff("2001:db8::1")), 200);
    assert_eq!(send_as(&server, &xff("[2001:db8::1]:4711")), 429, "the same client with a port");
    assert_eq!(send_as(&server, &xff("2001:db8::2")), 200);
    assert_eq!(send_as(&server, &xff("2001:db8::3, 2001:db8::2")), 429, "a forged first hop");
    assert_eq!(send_as(&server, &xff("203.0.113.1")), 200, "an IPv4 client through an IPv6 proxy");
}

#[test]
fn health_and_readiness() {
    let dir = TempDir::new("health");
    let server = Server::start(&dir, &[]);
    let health = server.get("/healthz");
    assert_eq!((health.status, health.text().as_str()), (200, "ok\n"));
    let ready = server.get("/readyz");
    assert_eq!((ready.status, ready.text().as_str()), (200, "ready\n"));
}

/// The value of the series `name` (with its labels as written) in a scrape, 0 when absent.
fn series(scrape: &str, name: &str) -> f64 {
    scrape.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok()).unwrap_or(0.0)
}

#[test]
fn metrics_are_the_owners_and_move_with_requests() {
    let dir = TempDir::new("metrics");
    let server = Server::start(&dir, &[]);
    assert_eq!(server.get("/metrics").status, 401, "the admin token is needed");
    let before = server.read("/metrics");
    assert_eq!(before.status, 200);
    assert_eq!(before.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    let good = batch("k", "dev", None, vec![ss(1, 1.0), json!({ "name": "ss", "time": "x", "session_id": "s", "data": {} })]);
    assert_eq!(server.send(&good).status, 200);
    assert_eq!(server.send(&batch("k", "dev", None, vec![ss(1, 1.0), ss(2, 2.0)])).status, 200, "one of them sent again");
    assert_eq!(server.send_raw(b"not json", "application/json").status, 400);
    let scrape = server.read("/metrics").text();
    let requests = r#"collector_http_requests_total{route="/api/v3/data/",status="#;
    assert_eq!(series(&scrape, &format!("{requests}\"200\"}}")), 2.0, "{scrape}");
    assert_eq!(series(&scrape, r#"collector_datapoints_total{outcome="stored"}"#), 2.0, "{scrape}");
    assert_eq!(series(&scrape, r#"collector_datapoints_total{outcome="duplicate"}"#), 1.0, "{scrape}");
    assert_eq!(series(&scrape, &format!("{requests}\"400\"}}")), 1.0, "{scrape}");
    assert_eq!(series(&scrape, r#"collector_datapoints_total{outcome="rejected"}"#), 1.0, "{scrape}");
    assert_eq!(series(&scrape, r#"collector_datapoints_rejected_total{reason="time is not a number"}"#), 1.0, "{scrape}");
    let latency = r#"collector_http_request_duration_seconds_count{route="/api/v3/data/"}"#;
    assert_eq!(series(&scrape, latency), 3.0, "{scrape}");
    assert!(scrape.contains(r#"collector_http_request_duration_seconds_bucket{route="/api/v3/data/",le="0.25"}"#), "{scrape}");
    assert!(scrape.contains("# TYPE collector_database_connections_in_use gauge"), "{scrape}");
    assert!(scrape.contains("collector_summaries_fold_backlog "), "{scrape}");
    // A path a client makes up is not a series of its own.
    server.get("/made/up/path");
    assert!(server.read("/metrics").text().contains(r#"route="unmatched",status="404""#));
}

#[test]
fn metrics_on_an_address_of_their_own_need_no_token() {
    let dir = TempDir::new("metrics-listen");
    let server = Server::start(&dir, &["--metrics-listen", "127.0.0.1:0"]);
    let log = server.log();
    let address =
        log.split("metrics on http://").nth(1).and_then(|rest| rest.split("/metrics").next()).expect("the metrics address is logged");
    assert_eq!(send_as(&server, &[]), 200);
    let scrape = request(address, "GET", "/metrics", &[], b"");
    assert_eq!(scrape.status, 200);
    let sent = r#"collector_http_requests_total{route="/api/v3/data/",status="200"}"#;
    assert_eq!(series(&scrape.text(), sent), 1.0, "{}", scrape.text());
    assert_eq!(server.read("/metrics").status, 404, "not on the main address");
}

fn collector(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    command.args(args).env_remove("COLLECTOR_ADMIN_TOKEN").envs(env.iter().copied());
    command
}

#[test]
fn version_help_and_one_line_errors() {
    let version = collector(&["--version"], &[]).output().unwrap();
    assert!(version.status.success());
    assert_eq!(String::from_utf8_lossy(&version.stdout), format!("collector {}\n", env!("CARGO_PKG_VERSION")));
    let help = collector(&["--help"], &[]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in ["--listen", "COLLECTOR_LISTEN", "--trusted-proxy", "--metrics-listen", "--retention-days", "COLLECTOR_DB"] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
    for (args, env, says) in [
        (&["--listen", "localhost:80"][..], &[][..], "--listen <ADDR>"),
        (&[], &[("COLLECTOR_LISTEN", "nowhere")][..], "--listen <ADDR>"),
        (&[], &[("COLLECTOR_RATE_LIMIT", "-1")][..], "--rate-limit <N>"),
        (&["--trusted-proxy", "10.0.0.0/40"], &[], "--trusted-proxy <CIDR>"),
    ] {
        let output = collector(args, env).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("collector: ") && stderr.contains(says), "{stderr}");
    }
}

#[test]
fn every_flag_can_come_from_the_environment() {
    let dir = TempDir::new("environment");
    let database = dir.database();
    let root = dir.root();
    let mut child = collector(
        &[],
        &[
            ("COLLECTOR_LISTEN", "127.0.0.1:0"),
            ("COLLECTOR_DB", database.as_str()),
            ("COLLECTOR_ROOT", root.to_str().unwrap()),
            ("COLLECTOR_ADMIN_TOKEN", TOKEN),
            ("COLLECTOR_API_KEYS", "a,b"),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let address = line.trim().strip_prefix("collector listening on http://").unwrap_or_else(|| panic!("{line:?}")).to_owned();
    let send = |key| {
        let body = batch(key, "dev", None, vec![ss(1, 1.0)]).to_string();
        request(&address, "POST", "/api/v3/data/", &[("Content-Type", "application/json")], body.as_bytes()).status
    };
    assert_eq!((send("a"), send("b"), send("c")), (200, 200, 401), "COLLECTOR_API_KEYS=a,b");
    let keys = request(&address, "GET", "/api/v3/keys", &[("Authorization", &format!("Bearer {TOKEN}"))], b"");
    assert_eq!(keys.status, 200, "COLLECTOR_ADMIN_TOKEN");
    let _ = child.kill();
    let _ = child.wait();
}
