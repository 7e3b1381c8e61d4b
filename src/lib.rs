//! appboy-wasm: Braze (Appboy) Web SDK session tracking, in Rust compiled to WebAssembly.
//!
//! `engine` is the pure session state machine, built and tested natively; `web` holds the thin
//! browser adapters around it and exists only on wasm32.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod ascii;
pub mod delivery;
pub mod engine;
pub mod json;
pub mod stored;
pub mod tab;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// Without std a panic traps; the code is written not to panic (a trap would reach the page).
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// The SDK holds a few kilobytes at most, which a free list serves in a fraction of dlmalloc's
// size. A wasm instance without the atomics feature runs one thread.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
