//! The process: its arguments, its ready line, stopping, and data kept across restarts.

mod common;

use common::{batch, se, ss, Server, TempDir};
use serde_json::json;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_collector")).args(args).output().unwrap()
}

#[test]
fn bad_arguments_are_a_usage_error() {
    let dir = TempDir::new("args");
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let cases = [
        (vec!["--port"], "a value is required for '--port <N>'"),
        (vec!["--port", "http"], "invalid value 'http' for '--port <N>'"),
        (vec!["--port", "70000"], "70000 is not in 0..=65535"),
        (vec!["--verbose"], "unexpected argument '--verbose'"),
        (vec!["--api-key", ""], "an API key cannot be empty"),
        (vec!["--root", file.to_str().unwrap()], "is not a directory"),
        (vec!["--admin-token", "short"], "the admin token needs at least 16 characters"),
        (vec!["--admin-token-file", file.to_str().unwrap()], "the admin token needs at least 16 characters"),
        (vec!["--admin-token-file", "/nonexistent/token"], "--admin-token-file /nonexistent/token"),
        (vec!["--retention-days", "0"], "invalid value '0' for '--retention-days <N>': not a whole number of days (1 or more)"),
        (vec!["--retention-days", "1.5"], "invalid value '1.5' for '--retention-days <N>': not a whole number of days"),
    ];
    for (args, message) in cases {
        let output = run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        // One line, which says what was wrong and where the options are listed.
        assert!(stderr.contains(message) && stderr.ends_with("(collector --help lists the options)\n"), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: collector [OPTIONS]"));
}

#[test]
fn the_admin_token_comes_from_a_flag_a_file_or_the_environment_and_a_flag_wins() {
    let dir = TempDir::new("token-sources");
    let file = dir.path().join("token");
    std::fs::write(&file, "from-a-file-0123456789\nignored second line\n").unwrap();
    let file = file.to_str().unwrap().to_owned();
    for (args, token) in [
        (vec!["--admin-token", "from-a-flag-0123456789"], "from-a-flag-0123456789"),
        (vec!["--admin-token-file", file.as_str()], "from-a-file-0123456789"),
        (vec![], common::TOKEN),
    ] {
        let server = Server::start(&dir, &args);
        let bearer = format!("Bearer {token}");
        assert_eq!(server.request("GET", "/api/v3/keys", &[("Authorization", &bearer)], b"").status, 200, "{args:?}");
        if !args.is_empty() {
            assert_eq!(server.read("/api/v3/keys").status, 401, "{args:?}: the flag overrides the environment");
        }
    }
}

#[test]
fn sigterm_stops_it_cleanly_after_one_stdout_line() {
    let dir = TempDir::new("sigterm");
    let server = Server::start(&dir, &[]);
    assert_eq!(server.send(&batch("k", "dev", None, vec![ss(1, 1.0)])).status, 200);
    let killed = Command::new("kill").args(["-TERM", &server.pid().to_string()]).status().unwrap();
    assert!(killed.success());
    let (status, rest) = server.wait();
    assert!(status.success(), "{status}");
    assert_eq!(rest, "", "the ready line is the only line on stdout");
}

#[test]
fn a_restart_on_the_same_database_keeps_the_data() {
    let dir = TempDir::new("restart");
    let first = Server::start(&dir, &[]);
    assert_eq!(first.send(&batch("k", "dev", Some("u"), vec![ss(1, 10.0), se(1, 20.0, 10.0), ss(2, 30.0)])).status, 200);
    let before = (first.sessions("api_key=k"), first.usage("k"));
    // Killed outright (SIGKILL), as a crash would: a committed batch is in the WAL already.
    drop(first);

    let second = Server::start(&dir, &[]);
    assert_eq!((second.sessions("api_key=k"), second.usage("k")), before);
    // And it goes on deduplicating against what the first run stored.
    assert_eq!(second.send(&batch("k", "dev", Some("u"), vec![ss(1, 99.0), se(2, 40.0, 10.0)])).status, 200);
    let sessions = second.sessions("api_key=k");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["start"], json!(10.0));
    assert_eq!((&sessions[1]["end"], &sessions[1]["open"]), (&json!(40.0), &json!(false)));
}

#[test]
fn a_port_in_use_is_an_error_not_a_hang() {
    let dir = TempDir::new("port-in-use");
    let server = Server::start(&dir, &[]);
    let port = server.addr.rsplit(':').next().unwrap();
    let db = dir.path().join("second.db");
    let output = run(&["--port", port, "--db", db.to_str().unwrap(), "--root", dir.root().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{stderr}");
    assert!(output.stdout.is_empty());
}
