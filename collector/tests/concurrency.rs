//! Many senders at once, re-sending the same datapoints: each is stored exactly once.

mod common;

use common::{batch, se, ss, Server, TempDir};
use serde_json::{json, Value};

const THREADS: u64 = 8;
const REQUESTS: u64 = 50;
const SESSIONS: u64 = 100;

fn user(n: u64) -> String {
    format!("u{}", n % 4)
}

/// Sessions are sent in pairs (2k, 2k + 1), each pair from one device.
fn device(n: u64) -> String {
    format!("d{}", (n / 2) % 3)
}

/// Session `n`, started at `1000 + n`; the even ones ended after `n` seconds.
fn datapoints(n: u64) -> Vec<Value> {
    let start = 1000.0 + n as f64;
    let mut events = vec![ss(n, start)];
    if n.is_multiple_of(2) {
        events.push(se(n, start + n as f64, n as f64));
    }
    for event in &mut events {
        event["user_id"] = json!(user(n));
    }
    events
}

#[test]
fn concurrent_senders_store_each_datapoint_once() {
    let dir = TempDir::new("concurrent");
    let server = Server::start(&dir, &[]);
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let server = &server;
            scope.spawn(move || {
                // Each thread sends every pair once, starting at its own offset: every datapoint
                // arrives eight times, from different threads at different moments.
                for request in 0..REQUESTS {
                    let first = (2 * (request + thread * 6)) % SESSIONS;
                    let events = [datapoints(first), datapoints(first + 1)].concat();
                    let response = server.send(&batch("k", &device(first), None, events));
                    assert_eq!(response.status, 200, "{}", response.text());
                }
            });
        }
    });

    let sessions = server.sessions("api_key=k");
    assert_eq!(sessions.len() as u64, SESSIONS);
    assert_eq!(sessions.iter().filter(|s| s["open"] == json!(true)).count() as u64, SESSIONS / 2);
    let usage = server.usage("k");
    check(&usage["users"], "user_id", 4, user);
    check(&usage["devices"], "device_id", 3, device);
}

/// Each group's tally against what the sessions sent make it.
fn check(groups: &Value, field: &str, count: usize, group_of: fn(u64) -> String) {
    let groups = groups.as_array().unwrap();
    assert_eq!(groups.len(), count, "{groups:?}");
    for entry in groups {
        let members: Vec<u64> = (0..SESSIONS).filter(|&n| json!(group_of(n)) == entry[field]).collect();
        let mut ended: Vec<u64> = members.iter().copied().filter(|n| n.is_multiple_of(2)).collect();
        ended.sort();
        let median = match ended.len() {
            0 => None,
            len if len % 2 == 1 => Some(ended[len / 2] as f64),
            len => Some((ended[len / 2 - 1] + ended[len / 2]) as f64 / 2.0),
        };
        let expected = json!({
            field: entry[field], "sessions": members.len(), "open": members.len() - ended.len(),
            "total_seconds": ended.iter().sum::<u64>() as f64, "median_seconds": median,
        });
        assert_eq!(entry, &expected);
    }
}
