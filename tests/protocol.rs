//! The numbering between Rust and JavaScript has one source, `src/tab/protocol.rs`: this test
//! fails when `src/web/browser.js` lists the methods, the reports, the effects or the log messages
//! under other numbers, or `src/package/front.js` names a method by another number (docs/design.md
//! section 2).
#![cfg(not(target_arch = "wasm32"))]

use appboy_wasm::tab::{Effect, EffectKind, Effects, Message, Method, ReportKind};

fn browser_js() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/browser.js")).unwrap()
}

/// `FooBar` as `FOO_BAR`.
fn screaming(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The text between `start` and the next line that is only `end`.
fn block<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("browser.js has no `{start}`"));
    let rest = &text[from..];
    &rest[..rest.find(end).unwrap_or_else(|| panic!("`{start}` does not end with `{end}`"))]
}

#[test]
fn the_methods_are_listed_in_the_order_of_method() {
    let js = browser_js();
    let list = block(&js, "export const METHODS = [", "];");
    let names: Vec<String> = list.split('\'').skip(1).step_by(2).map(str::to_lowercase).collect();
    let rust: Vec<String> = Method::NAMES.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(names, rust);
}

#[test]
fn the_front_names_each_method_by_its_number() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/package/front.js")).unwrap();
    let line = js.lines().find(|l| l.starts_with("const INITIALIZE = ")).expect("front.js numbers the methods it answers itself");
    let constants: Vec<(&str, &str)> =
        line["const ".len()..].trim_end_matches(';').split(", ").map(|c| c.split_once(" = ").unwrap()).collect();
    assert!(constants.len() >= 4, "{line}");
    for (name, number) in constants {
        let method = Method::NAMES.iter().position(|m| screaming(m) == name).unwrap_or_else(|| panic!("front.js: {name} is no method"));
        assert_eq!(number, method.to_string(), "front.js numbers {name}");
    }
}

#[test]
fn each_report_has_its_number_after_the_methods() {
    let js = browser_js();
    for (i, name) in ReportKind::NAMES.iter().enumerate() {
        let line = format!("const {} = {};", screaming(name), Method::NAMES.len() + i);
        assert!(js.contains(&line), "browser.js lacks `{line}`");
    }
    let declared = block(&js, "const HIDDEN", "\n\n").lines().count();
    assert_eq!(declared, ReportKind::NAMES.len(), "browser.js declares reports that Rust does not know");
}

#[test]
fn each_effect_is_carried_out_under_its_number() {
    let js = browser_js();
    let act = block(&js, "export function act(", "\n}\n");
    let cases: Vec<(usize, String)> = act
        .lines()
        .filter_map(|l| l.trim().strip_prefix("case "))
        .map(|l| {
            let (n, rest) = l.split_once(':').unwrap();
            let name = rest.split("//").nth(1).unwrap().trim();
            (n.parse().unwrap(), name.to_string())
        })
        .collect();
    let rust: Vec<(usize, String)> = EffectKind::NAMES.iter().enumerate().map(|(i, n)| (i, n.to_string())).collect();
    assert_eq!(cases, rust);
}

#[test]
fn each_message_has_its_text_in_the_order_of_message() {
    let js = browser_js();
    let list = block(&js, "const MESSAGES = [", "\n];");
    let names: Vec<&str> = list.lines().skip(1).map(|l| l.rsplit("// ").next().unwrap().trim()).collect();
    assert_eq!(names, Message::NAMES);
    // Every numbered thing round-trips.
    for (i, _) in Message::NAMES.iter().enumerate() {
        assert_eq!(Message::from(i as u32).map(|m| m as usize), Some(i));
    }
    assert_eq!(Message::from(Message::NAMES.len() as u32), None);
}

