//! appboy-wasm: Braze (Appboy) Web SDK session tracking, in Rust compiled to WebAssembly.
//!
//! `engine` is the pure session state machine, built and tested natively; `web` holds the thin
//! browser adapters around it and exists only on wasm32.

extern crate alloc;

pub mod engine;
pub mod json;
pub mod stored;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod web;

// dlmalloc, the default, would be a tenth of the module. The SDK holds a few kilobytes at most,
// which a free list serves well. A wasm instance without threads runs one thread.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
