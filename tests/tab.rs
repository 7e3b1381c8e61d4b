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
    user_agent: String,
}

impl Browser {
    fn host(&self) -> MapHost<'_> {
        let (storage, cookies, user_agent) = (&self.storage, &self.cookies, self.user_agent.as_str());
        MapHost { storage, cookies, origin: "https://www.example.test", user_agent, seed: Cell::new(1) }
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
    call_with(tab, browser, now, method, a, Arg::Absent)
}

fn call_with(tab: &mut Tab, browser: &mut Browser, now: u64, method: Method, a: Arg, b: Arg) -> (Reply, Vec<Effect>) {
    let effects = tab.handle(now, Event::Call(method, a, b), &browser.host());
    let list = effects.list();
    browser.apply(&list);
    (effects.reply, list)
}

fn options(fields: &[(&str, Arg)]) -> Arg {
    Arg::Object(fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

fn logged(effects: &[Effect]) -> Vec<Message> {
    effects.iter().filter_map(|e| if let Effect::Log { message, .. } = e { Some(*message) } else { None }).collect()
}

const T: u64 = 1_767_225_600_000;

#[test]
fn before_initialize_calls_are_refused_said_once_and_a_flush_callback_hears_true_once() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    // The commonest mistake of a first integration is said, logging off, once a page.
    let (reply, effects) = call(&mut tab, &mut browser, T, Method::OpenSession, Arg::Absent);
    assert_eq!((reply, logged(&effects)), (Reply::Nothing, vec![Message::NotInitialized]), "logging is off");
    let (_, effects) = call(&mut tab, &mut browser, T, Method::RequestImmediateDataFlush, Arg::Function(7));
    assert_eq!(effects, vec![Effect::Call { function: 7, json: "true".into(), once: true }], "said once");
    // A function nothing keeps is let go.
    let (_, effects) = call(&mut tab, &mut browser, T, Method::ChangeUser, Arg::Function(8));
    assert!(effects.contains(&Effect::Forget(8)), "{effects:?}");
    let (_, effects) = call(&mut tab, &mut browser, T, Method::ToggleLogging, Arg::Absent);
    assert_eq!(logged(&effects), vec![Message::LoggingEnabled]);
    let (_, effects) = call(&mut tab, &mut browser, T, Method::GetUserId, Arg::Absent);
    assert_eq!(logged(&effects), vec![], "once a page, logging on too");
    let (reply, effects) = call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("  ".into()));
    assert_eq!((reply, logged(&effects)), (Reply::Bool(false), vec![Message::NoApiKey]));
}

#[test]
fn open_session_again_within_the_same_millisecond_hands_the_browser_no_bytes() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()));
    call(&mut tab, &mut browser, T + 1, Method::OpenSession, Arg::Absent);
    // The same open session and the same last activity: nothing to store, send or arm (a page
    // calling it in a loop makes no call from the wasm into JavaScript at all).
    for _ in 0..3 {
        let effects = tab.handle(T + 1, Event::Call(Method::OpenSession, Arg::Absent, Arg::Absent), &browser.host());
        assert_eq!((&effects.reply, effects.bytes()), (&Reply::Nothing, &[][..]), "{:?}", effects.list());
    }
    // A millisecond later the activity is stored: other tabs read it.
    let effects = tab.handle(T + 2, Event::Call(Method::OpenSession, Arg::Absent, Arg::Absent), &browser.host());
    assert!(matches!(&effects.list()[..], [Effect::Store { key, .. }] if key == "appboy.KEY.session"), "{:?}", effects.list());
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
    let list = effects.list();
    assert!(!list.iter().any(|e| matches!(e, Effect::Cookie { .. })), "{list:?}");
    browser.apply(&list);
    // The timer armed at the start (for the flush a second after it) already covers the write.
    assert!(!list.iter().any(|e| matches!(e, Effect::Timer(_))), "{list:?}");
    let list = tab.handle(T + 1_000, Event::Timer, &browser.host()).list();
    assert!(list.iter().any(|e| matches!(e, Effect::Cookie { value: Some(v), .. } if v.contains(&(T + 500).to_string()))), "{list:?}");
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

const GOOGLEBOT: &str = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) \
                         Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

