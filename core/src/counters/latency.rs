//! A latency histogram of fixed buckets in atomics: observing is a short scan of a
//! constant table and two relaxed adds, with no lock (a registry histogram takes one per
//! observation) and no allocation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the buckets, in microseconds. A cached check takes tens of
/// microseconds, a cache miss a store read (around a millisecond on SQLite), a
/// refusal that ends a session a write; past a second something is wrong.
pub const LATENCY_BOUNDS_US: [u64; 15] = [
    10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
    1_000_000,
];
const SLOTS: usize = LATENCY_BOUNDS_US.len() + 1;

#[derive(Debug, Default)]
pub struct LatencyHistogram {
    /// Observations per bucket, not cumulative; the last slot is above every bound.
    slots: [AtomicU64; SLOTS],
    sum_ns: AtomicU64,
}

/// A reading: `buckets` are (upper bound in seconds, observations in that bucket alone),
/// as the exposition encoder takes them; observations above the last bound are in
/// `count` only.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencySnapshot {
    pub buckets: [(f64, u64); LATENCY_BOUNDS_US.len()],
    pub count: u64,
    pub sum_seconds: f64,
}

impl LatencyHistogram {
    pub fn observe(&self, took: Duration) {
        self.slots[slot_of(took)].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.sum_ns.fetch_add(nanos, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> LatencySnapshot {
        let slots: [u64; SLOTS] = std::array::from_fn(|at| self.slots[at].load(Ordering::Relaxed));
        // The count is the sum of the slots read here, so the buckets never exceed it.
        let count = slots.iter().sum();
        LatencySnapshot {
            buckets: std::array::from_fn(|at| (LATENCY_BOUNDS_US[at] as f64 / 1e6, slots[at])),
            count,
            sum_seconds: self.sum_ns.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

/// The first bucket whose bound is at or above `took` (Prometheus buckets are `le`).
fn slot_of(took: Duration) -> usize {
    let micros = took.as_micros();
    LATENCY_BOUNDS_US
        .iter()
        .position(|&bound| micros <= u128::from(bound))
        .unwrap_or(LATENCY_BOUNDS_US.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_fall_in_the_first_bucket_that_holds_them() {
        let cases = [
            (Duration::ZERO, 0),
            (Duration::from_micros(10), 0),
            (Duration::from_nanos(10_001), 0), // whole microseconds: 10 µs
            (Duration::from_micros(11), 1),
            (Duration::from_micros(1_000), 6),
            (Duration::from_micros(1_001), 7),
            (Duration::from_secs(1), 14),
            (Duration::from_secs(2), 15),
            (Duration::MAX, 15),
        ];
        for (took, slot) in cases {
            assert_eq!(slot_of(took), slot, "{took:?}");
        }
    }

    #[test]
    fn a_snapshot_has_every_bucket_the_count_and_the_sum() {
        let histogram = LatencyHistogram::default();
        histogram.observe(Duration::from_micros(20));
        histogram.observe(Duration::from_micros(20));
        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_secs(5));
        let snapshot = histogram.snapshot();
        assert_eq!(snapshot.count, 4);
        assert_eq!(snapshot.buckets[1], (25e-6, 2));
        assert_eq!(snapshot.buckets[8], (5e-3, 1));
        assert_eq!(
            snapshot.buckets.iter().map(|(_, n)| n).sum::<u64>(),
            3,
            "5 s is above every bound"
        );
        assert!(
            (snapshot.sum_seconds - 5.00304).abs() < 1e-9,
            "{}",
            snapshot.sum_seconds
        );
    }

    #[test]
    fn bounds_rise() {
        assert!(LATENCY_BOUNDS_US.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
