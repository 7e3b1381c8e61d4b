//! The engine in the browser (docs/design.md section 1): its state read from storage and written
//! back, and the timer of the open session's expiry.

use super::storage::Storage;
use super::timers::{Timer, TimerId};
use crate::engine::{Engine, Input, Millis};
use crate::stored::{read_state, write_state, SESSION};
use wasm_bindgen::JsValue;

pub struct Tracker {
    pub engine: Engine,
    timer: Option<Timer>,
}

impl Tracker {
    pub fn new(timeout: Millis, seed: [u8; 16]) -> Tracker {
        Tracker { engine: Engine::new(timeout, seed), timer: None }
    }

    /// The session timer went off: it is spent, and the next answer arms another.
    pub fn timer_fired(&mut self) {
        self.timer = None;
    }

    /// Persists the state and arms the timer, as the engine's `Output` says (once its datapoints
    /// are in the outbox: a datapoint is stored before the state that follows from it).
    pub fn settle(&mut self, store: &Storage, now: Millis, persist: bool, timer: Option<Millis>) {
        if persist {
            store.set(SESSION, &write_state(self.engine.state()));
        }
        match timer {
            None => self.timer = None,
            // A timer that fires early is harmless (the engine asks again), so an armed one
            // is kept rather than re-armed on every activity.
            Some(at) if self.timer.as_ref().is_some_and(|t| t.at <= at) => {}
            Some(at) => self.timer = Some(Timer::at(at, now, TimerId::Session)),
        }
    }

    /// The state storage holds now (another tab may have moved on), as an input.
    pub fn stored(store: &Storage) -> Option<Input<'static>> {
        store.load(SESSION, read).map(Input::Restore)
    }

    /// The state another tab wrote (a `storage` event), as an input.
    pub fn written(store: &Storage, text: &str) -> Option<Input<'static>> {
        store.trust(SESSION, text, read).map(Input::Restore)
    }

    /// No more session timer (`disableSDK`).
    pub fn stop(&mut self) {
        self.timer = None;
    }

    /// Forgets the state (`wipeData`): a new engine, no timer.
    pub fn reset(&mut self, seed: [u8; 16]) {
        *self = Tracker::new(self.engine.timeout(), seed);
    }
}

fn read(value: &JsValue) -> Result<crate::engine::State, &'static str> {
    read_state(value).map_err(|why| why.reason())
}
