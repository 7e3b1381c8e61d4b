//! One test for every rule of docs/design.md section 1 that the engine owns, with explicit time.

use appboy_wasm::engine::*;

const MIN: Millis = 60_000;
const T0: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn engine() -> Engine {
    Engine::new(session_timeout(None).0, [1; 16])
}

fn names(out: &Output) -> Vec<&'static str> {
    out.datapoints.iter().map(|d| d.name()).collect()
}

#[test]
fn open_session_starts_a_session_at_the_call() {
    let mut e = engine();
    let out = e.handle(T0, Input::Open);
    assert_eq!(names(&out), ["ss"]);
    assert_eq!(out.datapoints[0].time, T0);
    assert_eq!(e.session().map(|s| s.started_at), Some(T0));
    assert_eq!(out.timer, Some(T0 + 30 * MIN));
    assert!(out.persist);
}

#[test]
fn a_second_open_continues_the_session() {
    let mut e = engine();
    let first = e.handle(T0, Input::Open).datapoints[0].session_id;
    let out = e.handle(T0 + MIN, Input::Open);
    assert!(out.datapoints.is_empty());
    assert_eq!(e.session().map(|s| s.id), Some(first));
}

#[test]
fn default_timeout_is_thirty_minutes() {
    assert_eq!(session_timeout(None), (1_800_000, TimeoutChoice::Default));
}

#[test]
fn timeout_is_taken_in_seconds() {
    assert_eq!(session_timeout(Some(900.0)), (900_000, TimeoutChoice::Given));
    assert_eq!(session_timeout(Some(1.5)), (1_500, TimeoutChoice::Given));
}

#[test]
fn timeout_below_one_second_is_raised_to_one() {
    for low in [0.2, 0.0, -5.0, f64::MIN] {
        assert_eq!(session_timeout(Some(low)), (1_000, TimeoutChoice::Raised), "{low}");
    }
}

#[test]
fn non_finite_timeout_means_the_default() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(session_timeout(Some(bad)), (1_800_000, TimeoutChoice::Invalid));
    }
}

#[test]
fn activity_before_open_session_does_nothing() {
    let mut e = engine();
    for input in [Input::Activity, Input::Shown, Input::Hidden, Input::TimerFired] {
        let out = e.handle(T0, input);
        assert_eq!(out, Output::default());
    }
    assert!(e.state().session.is_none());
}

#[test]
fn return_within_the_timeout_continues_the_session() {
    let mut e = engine();
    let id = e.handle(T0, Input::Open).datapoints[0].session_id;
    let _ = e.handle(T0 + MIN, Input::Hidden);
    let out = e.handle(T0 + MIN + 29 * MIN, Input::Shown);
    assert!(out.datapoints.is_empty());
    assert_eq!(e.session().map(|s| s.id), Some(id));
}

#[test]
fn return_after_the_timeout_ends_the_session_when_the_user_left() {
    let mut e = engine();
    let old = e.handle(T0, Input::Open).datapoints[0].session_id;
    let _ = e.handle(T0 + 5 * MIN, Input::Activity);
    let _ = e.handle(T0 + 6 * MIN, Input::Hidden);
    let back = T0 + 6 * MIN + 31 * MIN;
    let out = e.handle(back, Input::Shown);
    assert_eq!(names(&out), ["se", "ss"]);
    let (end, start) = (&out.datapoints[0], &out.datapoints[1]);
    assert_eq!((end.session_id, end.time, &end.kind), (old, T0 + 6 * MIN, &Kind::End { duration: 6 * MIN }));
    assert_eq!(start.time, back);
    assert_ne!(start.session_id, old);
}

#[test]
fn a_session_with_a_single_activity_is_back_dated_too() {
    // Braze Web SDK 3.5.1 stamps this end at the return with `d: null`.
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let out = e.handle(T0 + 31 * MIN, Input::Open);
    assert_eq!(names(&out), ["se", "ss"]);
    assert_eq!(out.datapoints[0].time, T0);
    assert_eq!(out.datapoints[0].kind, Kind::End { duration: 0 });
}

#[test]
fn a_gap_of_exactly_the_timeout_splits() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    assert_eq!(names(&e.handle(T0 + 30 * MIN - 1, Input::Activity)), Vec::<&str>::new());
    assert_eq!(names(&e.handle(T0 + 60 * MIN - 1, Input::Activity)), ["se", "ss"]);
}

#[test]
fn a_custom_timeout_applies_to_every_rule() {
    let mut e = Engine::new(session_timeout(Some(900.0)).0, [1; 16]);
    let _ = e.handle(T0, Input::Open);
    assert!(e.handle(T0 + 14 * MIN, Input::Shown).datapoints.is_empty());
    assert_eq!(names(&e.handle(T0 + 29 * MIN, Input::Shown)), ["se", "ss"]);
}

