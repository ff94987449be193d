//! Which open live channels belong to which session. Ending 10,000 sessions must not
//! make each of 10,000 channels scan a 10,000-session batch for its own id: the ender
//! looks each ended id up here once (O(ended)) and wakes exactly the channels concerned.

use crate::model::{EndReason, Session};
use parking_lot::{Mutex, MutexGuard};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::oneshot;

type Waiters = Vec<(u64, oneshot::Sender<EndReason>)>;

#[derive(Default)]
pub(super) struct Watchers {
    next_key: AtomicU64,
    /// Registrations alive: the channels open (read by operators, never on a hot path).
    open: AtomicUsize,
    /// Session id -> the channels open on it (several tabs share one session).
    by_session: Mutex<HashMap<String, Waiters>>,
}

/// One channel's registration: `ended` resolves with the reason when its session ends.
/// Dropping it (the channel closed) removes the registration.
pub struct EndWatch {
    pub ended: oneshot::Receiver<EndReason>,
    session_id: String,
    key: u64,
    watchers: Arc<Watchers>,
}

impl Watchers {
    pub(super) fn watch(watchers: &Arc<Watchers>, id: &str) -> EndWatch {
        let key = watchers.next_key.fetch_add(1, Ordering::Relaxed);
        watchers.open.fetch_add(1, Ordering::Relaxed);
        let (sender, ended) = oneshot::channel();
        watchers
            .lock()
            .entry(id.to_owned())
            .or_default()
            .push((key, sender));
        EndWatch {
            ended,
            session_id: id.to_owned(),
            key,
            watchers: watchers.clone(),
        }
    }

    pub(super) fn fire(&self, ended: &[Session]) {
        let mut by_session = self.lock();
        if by_session.is_empty() {
            return;
        }
        for session in ended {
            let Some(waiters) = by_session.remove(&session.id) else {
                continue;
            };
            let reason = session.end_reason.unwrap_or(EndReason::Killed);
            for (_, sender) in waiters {
                // The channel may be closing on its own; nothing to tell it then.
                let _ = sender.send(reason);
            }
        }
    }

    pub(super) fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Waiters>> {
        self.by_session.lock()
    }
}

impl Drop for EndWatch {
    fn drop(&mut self) {
        self.watchers.open.fetch_sub(1, Ordering::Relaxed);
        let mut by_session = self.watchers.lock();
        if let Some(waiters) = by_session.get_mut(&self.session_id) {
            waiters.retain(|(key, _)| *key != self.key);
            if waiters.is_empty() {
                by_session.remove(&self.session_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(id: &str, reason: EndReason) -> Session {
        let json = serde_json::json!({
            "id": id, "application": "console", "user_id": 1, "username": "alice",
            "status": "authenticated", "role": "user", "first_ip": "", "last_ip": "",
            "user_agent": "", "agent": {"browser": "", "browser_version": "", "os": "", "device": "unknown"},
            "country": null, "created_at": 0, "last_seen_at": 0, "idle_deadline": 0,
            "expires_at": 0, "ended_at": 1, "end_reason": reason, "ended_by": "admin"
        });
        serde_json::from_value(json).expect("session")
    }

    #[test]
    fn every_channel_of_an_ended_session_hears_why_and_others_hear_nothing() {
        let watchers = Arc::new(Watchers::default());
        let mut tab1 = Watchers::watch(&watchers, "a");
        let mut tab2 = Watchers::watch(&watchers, "a");
        let mut other = Watchers::watch(&watchers, "b");
        watchers.fire(&[ended("a", EndReason::Logout)]);
        assert_eq!(tab1.ended.try_recv(), Ok(EndReason::Logout));
        assert_eq!(tab2.ended.try_recv(), Ok(EndReason::Logout));
        assert!(other.ended.try_recv().is_err());
        assert!(!watchers.lock().contains_key("a"));
    }

    #[test]
    fn a_closed_channel_unregisters() {
        let watchers = Arc::new(Watchers::default());
        let first = Watchers::watch(&watchers, "a");
        let second = Watchers::watch(&watchers, "a");
        assert_eq!(watchers.open(), 2);
        drop(first);
        assert_eq!(watchers.lock()["a"].len(), 1);
        assert_eq!(watchers.open(), 1);
        drop(second);
        assert!(watchers.lock().is_empty());
        assert_eq!(watchers.open(), 0);
    }
}
