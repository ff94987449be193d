//! What operators read about this process, without touching the store: the counters,
//! and figures taken from memory at the moment they are asked for (so nothing is kept
//! up to date on the hot path for them).

use super::Engine;
use crate::counters::{Counters, SignInOutcome};
use crate::error::CoreResult;

impl Engine {
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Live sessions held in the check cache (tombstones of ended ones are not counted).
    pub fn cache_entries(&self) -> usize {
        self.cache.len()
    }

    /// Live channels open on this process.
    pub fn open_channels(&self) -> usize {
        self.hub.open_channels()
    }

    /// Counts a finished sign-in (console or application) by its outcome.
    pub(super) fn count_sign_in<T>(&self, result: CoreResult<T>) -> CoreResult<T> {
        self.counters.count_sign_in(SignInOutcome::of(&result));
        result
    }
}
