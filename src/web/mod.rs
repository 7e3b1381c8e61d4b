//! The browser adapters around the engine. Every call into the browser that can throw is made
//! through a binding that catches: nothing this SDK does may raise an exception in the host page.

pub mod appboy;
pub mod browser;
pub mod clock;
pub mod cookie;
pub mod courier;
pub mod device;
pub mod lifecycle;
pub mod log;
pub mod options;
pub mod random;
pub mod sdk;
pub mod slot;
pub mod storage;
pub mod subscribers;
pub mod timers;
pub mod tracker;

/// A static for the SDK's state. wasm32 without the atomics feature runs a single thread, so
/// the value is never shared across threads; the cells inside guard against re-entry.
pub struct Local<T>(pub T);

// SAFETY: see above: there is no second thread to share it with.
unsafe impl<T> Sync for Local<T> {}
