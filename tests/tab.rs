//! The tab's core on its own (docs/design.md sections 2, 3 and 5): the shared cookie's format,
//! what an answer means, and the façade's decisions, with a host that is a map.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use appboy_wasm::engine::{Session, State, Uuid};
use appboy_wasm::stored::{read_cookie, write_cookie, MAX_COOKIE};
use appboy_wasm::tab::{http_date, retry_after, Arg, Effect, Event, Message, Method, Reply, Tab};
use std::cell::Cell;
use std::collections::BTreeMap;
use support::MapHost;

fn id(n: u8) -> Uuid {
    Uuid::parse(&format!("{n:08x}-0000-4000-8000-000000000000")).unwrap()
}

fn state(user: Option<&str>) -> State {
    let session = Session {
        id: id(1),
        root: id(2),
        seq: u32::MAX,
        ancestors: vec![id(3)],
        started_at: 9_007_199_254_740_000,
        last_activity: 9_007_199_254_740_991,
        ended: true,
    };
    State { session: Some(session), user_id: user.map(String::from) }
}

#[test]
fn the_cookie_round_trips_without_predecessors_and_keeps_within_200_bytes() {
    let user = "u".repeat(32);
    let text = write_cookie(&id(9), &state(Some(&user)));
    assert!(text.len() <= MAX_COOKIE, "{} bytes: {text}", text.len());
    let (device, read) = read_cookie(&text, None).unwrap();
    assert_eq!(device, id(9));
    let mut expected = state(Some(&user));
    expected.session.as_mut().unwrap().ancestors.clear();
    assert_eq!(read, expected);
}

#[test]
fn a_user_too_long_or_needing_escapes_is_left_out_and_the_readers_own_stands() {
    for user in ["u".repeat(33), "a b".into(), "a~b".into(), "é".into()] {
        let text = write_cookie(&id(9), &state(Some(&user)));
        assert!(text.ends_with("~1~"), "{text}");
        assert_eq!(read_cookie(&text, Some("mine")).unwrap().1.user_id.as_deref(), Some("mine"));
    }
    let anonymous = write_cookie(&id(9), &state(None));
    assert_eq!(read_cookie(&anonymous, Some("mine")).unwrap().1.user_id, None);
}

#[test]
fn a_cookie_not_of_this_sdk_is_refused() {
    let good = write_cookie(&id(9), &state(Some("bob")));
    assert!(read_cookie(&format!("1~{}", id(9).to_hyphenated()), None).is_ok(), "a device alone");
    for bad in
        ["", "2~x", "1~not-a-uuid", &good.replace("~1~bob", "~2~bob"), &good.replace("~4294967295~", "~+5~"), &good[..good.len() - 10]]
    {
        assert!(read_cookie(bad, None).is_err(), "{bad}");
    }
    // Times that a double cannot hold, or an end before the start.
    let late = good.replace("9007199254740991", "9007199254740992");
    assert!(read_cookie(&late, None).is_err());
}

#[test]
fn retry_after_in_seconds_or_as_an_http_date_in_any_of_its_three_forms() {
    // 1994-11-06 08:49:37 UTC.
    let at = 784_111_777_000;
    for text in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
        assert_eq!(http_date(text), Some(at), "{text}");
    }
    assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(http_date("Tue, 29 Feb 2028 23:59:60 GMT"), Some(1_835_481_600_000));
    assert_eq!(retry_after("120", 0), Some(120_000));
    assert_eq!(retry_after(" 7 ", 0), Some(7_000));
    assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:47 GMT", at), Some(10_000));
    assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:27 GMT", at), Some(0), "a date past is no wait");
    for bad in ["", "-5", "1.5", "soon", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "06 Nov 1994 25:00:00"] {
        assert_eq!(retry_after(bad, at), None, "{bad}");
    }
}

/// localStorage and cookies as maps.
#[derive(Default)]
struct Browser {
    storage: BTreeMap<String, String>,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn host(&self) -> MapHost<'_> {
        MapHost { storage: &self.storage, cookies: &self.cookies, origin: "https://www.example.test", seed: Cell::new(1) }
    }

    /// Carries out the effects as browser.js does, for storage and cookies.
    fn apply(&mut self, effects: &[Effect]) {
        for effect in effects {
            match effect {
                Effect::Store { key, value } => drop(self.storage.insert(key.clone(), value.clone())),
                Effect::Remove(key) => drop(self.storage.remove(key)),
                Effect::Cookie { name, value: Some(value), .. } => drop(self.cookies.insert(name.clone(), value.clone())),
                Effect::Cookie { name, value: None, .. } => drop(self.cookies.remove(name)),
                _ => {}
            }
        }
    }
}

