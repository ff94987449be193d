//! Slows down repeated failed sign-ins, per user name and per client address, and
//! failed API keys per calling address (`reserve_api_key`). A few failures are free; after that each one doubles the wait, up to a cap. Success
//! clears the user's count (not the address's: one right password must not unlock
//! guessing at every other account from the same address).
//!
//! The address count does not apply to everyone behind the address. Many people share
//! one (an office NAT, a proxy); refusing them all once it has too many failures would
//! let anyone lock a whole office out, including users nobody is guessing at. So a
//! failure is also counted for the pair (address, user name), and the address's wait
//! only applies to names that have failed from that address recently:
//! - a user with no recent failure from this address signs in as usual, however many
//!   other names failed there;
//! - a name that failed from this address (one being guessed there) waits for the
//!   address as well as for itself.
//!
//! Guessing one password at many names from one address (spraying) thus gets one guess
//! per name per `FORGET_AFTER_MS` once the address is over its limit; the per-user
//! count limits guessing at one name from many addresses; and the hashing gate
//! (`password::HashGate`) bounds the CPU and memory any of it costs.

use crate::clock::SharedClock;
use crate::model::{Millis, HOUR_MS, MINUTE_MS};
use parking_lot::Mutex;
use std::collections::HashMap;

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
/// Unknown API keys from one address. An application's own servers call from a few
/// addresses with a key that works; failures come from a misconfigured or hostile
/// client, which may try again once a second after a few.
pub const PER_IP_API_KEYS: ThrottleRule = ThrottleRule {
    free_failures: 20,
    base_delay_ms: 1_000,
    max_delay_ms: 15 * MINUTE_MS,
};
/// The rule of a count that does not slow anyone down (it is only kept).
const NEVER_WAITS: ThrottleRule = ThrottleRule {
    free_failures: u32::MAX,
    base_delay_ms: 0,
    max_delay_ms: 0,
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

    /// Reserves one attempt: `Err(seconds)` while either key must still wait, else the
    /// attempt is counted as a failure at once, before the caller hashes anything, so
    /// parallel guesses cannot all pass a check that is only recorded after the slow hash.
    /// The reservation is undone for the address if the attempt succeeds.
    pub fn reserve(&self, keys: AttemptKeys) -> Result<Reservation<'_>, u64> {
        let (user, ip, pair) = (user_key(&keys), ip_key(&keys), pair_key(&keys));
        self.take(
            |entries| {
                // Only names already failing from this address wait for the address.
                let guessed_here = entries.contains_key(&pair);
                let ip_rule = if guessed_here { PER_IP } else { NEVER_WAITS };
                vec![(user.clone(), PER_USER), (ip.clone(), ip_rule)]
            },
            vec![user.clone(), ip.clone(), pair.clone()],
        )?;
        Ok(Reservation {
            throttle: self,
            cleared: vec![user, pair],
            given_back: ip,
        })
    }

    /// Reserves one look-up of an API key this process does not know, from `ip`.
    /// Failed keys are counted per address (`PER_IP_API_KEYS`): a client trying keys
    /// gets a few free, then waits, and each try costs the store nothing meanwhile.
    pub fn reserve_api_key(&self, ip: &str) -> Result<Reservation<'_>, u64> {
        let key = format!("key-ip:{ip}");
        self.take(|_| vec![(key.clone(), PER_IP_API_KEYS)], vec![key.clone()])?;
        Ok(Reservation {
            throttle: self,
            cleared: Vec::new(),
            given_back: key,
        })
    }

    /// Under one lock: the longest wait among `waits` (keys and their rules, chosen
    /// by `plan` from the current counts), or else one more failure on `counted`.
    fn take(
        &self,
        plan: impl FnOnce(&HashMap<String, Failures>) -> Vec<(String, ThrottleRule)>,
        counted: Vec<String>,
    ) -> Result<(), u64> {
        let now = self.clock.now();
        let mut entries = self.lock();
        entries.retain(|_, failures| now - failures.last_at < FORGET_AFTER_MS);
        let wait = plan(&entries)
            .into_iter()
            .filter_map(|(key, rule)| {
                entries
                    .get(&key)
                    .map(|failures| remaining_wait(rule, *failures, now))
            })
            .max()
            .unwrap_or(0);
        if wait > 0 {
            return Err(((wait + 999) / 1000) as u64);
        }
        for key in counted {
            let failures = entries.entry(key).or_insert(Failures {
                count: 0,
                last_at: now,
            });
            failures.count += 1;
            failures.last_at = now;
        }
        Ok(())
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, HashMap<String, Failures>> {
        // Not poisoned by a panic (parking_lot): another thread that panicked mid-update
        // of a counter leaves the map itself usable.
        self.entries.lock()
    }
}

/// An attempt that passed the throttle. It already counts as a failure; dropping it
/// (wrong password, or the request abandoned mid-hash) leaves it that way.
pub struct Reservation<'a> {
    throttle: &'a Throttle,
    /// Counts a success clears (the user's).
    cleared: Vec<String>,
    /// The count a success only gives its own attempt back to (the address's).
    given_back: String,
}

