//! The delivery machine's contract (docs/design.md section 5), input by input. The seeded
//! simulation (tests/simulation.rs) drives it through faults; these pin down each rule.

mod support;

use appboy_wasm::delivery::*;
use appboy_wasm::engine::{Datapoint, Millis};
use appboy_wasm::stored::{OutboxRecord, VERSION};

const T: Millis = 1_767_225_600_000;
const INTERVAL: Millis = 10_000;

fn event(name: &str, n: usize) -> Datapoint {
    support::datapoint(name, n, T)
}

fn machine() -> Delivery {
    Delivery::new("outbox.mine".into(), INTERVAL, 7)
}

fn fetched(step: &Step) -> (u32, Vec<Datapoint>) {
    match &step.send {
        Some(Send::Fetch { request, events }) => (*request, events.clone()),
        other => panic!("expected a fetch, got {other:?}"),
    }
}

fn answer(request: u32, status: Option<u16>) -> Input {
    Input::Answer(Answer { request, status, retry_after: None })
}

/// A machine with `n` datapoints queued and their request sent at T + 1 s.
fn sending(n: usize) -> (Delivery, u32) {
    let mut d = machine();
    let step = d.handle(T, Input::Queue((0..n).map(|i| event("ss", i)).collect()));
    assert!(step.save && step.send.is_none(), "written first, sent a second later");
    assert_eq!(step.timer, Some(T + FLUSH_SOON));
    let step = d.handle(T + FLUSH_SOON, Input::Timer(vec![]));
    let (request, events) = fetched(&step);
    assert_eq!(events.len(), n);
    assert_eq!(step.timer, Some(T + FLUSH_SOON + REQUEST_TIMEOUT), "woken at the deadline");
    (d, request)
}

#[test]
fn a_2xx_empties_the_outbox() {
    let (mut d, request) = sending(3);
    let step = d.handle(T + 2_000, answer(request, Some(204)));
    assert!(step.save && step.timer.is_none());
    assert_eq!(d.outbox(), None, "the outbox goes from storage");
}

#[test]
fn a_request_with_no_answer_by_its_deadline_is_aborted_and_retried() {
    let (mut d, request) = sending(2);
    let deadline = T + FLUSH_SOON + REQUEST_TIMEOUT;
    let step = d.handle(deadline, Input::Timer(vec![]));
    assert!(step.abort && step.failed && step.send.is_none());
    let retry = step.timer.expect("a retry is scheduled");
    assert!(retry > deadline && retry <= deadline + INTERVAL, "{}", retry - deadline);
    // The aborted request's answer (the AbortError) changes nothing.
    let late = d.handle(deadline + 1, answer(request, None));
    assert_eq!(late, Step { timer: Some(retry), ..Step::default() });
    let (again, events) = fetched(&d.handle(retry, Input::Timer(vec![])));
    assert_ne!(again, request);
    assert_eq!(events.len(), 2);
}

#[test]
fn an_answer_to_another_request_is_ignored() {
    let (mut d, request) = sending(1);
    let step = d.handle(T + 2_000, answer(request.wrapping_add(1), Some(200)));
    assert!(!step.save && step.send.is_none());
    assert!(d.outbox().is_some(), "still waiting");
}

#[test]
fn a_refused_batch_is_dropped_and_counted() {
    let (mut d, request) = sending(4);
    let step = d.handle(T + 2_000, answer(request, Some(400)));
    assert_eq!((step.refused, step.dropped, step.failed), (4, 0, false));
    assert_eq!(d.outbox(), None);
}

#[test]
fn a_full_outbox_counts_what_it_drops() {
    let mut d = machine();
    let step = d.handle(T, Input::Queue((0..MAX_OUTBOX_EVENTS + 3).map(|i| event("ss", i)).collect()));
    assert_eq!(step.dropped, 3);
}

