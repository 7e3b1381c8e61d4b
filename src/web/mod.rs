//! The browser adapter around `crate::tab` (wasm32 only): `entry` takes the page's calls and the
//! browser's reports to the page's one `Tab` and carries out what it returns through `browser.js`;
//! `host` answers the core's reads. Every call into the browser that can throw is made through a
//! binding that catches: nothing this SDK does may raise an exception in the host page.

pub mod browser;
pub mod entry;
pub mod host;
