//! appboy-wasm: Braze (Appboy) Web SDK session tracking, in Rust compiled to WebAssembly.
//!
//! `engine` is the pure session state machine, built and tested natively; `web` holds the thin
//! browser adapters around it and exists only on wasm32.

extern crate alloc;

pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod web;