#[test]
fn a_clock_set_back_keeps_the_waits_as_long_as_they_were() {
    let (mut d, request) = sending(1);
    let failed = d.handle(T + 2_000, answer(request, Some(503)));
    let wait = failed.timer.unwrap() - (T + 2_000);
    // An hour back: the retry is still `wait` away, not an hour and `wait`.
    let back = T + 2_000 - 3_600_000;
    let step = d.handle(back, Input::LeftBehind);
    assert_eq!(step.timer, Some(back + wait));
}

#[test]
fn an_orphaned_outbox_is_taken_over_written_first_and_removed_after() {
    let mut d = machine();
    let theirs =
        |seen, left| Theirs { name: "outbox.theirs".into(), record: OutboxRecord { v: VERSION, seen, left, events: vec![event("se", 9)] } };
    // At start-up, written 10 s ago by a live tab: left alone, and looked at again when it would
    // be orphaned.
    assert_eq!(d.handle(T - FLUSH_SOON, Input::LeftBehind).timer, Some(T));
    let step = d.handle(T, Input::Timer(vec![theirs(T - 10_000, false)]));
    assert!(step.remove.is_empty() && step.send.is_none());
    assert_eq!(step.timer, Some(T + 20_000));
    // Then quiet for 30 s: taken over and sent.
    let step = d.handle(T + 20_000, Input::Timer(vec![theirs(T - 10_000, false)]));
    assert!(step.save, "ours written before theirs goes");
    assert_eq!(step.remove, vec!["outbox.theirs".to_string()]);
    assert_eq!(fetched(&step).1, vec![event("se", 9)]);
    // A page that was left: at once.
    let mut d = machine();
    let _ = d.handle(T - FLUSH_SOON, Input::LeftBehind);
    let step = d.handle(T, Input::Timer(vec![theirs(T, true)]));
    assert_eq!(step.remove.len(), 1);
}

#[test]
fn its_own_outbox_is_never_taken_over() {
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    let own = Theirs { name: "outbox.mine".into(), record: OutboxRecord { v: VERSION, seen: 0, left: true, events: vec![event("ss", 1)] } };
    let step = d.handle(T + FLUSH_SOON, Input::Timer(vec![own]));
    assert!(step.remove.is_empty());
}

#[test]
fn hiding_sends_a_beacon_and_leaving_marks_the_outbox() {
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    let step = d.handle(T + 10, Input::Hidden);
    assert_eq!(step.send, Some(Send::Beacon(vec![event("ss", 1)])));
    assert!(!d.outbox().unwrap().contains("\"left\":true"));
    let _ = d.handle(T + 20, Input::Left);
    assert!(d.outbox().unwrap().contains("\"left\":true"), "other tabs may take it over");
    let _ = d.handle(T + 30, Input::Shown);
    assert!(!d.outbox().unwrap().contains("\"left\":true"), "back from the back/forward cache");
}

#[test]
fn a_session_lost_to_a_rival_is_withdrawn_only_while_it_has_not_left_the_tab() {
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    let _ = d.handle(T + 5, Input::Queue(vec![event("se", 1)]));
    let step = d.handle(T + 10, Input::Withdraw(vec![event("ss", 1).session_id]));
    assert!(step.save);
    assert_eq!(d.outbox(), None, "its start and end are gone");

    // Too late: past the window, or once a beacon carried it.
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    assert!(!d.handle(T + WITHDRAW_WINDOW, Input::Withdraw(vec![event("ss", 1).session_id])).save);
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    let _ = d.handle(T + 1, Input::Hidden);
    assert!(!d.handle(T + 2, Input::Withdraw(vec![event("ss", 1).session_id])).save);
    assert!(d.outbox().is_some());
}

#[test]
fn a_requested_flush_does_not_wait_for_the_backoff() {
    let (mut d, request) = sending(1);
    let failed = d.handle(T + 2_000, answer(request, None));
    assert!(failed.timer.unwrap() > T + 2_000);
    let step = d.handle(T + 2_001, Input::Flush(vec![], None));
    assert_eq!(fetched(&step).1.len(), 1);
}