#[test]
fn the_timer_closes_an_expired_session_on_time_dated_at_the_last_activity() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let timer = e.handle(T0 + 2 * MIN, Input::Activity).timer;
    assert_eq!(timer, Some(T0 + 32 * MIN));
    let out = e.handle(T0 + 32 * MIN, Input::TimerFired);
    assert_eq!(names(&out), ["se"]);
    assert_eq!(out.datapoints[0].time, T0 + 2 * MIN);
    assert_eq!(out.timer, None);
    assert!(out.persist);
    assert!(e.session().is_none());
}

#[test]
fn a_timer_that_fires_early_changes_nothing() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let out = e.handle(T0 + 29 * MIN, Input::TimerFired);
    assert!(out.datapoints.is_empty());
    assert_eq!(out.timer, Some(T0 + 30 * MIN));
}

#[test]
fn the_next_activity_after_an_on_time_close_opens_a_new_session() {
    let mut e = engine();
    let old = e.handle(T0, Input::Open).datapoints[0].session_id;
    let _ = e.handle(T0 + 30 * MIN, Input::TimerFired);
    let out = e.handle(T0 + 40 * MIN, Input::Activity);
    assert_eq!(names(&out), ["ss"]);
    assert_eq!(out.datapoints[0].time, T0 + 40 * MIN);
    let new = e.session().unwrap();
    assert_eq!((new.root, new.seq), (old, 1));
}

#[test]
fn hiding_the_page_records_when_the_user_left_but_opens_nothing() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let out = e.handle(T0 + 100, Input::Hidden);
    assert!(out.persist, "the departure is written at once, even under a second after the last write");
    assert_eq!(e.session().map(|s| s.last_activity), Some(T0 + 100));
    // Hidden again after the session expired: it ends (back-dated) and no session is opened.
    let out = e.handle(T0 + 100 + 31 * MIN, Input::Hidden);
    assert_eq!(names(&out), ["se"]);
    assert!(e.session().is_none());
}

#[test]
fn a_back_forward_cache_return_runs_the_rule() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let _ = e.handle(T0 + MIN, Input::Hidden);
    assert_eq!(names(&e.handle(T0 + 45 * MIN, Input::Shown)), ["se", "ss"]);
}

#[test]
fn change_user_to_a_new_id_ends_the_session_now_and_opens_one_for_the_user() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let out = e.handle(T0 + 3 * MIN, Input::ChangeUser("user-42"));
    assert_eq!(names(&out), ["se", "ss"]);
    let (end, start) = (&out.datapoints[0], &out.datapoints[1]);
    assert_eq!((end.time, &end.kind, &end.user_id), (T0 + 3 * MIN, &Kind::End { duration: 3 * MIN }, &None));
    assert_eq!((start.time, start.user_id.as_deref()), (T0 + 3 * MIN, Some("user-42")));
    assert_eq!(e.state().user_id.as_deref(), Some("user-42"));
}

#[test]
fn change_user_to_the_same_id_does_nothing() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let _ = e.handle(T0, Input::ChangeUser("user-42"));
    let id = e.session().map(|s| s.id);
    assert!(e.handle(T0 + MIN, Input::ChangeUser("user-42")).datapoints.is_empty());
    assert_eq!(e.session().map(|s| s.id), id);
}

#[test]
fn change_user_before_open_only_sets_the_user() {
    let mut e = engine();
    let out = e.handle(T0, Input::ChangeUser("user-42"));
    assert!(out.datapoints.is_empty() && out.persist);
    let out = e.handle(T0, Input::Open);
    assert_eq!(out.datapoints[0].user_id.as_deref(), Some("user-42"));
}

#[test]
fn change_user_after_expiry_back_dates_the_old_end() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let out = e.handle(T0 + 40 * MIN, Input::ChangeUser("user-42"));
    assert_eq!(names(&out), ["se", "ss"]);
    assert_eq!(out.datapoints[0].time, T0);
    assert_eq!(out.datapoints[1].time, T0 + 40 * MIN);
}

#[test]
fn time_going_backwards_never_makes_a_negative_duration_or_an_early_end() {
    let mut e = engine();
    let _ = e.handle(T0, Input::Open);
    let _ = e.handle(T0 + 10 * MIN, Input::Activity);
    // The clock is set back an hour: the reading counts as the last activity.
    assert!(e.handle(T0 - 60 * MIN, Input::Activity).datapoints.is_empty());
    assert_eq!(e.session().map(|s| s.last_activity), Some(T0 + 10 * MIN));
    let out = e.handle(T0 + 10 * MIN + 30 * MIN, Input::Activity);
    assert_eq!(names(&out), ["se", "ss"]);
    assert_eq!(out.datapoints[0].kind, Kind::End { duration: 10 * MIN });
    assert!(out.datapoints[0].time <= out.datapoints[1].time);
}