impl Reservation<'_> {
    /// The attempt succeeded: the user's count is cleared and the address gets its
    /// attempt back (not its other failures: one right password must not unlock
    /// guessing at every other account from the same address).
    pub fn succeeded(self) {
        let mut entries = self.throttle.lock();
        for key in &self.cleared {
            entries.remove(key);
        }
        if let Some(failures) = entries.get_mut(&self.given_back) {
            failures.count = failures.count.saturating_sub(1);
        }
    }
}

fn user_key(keys: &AttemptKeys) -> String {
    format!("user:{}", keys.user.to_lowercase())
}

fn ip_key(keys: &AttemptKeys) -> String {
    format!("ip:{}", keys.ip)
}

/// The user name at the address; a space cannot occur in an address.
fn pair_key(keys: &AttemptKeys) -> String {
    format!("at:{} {}", keys.ip, keys.user.to_lowercase())
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

    /// One attempt that ends as a failure (the reservation is dropped).
    fn fail(throttle: &Throttle, user: &str, ip: &str) -> Result<(), u64> {
        throttle.reserve(keys(user, ip)).map(drop)
    }

    #[test]
    fn free_failures_then_doubling_waits() {
        let clock = ManualClock::new(1_000_000);
        let throttle = Throttle::new(clock.clone());
        for _ in 0..PER_USER.free_failures {
            assert_eq!(fail(&throttle, "alice", "10.0.0.1"), Ok(()));
        }
        // After the 5th failure: 1 s wait.
        assert_eq!(fail(&throttle, "alice", "10.0.0.1"), Err(1));
        let message = crate::error::CoreError::Throttled {
            retry_after_secs: 1,
        }
        .to_string();
        assert!(message.ends_with("Try again in 1 second."), "{message}");
        clock.advance(1_000);
        assert_eq!(fail(&throttle, "alice", "10.0.0.1"), Ok(())); // 6th: 2 s
        assert_eq!(fail(&throttle, "alice", "10.0.0.1"), Err(2));
        // User names are case-insensitive; another IP does not escape the user's wait.
        assert_eq!(fail(&throttle, "ALICE", "10.9.9.9"), Err(2));
        // Another user from another IP is not slowed.
        assert_eq!(fail(&throttle, "bob", "10.0.0.2"), Ok(()));
    }

    #[test]
    fn waits_are_capped_and_forgotten() {
        let clock = ManualClock::new(0);
        let throttle = Throttle::new(clock.clone());
        for _ in 0..40 {
            fail(&throttle, "alice", "10.0.0.1").expect("waited long enough");
            clock.advance(PER_USER.max_delay_ms);
        }
        clock.advance(-PER_USER.max_delay_ms);
        assert_eq!(
            fail(&throttle, "alice", "10.0.0.1"),
            Err((PER_USER.max_delay_ms / 1000) as u64)
        );
        clock.advance(FORGET_AFTER_MS);
        assert_eq!(fail(&throttle, "alice", "10.0.0.1"), Ok(()));
    }

    #[test]
    fn a_success_clears_the_user_and_returns_only_its_own_attempt() {
        let clock = ManualClock::new(0);
        let throttle = Throttle::new(clock);
        for _ in 0..PER_USER.free_failures - 1 {
            fail(&throttle, "alice", "10.0.0.1").expect("free");
        }
        for _ in 0..3 * PER_USER.free_failures {
            throttle
                .reserve(keys("alice", "10.0.0.1"))
                .expect("a user who keeps succeeding is never slowed")
                .succeeded();
        }
        for n in 0..PER_IP.free_failures - (PER_USER.free_failures - 1) {
            fail(&throttle, &format!("user{n}"), "10.0.0.1").expect("free");
        }
        // Successes gave back their own attempts, not the address's failures: a name
        // that failed there now waits for the address.
        assert_eq!(
            fail(&throttle, "user0", "10.0.0.1"),
            Err(1),
            "the address is slowed after its free failures"
        );
        assert_eq!(fail(&throttle, "user0", "10.0.0.2"), Ok(()));
    }

    #[test]
    fn a_crowded_address_slows_only_the_names_failing_there() {
        let clock = ManualClock::new(0);
        let throttle = Throttle::new(clock);
        for n in 0..PER_IP.free_failures {
            fail(&throttle, &format!("user{n}"), "10.0.0.1").expect("free");
        }
        throttle
            .reserve(keys("admin", "10.0.0.1"))
            .expect("a name nobody guessed at is not slowed by the address")
            .succeeded();
        assert_eq!(fail(&throttle, "user3", "10.0.0.1"), Err(1));
        // A new name gets one guess, then waits for the address too.
        assert_eq!(fail(&throttle, "sprayed", "10.0.0.1"), Ok(()));
        assert_eq!(fail(&throttle, "SPRAYED", "10.0.0.1"), Err(2));
        // The admin, after a typo of their own there, waits like any name failing there.
        assert_eq!(fail(&throttle, "admin", "10.0.0.1"), Ok(()));
        assert_eq!(fail(&throttle, "admin", "10.0.0.1"), Err(4));
    }
}