/// One effect of each kind, with texts that are not plain ASCII, headers and a logger present and
/// absent, a timer armed and disarmed: the calls last, as `Tab::handle` orders them.
fn every_effect() -> Vec<Effect> {
    let (url, body) = ("https://sdk.example.test/api/v3/data/", r#"{"events":[{"name":"ss"}]}"#);
    vec![
        Effect::Store { key: "appboy.KEY.session".into(), value: r#"{"v":1,"user":"zoë ✓"}"#.into() },
        Effect::Remove("appboy.KEY.outbox.7746cfc5".into()),
        Effect::Cookie { name: "ab.KEY".into(), value: Some("1~é ;=".into()), days: 400 },
        Effect::Cookie { name: "ab.optOut".into(), value: None, days: 0 },
        Effect::Fetch { request: 7, url: url.into(), body: body.into(), api_key: Some("KEY".into()), signature: Some("s.i.g".into()) },
        Effect::Abort,
        Effect::Fetch { request: 8, url: url.into(), body: body.into(), api_key: None, signature: None },
        Effect::Beacon { url: url.into(), body: body.into() },
        Effect::Timer(Some(1_500)),
        Effect::Timer(None),
        Effect::Listen(true),
        Effect::Listen(false),
        Effect::Forget(2),
        Effect::Log { message: Message::SendFailed, a: url.into(), b: "503".into(), logger: None },
        Effect::Log { message: Message::Initialized, a: url.into(), b: String::new(), logger: Some(1) },
        Effect::Log { message: Message::NoSubscription, a: "3".into(), b: String::new(), logger: Some(2) },
        Effect::Call { function: 1, json: r#"{"id":"zoë"}"#.into(), once: false },
        Effect::Call { function: 3, json: "true".into(), once: true },
    ]
}

fn as_json(effect: &Effect) -> serde_json::Value {
    use serde_json::json;
    match effect {
        Effect::Store { key, value } => json!({"kind": "Store", "key": key, "value": value}),
        Effect::Remove(key) => json!({"kind": "Remove", "key": key}),
        Effect::Cookie { name, value, days } => json!({"kind": "Cookie", "name": name, "value": value, "days": days}),
        Effect::Fetch { request, url, body, api_key, signature } => {
            json!({"kind": "Fetch", "request": request, "url": url, "body": body, "apiKey": api_key, "signature": signature})
        }
        Effect::Beacon { url, body } => json!({"kind": "Beacon", "url": url, "body": body}),
        Effect::Abort => json!({"kind": "Abort"}),
        Effect::Timer(delay) => json!({"kind": "Timer", "delay": delay}),
        Effect::Listen(on) => json!({"kind": "Listen", "on": on}),
        Effect::Call { function, json, once } => json!({"kind": "Call", "function": function, "json": json, "once": once}),
        Effect::Forget(function) => json!({"kind": "Forget", "function": function}),
        Effect::Log { message, a, b, logger } => json!({"kind": "Log", "message": *message as u32, "a": a, "b": b, "logger": logger}),
    }
}

/// The effects' byte stream has one format for both sides: Rust writes `every_effect` as the
/// bytes in `tests/protocol/effects.json` and reads them back; `tests/protocol/act.test.mjs` has
/// `browser.js` carry the same bytes out and checks what each effect did. A change to the format
/// fails here until the file is written again (`UPDATE_PROTOCOL=1 cargo test --test protocol`),
/// and then there, until `browser.js` reads the new format.
#[test]
fn the_effects_stream_is_the_one_browser_js_is_tested_with() {
    let list = every_effect();
    let effects = Effects::written(&list);
    assert_eq!(effects.list(), list, "the stream reads back as written");
    let fixture = serde_json::json!({
        "bytes": effects.bytes().iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "effects": list.iter().map(as_json).collect::<Vec<_>>(),
    });
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/protocol/effects.json");
    let text = serde_json::to_string_pretty(&fixture).unwrap() + "\n";
    if std::env::var_os("UPDATE_PROTOCOL").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(path).unwrap_or_default(), text, "{path} is not what Rust writes: UPDATE_PROTOCOL=1 writes it");
}
