//! What a client cannot do to the collector: hold connections open with requests it never
//! finishes, stall a body, or flood the data endpoint.

mod common;

use common::{batch, ss, Server, TempDir};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Whether the server closed `stream` (end of stream or reset) within `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn connections_that_never_finish_their_request_head_are_closed() {
    let dir = TempDir::new("half-open");
    let server = Server::start(&dir, &["--request-timeout", "1"]);
    let mut held: Vec<TcpStream> = (0..400)
        .map(|_| {
            let mut stream = TcpStream::connect(&server.addr).unwrap();
            stream.write_all(b"POST /api/v3/data/ HTTP/1.1\r\nHost: x\r\n").unwrap();
            stream
        })
        .collect();
    let open = held.iter_mut().map(|s| closed_within(s, Duration::from_secs(10))).filter(|closed| !closed).count();
    assert_eq!(open, 0, "connections still held");
    // And the collector still serves.
    assert_eq!(server.send(&batch("k", "dev", None, vec![ss(1, 1.0)])).status, 200);
}

#[test]
fn a_body_that_stalls_is_answered_408_and_closed() {
    let dir = TempDir::new("stalled-body");
    let server = Server::start(&dir, &["--request-timeout", "1"]);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .write_all(
            b"POST /api/v3/data/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"api_key\":",
        )
        .unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("the body did not arrive within 1 s"), "{answer}");
}

#[test]
fn a_flood_is_slowed_with_429_and_retry_after_and_passes_again_after_the_wait() {
    let dir = TempDir::new("flood");
    let server = Server::start(&dir, &["--rate-limit", "5"]);
    let body = batch("k", "dev", None, vec![ss(1, 1.0)]);
    let started = Instant::now();
    let answers: Vec<_> = (0..120).map(|_| server.send(&body)).collect();
    let elapsed = started.elapsed().as_secs_f64();
    let passed = answers.iter().filter(|a| a.status == 200).count();
    // Ten seconds' worth at once, then five a second.
    assert!(passed >= 50 && passed as f64 <= 50.0 + 5.0 * elapsed + 1.0, "{passed} passed in {elapsed:.2} s");
    let slowed: Vec<_> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(passed + slowed.len(), answers.len());
    let wait: u64 = slowed[0].header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(slowed[0].error(), "too many requests from this address");
    std::thread::sleep(Duration::from_secs(wait));
    assert_eq!(server.send(&body).status, 200, "after the wait");
}