fn call(tab: &mut Tab, browser: &mut Browser, now: u64, method: Method, a: Arg) -> (Reply, Vec<Effect>) {
    let effects = tab.handle(now, Event::Call(method, a, Arg::Absent), &browser.host());
    browser.apply(&effects.list);
    (effects.reply, effects.list)
}

fn logged(effects: &[Effect]) -> Vec<Message> {
    effects.iter().filter_map(|e| if let Effect::Log { message, .. } = e { Some(*message) } else { None }).collect()
}

const T: u64 = 1_767_225_600_000;

#[test]
fn before_initialize_calls_are_refused_quietly_and_a_flush_callback_hears_true_once() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    let (reply, effects) = call(&mut tab, &mut browser, T, Method::OpenSession, Arg::Absent);
    assert_eq!((reply, logged(&effects)), (Reply::Nothing, vec![]), "logging is off");
    let (_, effects) = call(&mut tab, &mut browser, T, Method::RequestImmediateDataFlush, Arg::Function(7));
    assert_eq!(effects, vec![Effect::Call { function: 7, json: "true".into(), once: true }]);
    // A function nothing keeps is let go.
    let (_, effects) = call(&mut tab, &mut browser, T, Method::ChangeUser, Arg::Function(8));
    assert!(effects.contains(&Effect::Forget(8)), "{effects:?}");
    let (_, effects) = call(&mut tab, &mut browser, T, Method::ToggleLogging, Arg::Absent);
    assert_eq!(logged(&effects), vec![Message::LoggingEnabled]);
    let (_, effects) = call(&mut tab, &mut browser, T, Method::GetUserId, Arg::Absent);
    assert_eq!(logged(&effects), vec![Message::NotInitialized]);
    let (reply, effects) = call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("  ".into()));
    assert_eq!((reply, logged(&effects)), (Reply::Bool(false), vec![Message::NoApiKey]));
}

#[test]
fn a_session_is_stored_shared_in_the_cookie_and_listened_for() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    let (reply, effects) = call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()));
    assert_eq!(reply, Reply::Bool(true));
    assert!(effects.contains(&Effect::Listen(true)));
    call(&mut tab, &mut browser, T, Method::OpenSession, Arg::Absent);
    let (Reply::Text(session), _) = call(&mut tab, &mut browser, T, Method::GetSessionId, Arg::Absent) else { panic!("a session") };
    assert!(browser.storage["appboy.KEY.session"].contains(&session));
    let cookie = browser.cookies.values().next().expect("the shared cookie");
    assert!(cookie.contains(&session), "{cookie}");
    // Activity alone within a second is not written to the cookie; a second after the last write it is,
    // when the one timer fires.
    let effects = tab.handle(T + 500, Event::Interaction, &browser.host());
    assert!(!effects.list.iter().any(|e| matches!(e, Effect::Cookie { .. })), "{:?}", effects.list);
    browser.apply(&effects.list);
    // The timer armed at the start (for the flush a second after it) already covers the write.
    assert!(!effects.list.iter().any(|e| matches!(e, Effect::Timer(_))), "{:?}", effects.list);
    let effects = tab.handle(T + 1_000, Event::Timer, &browser.host());
    assert!(
        effects.list.iter().any(|e| matches!(e, Effect::Cookie { value: Some(v), .. } if v.contains(&(T + 500).to_string()))),
        "{:?}",
        effects.list
    );
}

#[test]
fn disable_keeps_the_opt_out_in_braze_cookie_and_the_next_page_stays_out_until_enable() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()));
    let (_, effects) = call(&mut tab, &mut browser, T, Method::DisableSdk, Arg::Absent);
    assert!(effects.contains(&Effect::Listen(false)));
    assert!(browser.cookies.contains_key("ab.optOut"));
    let stored = browser.storage.clone();
    // The next page.
    let mut next = Tab::new();
    let (reply, effects) = call(&mut next, &mut browser, T + 1, Method::Initialize, Arg::Text("KEY".into()));
    assert_eq!(reply, Reply::Bool(false));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Store { .. } | Effect::Fetch { .. })));
    assert_eq!(call(&mut next, &mut browser, T + 1, Method::IsDisabled, Arg::Absent).0, Reply::Bool(true));
    assert_eq!(browser.storage, stored, "nothing stored while disabled");
    call(&mut next, &mut browser, T + 2, Method::EnableSdk, Arg::Absent);
    assert!(!browser.cookies.contains_key("ab.optOut"));
    assert_eq!(call(&mut next, &mut browser, T + 2, Method::Initialize, Arg::Text("KEY".into())).0, Reply::Bool(true));
}