#[test]
fn tabs_returning_together_emit_identical_datapoints() {
    let mut first = engine();
    let _ = first.handle(T0, Input::Open);
    let _ = first.handle(T0 + MIN, Input::Hidden);
    let stored = first.state().clone();
    // Two tabs with different entropy load the same stored state and return a moment apart.
    let mut tabs = [Engine::new(1_800_000, [2; 16]), Engine::new(1_800_000, [3; 16])];
    let outs: Vec<Output> = tabs
        .iter_mut()
        .enumerate()
        .map(|(i, tab)| {
            let _ = tab.handle(T0 + 40 * MIN, Input::Restore(stored.clone()));
            tab.handle(T0 + 40 * MIN + i as Millis, Input::Open)
        })
        .collect();
    assert_eq!(outs[0].datapoints[0], outs[1].datapoints[0], "the same se");
    assert_eq!(outs[0].datapoints[1].session_id, outs[1].datapoints[1].session_id, "the same new session");
}

#[test]
fn a_tab_adopts_the_successor_another_tab_opened_without_ending_it_again() {
    let mut a = engine();
    let _ = a.handle(T0, Input::Open);
    let mut b = Engine::new(1_800_000, [9; 16]);
    let _ = b.handle(T0, Input::Restore(a.state().clone()));
    let _ = b.handle(T0 + MIN, Input::Open);
    let _ = a.handle(T0 + 2 * MIN, Input::ChangeUser("user-42"));
    let out = b.handle(T0 + 2 * MIN, Input::Restore(a.state().clone()));
    assert!(out.datapoints.is_empty());
    assert!(!out.persist, "nothing to write back: the tabs agree");
    assert_eq!(b.state(), a.state());
}

#[test]
fn rival_first_sessions_converge_and_the_loser_is_ended() {
    let mut a = engine();
    let mut b = Engine::new(1_800_000, [9; 16]);
    let _ = a.handle(T0, Input::Open);
    let _ = b.handle(T0 + 5, Input::Open);
    let lost = a.session().map(|s| s.id);
    let out = a.handle(T0 + 10, Input::Restore(b.state().clone()));
    assert_eq!(names(&out), ["se"]);
    assert_eq!(Some(out.datapoints[0].session_id), lost);
    assert_eq!(a.state(), b.state());
    let out = b.handle(T0 + 10, Input::Restore(a.state().clone()));
    assert_eq!(out, Output { datapoints: vec![], persist: false, timer: Some(T0 + 5 + 30 * MIN), rival: vec![] });
}

#[test]
fn activity_from_another_tab_keeps_the_session_alive() {
    let mut a = engine();
    let _ = a.handle(T0, Input::Open);
    let mut b = Engine::new(1_800_000, [9; 16]);
    let _ = b.handle(T0, Input::Restore(a.state().clone()));
    let _ = b.handle(T0 + 20 * MIN, Input::Open);
    let out = a.handle(T0 + 20 * MIN, Input::Restore(b.state().clone()));
    assert_eq!(out.timer, Some(T0 + 50 * MIN));
    assert!(a.handle(T0 + 30 * MIN, Input::TimerFired).datapoints.is_empty());
}

#[test]
fn every_change_is_persisted_and_nothing_else() {
    let mut e = engine();
    assert!(e.handle(T0, Input::Open).persist);
    assert!(e.handle(T0 + 1, Input::Activity).persist, "another tab must not end a session this tab just used");
    assert!(!e.handle(T0 + 1, Input::Activity).persist, "the same instant again");
    assert!(e.handle(T0 + 1_600, Input::Hidden).persist);
    assert!(!e.handle(T0 + 1_600, Input::Hidden).persist);
    assert!(!e.handle(T0 + 1_000, Input::Shown).persist, "a clock behind changes nothing");
}

#[test]
fn fresh_sessions_of_different_tabs_get_different_ids() {
    let mut a = Engine::new(1_800_000, [1; 16]);
    let mut b = Engine::new(1_800_000, [2; 16]);
    let ida = a.handle(T0, Input::Open).datapoints[0].session_id;
    let idb = b.handle(T0, Input::Open).datapoints[0].session_id;
    assert_ne!(ida, idb);
    assert_eq!(Uuid::parse(&ida.to_hyphenated()), Some(ida));
}
