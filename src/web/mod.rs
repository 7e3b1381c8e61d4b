//! The browser adapters around the engine. Every call into the browser that can throw is made
//! through a binding that catches: nothing this SDK does may raise an exception in the host page.

pub mod clock;
pub mod log;
pub mod random;
pub mod storage;
