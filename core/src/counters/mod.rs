//! What this process has done since it started, counted in memory: sign-ins by outcome,
//! session checks by outcome and how long they took, sessions ended by reason, store
//! errors. Operators read them through `/metrics`; the analytics rollups can read the
//! same numbers.
//!
//! Every count is one relaxed atomic add into a fixed array indexed by the outcome: the
//! session check is the hot path of every application, so counting takes no lock and
//! allocates nothing. Readers take a snapshot (`sign_ins()`, `checks()`, ...): each
//! number is exact, but numbers read one after the other may straddle an event, which
//! is all a scrape or an hourly rollup needs.

mod latency;
mod outcome;

pub use latency::{LatencyHistogram, LatencySnapshot, LATENCY_BOUNDS_US};
pub use outcome::{CheckOutcome, SignInOutcome};

use crate::model::EndReason;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Store failures of the whole process, counted where a database error becomes a
/// `CoreError` (`error.rs`): every backend's errors pass there, and the store itself
/// knows nothing of the engine that owns these counters.
static STORE_ERRORS: AtomicU64 = AtomicU64::new(0);

pub(crate) fn count_store_error() {
    STORE_ERRORS.fetch_add(1, Ordering::Relaxed);
}

/// Database errors seen by this process since it started.
pub fn store_errors() -> u64 {
    STORE_ERRORS.load(Ordering::Relaxed)
}

#[derive(Debug, Default)]
pub struct Counters {
    sign_ins: [AtomicU64; SignInOutcome::ALL.len()],
    checks: [AtomicU64; CheckOutcome::ALL.len()],
    ends: [AtomicU64; EndReason::ALL.len()],
    check_latency: LatencyHistogram,
}

impl Counters {
    pub fn count_sign_in(&self, outcome: SignInOutcome) {
        self.sign_ins[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_check(&self, outcome: CheckOutcome, took: Duration) {
        self.checks[outcome as usize].fetch_add(1, Ordering::Relaxed);
        self.check_latency.observe(took);
    }

    /// Sessions this process ended. Ends made elsewhere (the CLI, another instance) are
    /// counted there, so the sum over instances counts every end once.
    pub fn count_ends(&self, reasons: impl IntoIterator<Item = EndReason>) {
        for reason in reasons {
            self.ends[end_index(reason)].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn sign_ins(&self) -> [(SignInOutcome, u64); SignInOutcome::ALL.len()] {
        SignInOutcome::ALL.map(|outcome| (outcome, load(&self.sign_ins[outcome as usize])))
    }

    pub fn checks(&self) -> [(CheckOutcome, u64); CheckOutcome::ALL.len()] {
        CheckOutcome::ALL.map(|outcome| (outcome, load(&self.checks[outcome as usize])))
    }

    pub fn ends(&self) -> [(EndReason, u64); EndReason::ALL.len()] {
        std::array::from_fn(|at| {
            let reason = EndReason::ALL[at];
            (reason, load(&self.ends[end_index(reason)]))
        })
    }

    pub fn check_latency(&self) -> LatencySnapshot {
        self.check_latency.snapshot()
    }
}

/// `EndReason` is declared in the order of `EndReason::ALL` (a test holds it there).
fn end_index(reason: EndReason) -> usize {
    reason as usize
}

fn load(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_reasons_index_their_own_slot() {
        for (at, &reason) in EndReason::ALL.iter().enumerate() {
            assert_eq!(end_index(reason), at, "{reason:?}");
        }
    }

    #[test]
    fn counts_land_under_their_outcome_and_nowhere_else() {
        let counters = Counters::default();
        counters.count_sign_in(SignInOutcome::Failed);
        counters.count_sign_in(SignInOutcome::Failed);
        counters.count_sign_in(SignInOutcome::Success);
        counters.count_check(CheckOutcome::Ok, Duration::from_micros(30));
        counters.count_check(CheckOutcome::Ended, Duration::from_millis(3));
        counters.count_ends([EndReason::Killed, EndReason::Killed, EndReason::Idle]);

        let sign_ins = counters.sign_ins();
        assert!(sign_ins.contains(&(SignInOutcome::Failed, 2)));
        assert!(sign_ins.contains(&(SignInOutcome::Success, 1)));
        assert_eq!(sign_ins.iter().map(|(_, n)| n).sum::<u64>(), 3);
        let checks = counters.checks();
        assert!(checks.contains(&(CheckOutcome::Ok, 1)));
        assert!(checks.contains(&(CheckOutcome::Ended, 1)));
        assert_eq!(checks.iter().map(|(_, n)| n).sum::<u64>(), 2);
        let ends = counters.ends();
        assert!(ends.contains(&(EndReason::Killed, 2)));
        assert!(ends.contains(&(EndReason::Idle, 1)));
        assert_eq!(ends.iter().map(|(_, n)| n).sum::<u64>(), 3);
        assert_eq!(counters.check_latency().count, 2);
    }
}
