//! How much a client may send on its live channel. Pages send nothing (pongs aside);
//! anything beyond a trickle is abuse, and the channel is closed.

use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(10);
const PER_WINDOW: u32 = 20;

pub struct Budget {
    window_start: Instant,
    used: u32,
}

impl Budget {
    pub fn new(now: Instant) -> Budget {
        Budget {
            window_start: now,
            used: 0,
        }
    }

    /// Counts one message; `false` once the client sent too many in the window.
    pub fn spend(&mut self, now: Instant) -> bool {
        if now.duration_since(self.window_start) >= WINDOW {
            self.window_start = now;
            self.used = 0;
        }
        self.used += 1;
        self.used <= PER_WINDOW
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trickle_passes_a_flood_does_not_and_the_window_resets() {
        let start = Instant::now();
        let mut budget = Budget::new(start);
        assert!((0..PER_WINDOW).all(|_| budget.spend(start)));
        assert!(!budget.spend(start));
        assert!(budget.spend(start + WINDOW));
    }
}