#[test]
fn a_crawler_is_not_tracked_and_every_later_call_is_quiet_unless_crawlers_are_allowed() {
    for agent in [GOOGLEBOT, "Mozilla/5.0 (compatible; BINGBOT/2.0; +http://www.bing.com/bingbot.htm)", "facebookexternalhit/1.1"] {
        let (mut tab, mut browser) = (Tab::new(), Browser { user_agent: agent.into(), ..Browser::default() });
        let (reply, effects) = call_with(
            &mut tab,
            &mut browser,
            T,
            Method::Initialize,
            Arg::Text("KEY".into()),
            options(&[("enableLogging", Arg::Bool(true))]),
        );
        assert_eq!((reply, logged(&effects)), (Reply::Bool(false), vec![Message::Crawler]), "{agent}");
        let mut quiet = vec![];
        for method in [Method::OpenSession, Method::ChangeUser, Method::GetSessionId, Method::Initialize, Method::WipeData, Method::Logout]
        {
            quiet.extend(call(&mut tab, &mut browser, T + 1, method, Arg::Text("bob".into())).1);
        }
        assert_eq!(quiet, vec![], "{agent}: nothing stored, sent or said");
        assert_eq!(call(&mut tab, &mut browser, T + 1, Method::IsInitialized, Arg::Absent).0, Reply::Bool(false));
        let (_, effects) = call(&mut tab, &mut browser, T + 1, Method::RequestImmediateDataFlush, Arg::Function(4));
        assert_eq!(effects, vec![Effect::Call { function: 4, json: "true".into(), once: true }], "nothing waits");
        assert!(browser.storage.is_empty() && browser.cookies.is_empty(), "{agent}");

        let (mut tab, mut browser) = (Tab::new(), Browser { user_agent: agent.into(), ..Browser::default() });
        let allowed = options(&[("allowCrawlerActivity", Arg::Bool(true))]);
        assert_eq!(call_with(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()), allowed).0, Reply::Bool(true));
    }
    let (mut tab, mut browser) =
        (Tab::new(), Browser { user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0".into(), ..Browser::default() });
    assert_eq!(call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into())).0, Reply::Bool(true));
}

#[test]
fn with_no_cookies_not_even_the_opt_out_is_a_cookie() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    let no_cookies = || options(&[("noCookies", Arg::Bool(true))]);
    call_with(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()), no_cookies());
    call(&mut tab, &mut browser, T, Method::OpenSession, Arg::Absent);
    call(&mut tab, &mut browser, T, Method::DisableSdk, Arg::Absent);
    assert!(browser.cookies.is_empty(), "{:?}", browser.cookies);
    assert!(browser.storage.contains_key("ab.optOut"));
    // The next page is out, and back in with enableSDK(), still without a cookie.
    let mut next = Tab::new();
    assert_eq!(call_with(&mut next, &mut browser, T + 1, Method::Initialize, Arg::Text("KEY".into()), no_cookies()).0, Reply::Bool(false));
    call(&mut next, &mut browser, T + 2, Method::EnableSdk, Arg::Absent);
    assert!(!browser.storage.contains_key("ab.optOut"));
    assert_eq!(call_with(&mut next, &mut browser, T + 2, Method::Initialize, Arg::Text("KEY".into()), no_cookies()).0, Reply::Bool(true));
    call(&mut next, &mut browser, T + 2, Method::Logout, Arg::Absent);
    assert!(browser.cookies.is_empty(), "{:?}", browser.cookies);
}

#[test]
fn is_initialized_follows_initialize_disable_and_destroy() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    let initialized = |tab: &mut Tab, browser: &mut Browser| call(tab, browser, T, Method::IsInitialized, Arg::Absent).0;
    assert_eq!(initialized(&mut tab, &mut browser), Reply::Bool(false));
    call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()));
    assert_eq!(initialized(&mut tab, &mut browser), Reply::Bool(true));
    call(&mut tab, &mut browser, T, Method::Destroy, Arg::Absent);
    assert_eq!(initialized(&mut tab, &mut browser), Reply::Bool(false));
    call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()));
    call(&mut tab, &mut browser, T, Method::DisableSdk, Arg::Absent);
    assert_eq!(initialized(&mut tab, &mut browser), Reply::Bool(false));
}

#[test]
fn logout_wipes_disables_and_then_calls_success_and_lets_error_go() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    // Before initialize: nothing happens, and neither function is called.
    let (_, effects) = call_with(&mut tab, &mut browser, T, Method::Logout, Arg::Function(1), Arg::Function(2));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Call { .. })), "{effects:?}");
    assert!(browser.cookies.is_empty());
    call(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()));
    call(&mut tab, &mut browser, T, Method::OpenSession, Arg::Absent);
    // Another subdomain's tab wrote the shared cookie since: what a flush would take back.
    let cookie = browser.cookies.keys().next().unwrap().clone();
    browser.cookies.insert(cookie.clone(), browser.cookies[&cookie].replace(&T.to_string(), &(T + 3).to_string()));
    let (_, effects) = call_with(&mut tab, &mut browser, T + 5, Method::Logout, Arg::Function(3), Arg::Function(4));
    let calls: Vec<_> = effects.iter().filter(|e| matches!(e, Effect::Call { .. } | Effect::Forget(_))).collect();
    assert_eq!(calls, [&Effect::Forget(4), &Effect::Call { function: 3, json: "null".into(), once: true }]);
    assert!(effects.contains(&Effect::Listen(false)));
    assert!(!browser.storage.keys().any(|k| k.starts_with("appboy.KEY.")), "wiped: {:?}", browser.storage);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Fetch { .. } | Effect::Beacon { .. })), "the wiped session is not sent");
    assert!(browser.cookies.contains_key("ab.optOut"), "disabled");
    assert_eq!(call(&mut tab, &mut browser, T + 6, Method::IsDisabled, Arg::Absent).0, Reply::Bool(true));
}

