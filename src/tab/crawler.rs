//! Who is not a visitor (docs/design.md section 2): the user agents that Braze's Web SDK treats as
//! crawlers (its `browser-detector.js`, 3.5.1 and 6.x alike), whose activity is not tracked unless
//! `allowCrawlerActivity` says so. Search engines and link previews run JavaScript: counted, each
//! crawl would be a session and a new device.

/// Lowercase parts of a user agent, any of which makes it a crawler's, each ended by a space (one
/// string: a table of slices would cost a pointer and a length for each).
const CRAWLERS: &[u8] = b"bot spider slurp yandex facebookexternalhit facebookcatalog sogou ia_archiver \
https://github.com/prerender/prerender aolbuild bingpreview mediapartners-google teoma taiko meta-webindexer \
meta-externalads meta-externalagent meta-externalfetcher ";

/// Whether `user_agent` contains one of them, ignoring ASCII case.
pub fn is_crawler(user_agent: &str) -> bool {
    let agent = user_agent.as_bytes();
    CRAWLERS.split(|b| *b == b' ').any(|part| !part.is_empty() && agent.windows(part.len()).any(|w| w.eq_ignore_ascii_case(part)))
}

#[cfg(test)]
mod tests {
    use super::is_crawler;

    #[test]
    fn each_of_braze_s_markers_is_a_crawler_in_any_case() {
        let markers = [
            "bot",
            "spider",
            "slurp",
            "yandex",
            "facebookexternalhit",
            "facebookcatalog",
            "sogou",
            "ia_archiver",
            "https://github.com/prerender/prerender",
            "aolbuild",
            "bingpreview",
            "mediapartners-google",
            "teoma",
            "taiko",
            "meta-webindexer",
            "meta-externalads",
            "meta-externalagent",
            "meta-externalfetcher",
        ];
        for marker in markers {
            assert!(is_crawler(&format!("Mozilla/5.0 (compatible; {})", marker.to_uppercase())), "{marker}");
        }
        assert!(!is_crawler("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"));
        assert!(!is_crawler(""));
    }
}
