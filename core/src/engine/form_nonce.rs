//! One-time sign-in form nonces: a form sent twice (a double click, a page sent again)
//! opens one session, not two. The sign-in page puts a fresh random nonce in its form;
//! the first sign-in with it that succeeds uses it up, and for `USED_FOR_MS` another
//! sign-in with the same nonce is refused before anything is checked. A failed attempt
//! gives its nonce back, so the person can correct a typo in the same form. A request
//! without a nonce (a script) is simply a new sign-in.
//!
//! The nonce is no secret and no CSRF defence (the Origin check is that): it only tells
//! a repeat from a new sign-in. A repeat never receives the session of the first, so
//! two clients can never share a token, whatever they send.

use crate::error::{CoreError, CoreResult};
use crate::model::{Millis, MINUTE_MS};
use parking_lot::Mutex;
use std::collections::HashMap;

/// How long a used nonce is remembered: far longer than a double click or a reload.
const USED_FOR_MS: Millis = 10 * MINUTE_MS;
const MAX_NONCE_LEN: usize = 64;
pub const REPEATED: &str = "This sign-in form was already sent. Reload the page to sign in again.";

/// A fresh nonce for a sign-in form.
pub fn new_form_nonce() -> String {
    crate::token::new_session_id()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// A sign-in with it is being checked.
    InFlight,
    /// A sign-in with it succeeded at this time.
    Used(Millis),
}

#[derive(Default)]
pub(super) struct FormNonces {
    entries: Mutex<HashMap<String, State>>,
}

/// A nonce held by one sign-in attempt; given back when dropped unless `used`.
pub(super) struct NonceClaim<'a> {
    nonces: &'a FormNonces,
    nonce: Option<String>,
}

impl FormNonces {
    /// Claims `nonce` for one attempt (`None` or empty: nothing to claim).
    pub fn claim(&self, nonce: Option<&str>, now: Millis) -> CoreResult<NonceClaim<'_>> {
        let nonce = nonce.map(str::trim).filter(|nonce| !nonce.is_empty());
        let Some(nonce) = nonce else {
            return Ok(NonceClaim {
                nonces: self,
                nonce: None,
            });
        };
        let well_formed = nonce.len() <= MAX_NONCE_LEN
            && nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(CoreError::invalid(
                "The sign-in form is damaged. Reload the page to sign in again.",
            ));
        }
        let mut entries = self.lock();
        entries.retain(|_, state| match state {
            State::InFlight => true,
            State::Used(at) => now - *at < USED_FOR_MS,
        });
        if entries.contains_key(nonce) {
            return Err(CoreError::invalid(REPEATED));
        }
        entries.insert(nonce.to_owned(), State::InFlight);
        Ok(NonceClaim {
            nonces: self,
            nonce: Some(nonce.to_owned()),
        })
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, HashMap<String, State>> {
        // Not poisoned by a panic (parking_lot): a panic mid-insert leaves a usable map.
        self.entries.lock()
    }
}

impl NonceClaim<'_> {
    /// The sign-in succeeded: the nonce stays used for `USED_FOR_MS`.
    pub fn used(mut self, now: Millis) {
        if let Some(nonce) = self.nonce.take() {
            self.nonces.lock().insert(nonce, State::Used(now));
        }
    }
}

impl Drop for NonceClaim<'_> {
    fn drop(&mut self) {
        if let Some(nonce) = self.nonce.take() {
            self.nonces.lock().remove(&nonce);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_used_nonce_is_refused_and_a_failed_one_given_back() {
        let nonces = FormNonces::default();
        let failed = nonces.claim(Some("abc"), 0).expect("fresh");
        assert!(nonces.claim(Some("abc"), 0).is_err(), "in flight");
        drop(failed);
        nonces.claim(Some("abc"), 0).expect("given back").used(0);
        let again = nonces.claim(Some("abc"), USED_FOR_MS - 1);
        assert!(
            matches!(again, Err(CoreError::Invalid { ref message, .. }) if message == REPEATED)
        );
        nonces
            .claim(Some("abc"), USED_FOR_MS)
            .expect("forgotten after a while");
        nonces.claim(None, 0).expect("no nonce").used(0);
        nonces.claim(Some(""), 0).expect("empty is none");
        assert!(nonces.claim(Some("<script>"), 0).is_err());
        assert!(nonces.claim(Some(&"a".repeat(65)), 0).is_err());
    }
}