#[test]
fn a_flush_with_nothing_waiting_is_answered_at_once() {
    let step = machine().handle(T, Input::Flush(vec![], Some(1)));
    assert_eq!((step.send, step.settled), (None, vec![(1, true)]));
}

#[test]
fn a_flush_is_answered_true_once_everything_that_waited_is_delivered() {
    // More than one request carries: the callback waits for the last answer.
    let mut d = machine();
    let many: Vec<Datapoint> = (0..120).map(|i| event("ss", i)).collect();
    let _ = d.handle(T, Input::Queue(many));
    let step = d.handle(T + 1, Input::Flush(vec![], Some(7)));
    let (first, sent) = fetched(&step);
    assert!(sent.len() < 120 && step.settled.is_empty());
    // Datapoints queued after the flush do not hold it up.
    let _ = d.handle(T + 2, Input::Queue(vec![event("ss", 500)]));
    let step = d.handle(T + 3, answer(first, Some(200)));
    assert!(step.settled.is_empty(), "some still wait");
    let (second, rest) = fetched(&d.handle(step.timer.unwrap(), Input::Timer(vec![])));
    assert_eq!(rest.len(), 121 - sent.len());
    let step = d.handle(T + 5, answer(second, Some(200)));
    assert_eq!(step.settled, vec![(7, true)]);
}

#[test]
fn a_flush_is_answered_false_when_its_request_fails_and_the_data_stays() {
    for failure in [answer(1, Some(503)), answer(1, None)] {
        let mut d = machine();
        let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
        let step = d.handle(T + 1, Input::Flush(vec![], Some(3)));
        assert_eq!(fetched(&step).0, 1);
        let step = d.handle(T + 2, failure);
        assert_eq!(step.settled, vec![(3, false)]);
        assert!(d.outbox().is_some(), "kept for a later flush");
        // Answered once: a later success calls nothing.
        let (again, _) = fetched(&d.handle(T + 3, Input::Flush(vec![], None)));
        assert!(d.handle(T + 4, answer(again, Some(200))).settled.is_empty());
    }
}

#[test]
fn a_flush_whose_request_hangs_is_answered_false_at_the_deadline() {
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    let _ = d.handle(T + 1, Input::Flush(vec![], Some(4)));
    let step = d.handle(T + 1 + REQUEST_TIMEOUT, Input::Timer(vec![]));
    assert!(step.abort);
    assert_eq!(step.settled, vec![(4, false)]);
}

#[test]
fn a_flush_is_answered_false_when_what_it_waited_for_is_refused_or_wiped() {
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    let (request, _) = fetched(&d.handle(T + 1, Input::Flush(vec![], Some(5))));
    assert_eq!(d.handle(T + 2, answer(request, Some(400))).settled, vec![(5, false)]);
    let mut d = machine();
    let _ = d.handle(T, Input::Queue(vec![event("ss", 1)]));
    let _ = d.handle(T + 1, Input::Flush(vec![], Some(6)));
    assert_eq!(d.handle(T + 2, Input::Wipe(vec![])).settled, vec![(6, false)]);
}

#[test]
fn a_flush_waits_for_the_outboxes_it_took_over() {
    let mut d = machine();
    let left =
        Theirs { name: "outbox.gone".into(), record: OutboxRecord { v: VERSION, events: vec![event("se", 9)], seen: T, left: true } };
    let step = d.handle(T, Input::Flush(vec![left], Some(8)));
    assert_eq!(step.remove, ["outbox.gone"]);
    let (request, events) = fetched(&step);
    assert_eq!(events.len(), 1);
    assert_eq!(d.handle(T + 1, answer(request, Some(200))).settled, vec![(8, true)]);
}

