//! The browser adapters around the engine. Every call into the browser that can throw is made
//! through a binding that catches: nothing this SDK does may raise an exception in the host page.

pub mod appboy;
pub mod clock;
pub mod decode;
pub mod lifecycle;
pub mod log;
pub mod options;
pub mod random;
pub mod sdk;
pub mod storage;
pub mod timers;
pub mod transport;
