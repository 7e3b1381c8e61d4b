//! The numbering between Rust and JavaScript has one source, `src/tab/protocol.rs`: this test
//! fails when `src/web/browser.js` lists the methods, the reports, the effects or the log messages
//! under other numbers, or `src/package/front.js` names a method by another number (docs/design.md
//! section 2).
#![cfg(not(target_arch = "wasm32"))]

use appboy_wasm::tab::{EffectKind, Message, Method, ReportKind};

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
