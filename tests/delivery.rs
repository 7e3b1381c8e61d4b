//! The delivery policy of docs/design.md section 5, with explicit time.
#![cfg(not(target_arch = "wasm32"))] // proptest runs natively

mod support;

use appboy_wasm::delivery::*;
use appboy_wasm::engine::{Datapoint, Millis};
use proptest::prelude::*;

fn event(name: &str, n: usize) -> Datapoint {
    support::datapoint(name, n, 1_767_225_600_000)
}

#[test]
fn answers_are_classified() {
    for ok in [200, 201, 204, 299] {
        assert_eq!(classify(Some(ok)), Outcome::Delivered);
    }
    for again in [None, Some(408), Some(429), Some(500), Some(502), Some(503), Some(599)] {
        assert_eq!(classify(again), Outcome::Retry, "{again:?}");
    }
    for never in [Some(400), Some(401), Some(403), Some(404), Some(413), Some(302), Some(100)] {
        assert_eq!(classify(never), Outcome::Rejected, "{never:?}");
    }
}

#[test]
fn backoff_doubles_with_jitter_up_to_a_cap() {
    let mut b = Backoff::default();
    // With no jitter the wait is half the step; with full jitter, the whole step.
    assert_eq!(b.failed(0, 10_000, None, 0.0), 5_000);
    assert_eq!(b.failed(0, 10_000, None, 0.0), 10_000);
    assert_eq!(b.failed(0, 10_000, None, 0.999_999), 39_999);
    for _ in 0..30 {
        let at = b.failed(1_000, 10_000, None, 0.999);
        assert!(at - 1_000 <= MAX_BACKOFF, "{at}");
    }
    assert_eq!(b.failed(0, 10_000, None, 0.0), MAX_BACKOFF / 2, "capped");
    b.succeeded();
    assert_eq!(b.failed(0, 10_000, None, 0.0), 5_000, "success starts over");
}

#[test]
fn retry_after_is_honoured_and_capped() {
    let mut b = Backoff::default();
    assert_eq!(b.failed(0, 10_000, Some(120_000), 0.0), 120_000);
    assert_eq!(b.failed(0, 10_000, Some(1_000), 0.0), 10_000, "never sooner than the backoff");
    assert_eq!(b.failed(0, 10_000, Some(10 * 24 * 3_600_000), 0.0), MAX_RETRY_AFTER);
    assert_eq!(Backoff::default().failed(0, 10_000, None, f64::NAN), 5_000);
}

#[test]
fn the_outbox_keeps_one_of_each_datapoint_in_order() {
    let mut events = vec![event("ss", 1)];
    assert_eq!(add(&mut events, [event("ss", 1), event("se", 1), event("ss", 2)]), 0);
    assert_eq!(events, vec![event("ss", 1), event("se", 1), event("ss", 2)]);
    remove(&mut events, &[event("se", 1)]);
    assert_eq!(events, vec![event("ss", 1), event("ss", 2)]);
}

#[test]
fn a_full_outbox_drops_the_oldest() {
    let mut events = Vec::new();
    let dropped = add(&mut events, (0..MAX_OUTBOX_EVENTS + 10).map(|n| event("ss", n)));
    assert_eq!(dropped, 10);
    assert_eq!(events.len(), MAX_OUTBOX_EVENTS);
    assert_eq!(events[0], event("ss", 10));
    // By bytes too: long user ids fill it sooner.
    let mut big = Vec::new();
    let long = |n| Datapoint { user_id: Some("u".repeat(900)), ..event("ss", n) };
    let dropped = add(&mut big, (0..400).map(long));
    assert!(dropped > 0 && big.len() < 400);
    assert_eq!(big.last(), Some(&long(399)), "the newest are kept");
}

#[test]
fn a_batch_fits_a_beacon() {
    assert_eq!(batch_len(&[]), 0);
    let events: Vec<Datapoint> = (0..500).map(|n| event("ss", n)).collect();
    assert_eq!(batch_len(&events), MAX_BATCH_EVENTS);
    let long: Vec<Datapoint> = (0..100).map(|n| Datapoint { user_id: Some("u".repeat(990)), ..event("ss", n) }).collect();
    let n = batch_len(&long);
    let bytes: usize = long[..n].iter().map(|e| appboy_wasm::json::object(|o| appboy_wasm::wire::write_datapoint(e, o)).len() + 1).sum();
    assert!(n < 100 && bytes <= MAX_BATCH_BYTES, "{n} events, {bytes} bytes");
}

#[test]
fn an_outbox_is_orphaned_when_its_tab_left_or_went_quiet() {
    let interval = 1_000;
    assert_eq!(orphaned_at(1_000, true, interval), 0, "left: at once");
    assert_eq!(orphaned_at(1_000, false, interval), 31_000, "quiet for 30 s");
    assert_eq!(orphaned_at(1_000, false, 20_000), 61_000, "three intervals when they are longer");
    assert_eq!(orphaned_at(Millis::MAX, false, interval), Millis::MAX);
}

proptest! {
    #[test]
    fn adding_and_removing_loses_nothing_else(adds in prop::collection::vec(0..50usize, 0..80), removes in prop::collection::vec(0..50usize, 0..20)) {
        let mut events = Vec::new();
        add(&mut events, adds.iter().map(|&n| event("ss", n)));
        let before = events.clone();
        let gone: Vec<Datapoint> = removes.iter().map(|&n| event("ss", n)).collect();
        remove(&mut events, &gone);
        let expected: Vec<Datapoint> = before.into_iter().filter(|e| !removes.iter().any(|&n| *e == event("ss", n))).collect();
        prop_assert_eq!(events, expected);
    }
}