#[test]
fn wiping_forgets_everything_and_removes_every_outbox() {
    let (mut d, request) = sending(2);
    let step = d.handle(T + 2_000, Input::Wipe(vec!["outbox.mine".into(), "outbox.theirs".into()]));
    assert!(step.save && step.timer.is_none());
    assert_eq!(step.remove.len(), 2);
    assert_eq!(d.outbox(), None);
    assert_eq!(d.handle(T + 3_000, answer(request, Some(200))), Step::default(), "the wiped request's answer");
}

/// `n`'s start, of `user` (`None`: anonymous).
fn of(user: Option<&str>, n: usize) -> Datapoint {
    Datapoint { user_id: user.map(Into::into), ..event("ss", n) }
}

fn signed() -> Delivery {
    let mut d = machine();
    d.require_signatures();
    d
}

#[test]
fn signed_requests_carry_one_named_users_datapoints_each() {
    let mut d = signed();
    let _ = d.handle(T, Input::Queue(vec![of(None, 1), of(Some("a"), 2), of(None, 3), of(Some("b"), 4), of(Some("a"), 5)]));
    let users = |events: &[Datapoint]| events.iter().map(|e| e.user_id.clone()).collect::<Vec<_>>();
    let (first, events) = fetched(&d.handle(T + FLUSH_SOON, Input::Timer(vec![])));
    assert_eq!(users(&events), [None, Some("a".into()), None], "anonymous ones go with any user's");
    let step = d.handle(T + 2_000, answer(first, Some(200)));
    let (second, events) = fetched(&d.handle(step.timer.unwrap(), Input::Timer(vec![])));
    assert_eq!(users(&events), [Some("b".into())]);
    let step = d.handle(T + 3_000, answer(second, Some(200)));
    let (_, events) = fetched(&d.handle(step.timer.unwrap(), Input::Timer(vec![])));
    assert_eq!(users(&events), [Some("a".into())]);
}

#[test]
fn signed_datapoints_are_never_beaconed() {
    let mut d = signed();
    let _ = d.handle(T, Input::Queue(vec![of(Some("a"), 1)]));
    for input in [Input::Hidden, Input::Left] {
        let step = d.handle(T + 1, input);
        assert!(step.save && step.send.is_none(), "kept in the outbox for the next page");
    }
    assert!(d.outbox().is_some());
}

#[test]
fn a_refused_signature_holds_the_data_until_a_new_one() {
    let mut d = signed();
    let _ = d.handle(T, Input::Queue(vec![of(Some("a"), 1)]));
    let (request, _) = fetched(&d.handle(T + 1, Input::Flush(vec![], Some(9))));
    let step = d.handle(T + 2, Input::SignatureRefused(request));
    assert_eq!((step.settled, step.timer, step.send), (vec![(9, false)], None, None), "no retry on a timer: the same signature would fail");
    assert!(d.outbox().is_some(), "the data stays");
    assert_eq!(d.handle(T + 600_000, Input::Timer(vec![])).send, None);
    // A new signature: sent again at once.
    let step = d.handle(T + 600_001, Input::Signed);
    let (again, events) = fetched(&d.handle(step.timer.unwrap(), Input::Timer(vec![])));
    assert_ne!(again, request);
    assert_eq!(events, [of(Some("a"), 1)]);
    assert!(d.handle(T + 600_002, answer(again, Some(200))).save);
    assert_eq!(d.outbox(), None);
}

#[test]
fn a_refusal_of_another_request_is_ignored() {
    let mut d = signed();
    let _ = d.handle(T, Input::Queue(vec![of(Some("a"), 1)]));
    let (request, _) = fetched(&d.handle(T + 1, Input::Flush(vec![], None)));
    let step = d.handle(T + 2, Input::SignatureRefused(request + 1));
    assert_eq!(step.timer, Some(T + 1 + REQUEST_TIMEOUT), "still waiting for its answer");
    assert!(d.handle(T + 3, Input::Signed).send.is_none(), "nothing was held");
}
