//! Slows down repeated failed sign-ins, per user name and per client IP. A few
//! failures are free; after that each one doubles the wait, up to a cap. Success
//! clears the user's count (not the IP's: one right password must not unlock guessing
//! at every other account from the same address).

use crate::clock::SharedClock;
use crate::model::{Millis, HOUR_MS, MINUTE_MS};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug)]
pub struct ThrottleRule {
    pub free_failures: u32,
    pub base_delay_ms: Millis,
    pub max_delay_ms: Millis,
}

pub const PER_USER: ThrottleRule = ThrottleRule {
    free_failures: 5,
    base_delay_ms: 1_000,
    max_delay_ms: 15 * MINUTE_MS,
};
/// Addresses are shared (NAT, offices), so they get more room before slowing.
pub const PER_IP: ThrottleRule = ThrottleRule {
    free_failures: 20,
    base_delay_ms: 1_000,
    max_delay_ms: 15 * MINUTE_MS,
};
/// Failures older than this are forgotten.
const FORGET_AFTER_MS: Millis = HOUR_MS;

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last_at: Millis,
}

pub struct Throttle {
    clock: SharedClock,
    entries: Mutex<HashMap<String, Failures>>,
}

/// What a sign-in attempt is keyed by.
pub struct AttemptKeys {
    pub user: String,
    pub ip: String,
}

impl Throttle {
    pub fn new(clock: SharedClock) -> Throttle {
        Throttle {
            clock,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds)` while either key must still wait.
    pub fn check(&self, keys: &AttemptKeys) -> Result<(), u64> {
        let now = self.clock.now();
        let entries = self.lock();
        let wait = [(user_key(keys), PER_USER), (ip_key(keys), PER_IP)]
            .into_iter()
            .filter_map(|(key, rule)| {
                entries
                    .get(&key)
                    .map(|failures| remaining_wait(rule, *failures, now))
            })
            .max()
            .unwrap_or(0);
        if wait > 0 {
            Err(((wait + 999) / 1000) as u64)
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, keys: &AttemptKeys) {
        let now = self.clock.now();
        let mut entries = self.lock();
        entries.retain(|_, failures| now - failures.last_at < FORGET_AFTER_MS);
        for key in [user_key(keys), ip_key(keys)] {
            let failures = entries.entry(key).or_insert(Failures {
                count: 0,
                last_at: now,
            });
            failures.count += 1;
            failures.last_at = now;
        }
    }

    pub fn record_success(&self, keys: &AttemptKeys) {
        self.lock().remove(&user_key(keys));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A poisoned lock only means another thread panicked mid-update of a counter;
        // the map itself is still usable.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn user_key(keys: &AttemptKeys) -> String {
    format!("user:{}", keys.user.to_lowercase())
}

fn ip_key(keys: &AttemptKeys) -> String {
    format!("ip:{}", keys.ip)
}

/// Milliseconds still to wait after `failures`, under `rule`, at `now`.
fn remaining_wait(rule: ThrottleRule, failures: Failures, now: Millis) -> Millis {
    if now - failures.last_at >= FORGET_AFTER_MS || failures.count < rule.free_failures {
        return 0;
    }
    let doublings = (failures.count - rule.free_failures).min(20);
    let delay = (rule.base_delay_ms << doublings).min(rule.max_delay_ms);
    (failures.last_at + delay - now).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn keys(user: &str, ip: &str) -> AttemptKeys {
        AttemptKeys {
            user: user.into(),
            ip: ip.into(),
        }
    }

    #[test]
    fn free_failures_then_doubling_waits() {
        let clock = ManualClock::new(1_000_000);
        let throttle = Throttle::new(clock.clone());
        let alice = keys("alice", "10.0.0.1");
        for _ in 0..PER_USER.free_failures - 1 {
            throttle.record_failure(&alice);
            assert_eq!(throttle.check(&alice), Ok(()));
        }
        throttle.record_failure(&alice); // the 5th failure: 1 s wait
        assert_eq!(throttle.check(&alice), Err(1));
        let message = crate::error::CoreError::Throttled {
            retry_after_secs: 1,
        }
        .to_string();
        assert!(message.ends_with("Try again in 1 second."), "{message}");
        clock.advance(1_000);
        assert_eq!(throttle.check(&alice), Ok(()));
        throttle.record_failure(&alice); // 6th: 2 s
        assert_eq!(throttle.check(&alice), Err(2));
        // User names are case-insensitive; another IP does not escape the user's wait.
        assert_eq!(throttle.check(&keys("ALICE", "10.9.9.9")), Err(2));
        // Another user from another IP is not slowed.
        assert_eq!(throttle.check(&keys("bob", "10.0.0.2")), Ok(()));
    }

    #[test]
    fn waits_are_capped_and_forgotten() {
        let clock = ManualClock::new(0);
        let throttle = Throttle::new(clock.clone());
        let alice = keys("alice", "10.0.0.1");
        for _ in 0..40 {
            throttle.record_failure(&alice);
        }
        assert_eq!(
            throttle.check(&alice),
            Err((PER_USER.max_delay_ms / 1000) as u64)
        );
        clock.advance(FORGET_AFTER_MS);
        assert_eq!(throttle.check(&alice), Ok(()));
    }

    #[test]
    fn success_clears_the_user_but_not_the_ip() {
        let clock = ManualClock::new(0);
        let throttle = Throttle::new(clock);
        for n in 0..PER_IP.free_failures {
            throttle.record_failure(&keys(&format!("user{n}"), "10.0.0.1"));
        }
        throttle.record_success(&keys("user0", "10.0.0.1"));
        assert!(
            throttle.check(&keys("someone", "10.0.0.1")).is_err(),
            "the IP stays slowed"
        );
        assert_eq!(throttle.check(&keys("someone", "10.0.0.2")), Ok(()));
    }
}
