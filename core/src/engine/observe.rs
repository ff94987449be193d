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

    /// Counts a finished sign-in (console or application) by its outcome, for the
    /// operators' counters and the analytics of `application`.
    pub(super) fn count_sign_in<T>(
        &self,
        application: &str,
        result: CoreResult<T>,
    ) -> CoreResult<T> {
        let outcome = SignInOutcome::of(&result);
        self.counters.count_sign_in(outcome);
        self.tally_sign_in(application, outcome);
        result
    }
}
