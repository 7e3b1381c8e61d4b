//! Who is not a visitor (docs/design.md section 2): the user agents that Braze's Web SDK treats as
//! crawlers (its `browser-detector.js`, 3.5.1 and 6.x alike), whose activity is not tracked unless
//! `allowCrawlerActivity` says so. Search engines and link previews run JavaScript: counted, each
//! crawl would be a session and a new device.

/// Lowercase parts of a user agent, any of which makes it a crawler's.
const CRAWLERS: [&[u8]; 18] = [
    b"bot",
    b"spider",
    b"slurp",
    b"yandex",
    b"facebookexternalhit",
    b"facebookcatalog",
    b"sogou",
    b"ia_archiver",
    b"https://github.com/prerender/prerender",
    b"aolbuild",
    b"bingpreview",
    b"mediapartners-google",
    b"teoma",
    b"taiko",
    b"meta-webindexer",
    b"meta-externalads",
    b"meta-externalagent",
    b"meta-externalfetcher",
];

/// Whether `user_agent` contains one of them, ignoring ASCII case.
pub fn is_crawler(user_agent: &str) -> bool {
    let agent = user_agent.as_bytes();
    CRAWLERS.iter().any(|part| agent.windows(part.len()).any(|w| w.eq_ignore_ascii_case(part)))
}