#[test]
fn a_device_id_given_is_kept_and_a_bad_one_is_refused_with_a_log() {
    let given = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    call_with(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()), options(&[("deviceId", Arg::Text(given.into()))]));
    assert_eq!(call(&mut tab, &mut browser, T, Method::GetDeviceId, Arg::Absent).0, Reply::Text(given.into()));
    assert!(browser.storage["appboy.KEY.device"].contains(given));
    for bad in [Arg::Text("not-a-uuid".into()), Arg::Number(7.0)] {
        let (mut tab, mut browser) = (Tab::new(), Browser::default());
        let fields = options(&[("deviceId", bad.clone()), ("enableLogging", Arg::Bool(true))]);
        let (reply, effects) = call_with(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()), fields);
        assert_eq!(reply, Reply::Bool(true), "{bad:?}");
        assert!(logged(&effects).contains(&Message::BadDeviceId), "{bad:?}");
        let Reply::Text(device) = call(&mut tab, &mut browser, T, Method::GetDeviceId, Arg::Absent).0 else { panic!("a device id") };
        assert!(Uuid::parse(&device).is_some() && device != given);
    }
}

#[test]
fn the_cookie_lasts_cookie_expiry_in_days() {
    let days = |value: Option<Arg>| {
        let (mut tab, mut browser) = (Tab::new(), Browser::default());
        let fields = options(&value.map(|v| vec![("cookieExpiryInDays", v)]).unwrap_or_default());
        call_with(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()), fields);
        let (_, effects) = call(&mut tab, &mut browser, T, Method::OpenSession, Arg::Absent);
        effects.iter().find_map(|e| if let Effect::Cookie { days, value: Some(_), .. } = e { Some(*days) } else { None }).unwrap()
    };
    assert_eq!(days(None), 400);
    assert_eq!(days(Some(Arg::Number(30.0))), 30);
    assert_eq!(days(Some(Arg::Number(-1.0))), 400);
    assert_eq!(days(Some(Arg::Text("30".into()))), 400);
}

#[test]
fn a_base_url_that_is_no_address_refuses_initialize_with_the_option_named() {
    for bad in ["not a url at all", "ftp://sdk.example.com", "https://", "sdk.exam ple.com/api", "https://sdk.example.com/a b"] {
        let (mut tab, mut browser) = (Tab::new(), Browser::default());
        let (reply, effects) = call_with(
            &mut tab,
            &mut browser,
            T,
            Method::Initialize,
            Arg::Text("KEY".into()),
            options(&[("baseUrl", Arg::Text(bad.into()))]),
        );
        assert_eq!((reply, logged(&effects)), (Reply::Bool(false), vec![Message::BaseUrlInvalid]), "{bad}: said, logging off");
        assert!(browser.storage.is_empty(), "{bad}");
    }
    for good in ["sdk.example.com", "https://sdk.example.com:8443/api/v3", "http://127.0.0.1:8080", "HTTPS://[::1]:8080", ""] {
        let (mut tab, mut browser) = (Tab::new(), Browser::default());
        let fields = options(&[("baseUrl", Arg::Text(good.into()))]);
        assert_eq!(
            call_with(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()), fields).0,
            Reply::Bool(true),
            "{good}"
        );
    }
}

#[test]
fn a_storage_event_with_what_storage_holds_reads_it_once_and_a_bad_record_is_discarded_once() {
    let (mut tab, mut browser) = (Tab::new(), Browser::default());
    call_with(&mut tab, &mut browser, T, Method::Initialize, Arg::Text("KEY".into()), options(&[("enableLogging", Arg::Bool(true))]));
    call(&mut tab, &mut browser, T, Method::OpenSession, Arg::Absent);
    // Another tab wrote a record that cannot be trusted, and storage still holds it.
    let bad = r#"{"v":1,"session":{"id":"not a uuid"}}"#;
    browser.storage.insert("appboy.KEY.session".into(), bad.into());
    let list = tab.handle(T + 10, Event::Storage { key: "appboy.KEY.session", value: Some(bad) }, &browser.host()).list();
    assert_eq!(logged(&list), vec![Message::Discarding], "{list:?}");
    assert_eq!(list.iter().filter(|e| matches!(e, Effect::Remove(k) if k == "appboy.KEY.session")).count(), 1, "{list:?}");
}
