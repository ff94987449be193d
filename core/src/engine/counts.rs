//! The console's chip counts, kept in memory: read from one store scan at start, then
//! moved by every session created or ended, by this process or (read from the change
//! log, `publish::apply_logged_changes`) by another, so showing them never scans the
//! table.
//!
//! They count sessions not yet ended: one that passed its expiry stays counted until
//! the sweep ends it (and then leaves through `remove` like any end).

use crate::model::{Facets, Session};
use parking_lot::Mutex;

pub(super) struct LiveCounts(Mutex<Facets>);

impl LiveCounts {
    pub fn new(initial: Facets) -> LiveCounts {
        LiveCounts(Mutex::new(initial))
    }

    pub fn add(&self, session: &Session) {
        self.lock().count(session, 1);
    }

    pub fn remove(&self, ended: &[Session]) {
        let mut facets = self.lock();
        for session in ended {
            facets.count(session, -1);
        }
    }

    /// A copy in the order the store answers in.
    pub fn snapshot(&self) -> Facets {
        let mut facets = self.lock().clone();
        facets.sort();
        facets
    }

    /// Every session is counted once per dimension: the roles add up to all of them.
    pub fn total(&self) -> i64 {
        self.lock().roles.iter().map(|(_, n)| n).sum()
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, Facets> {
        self.0.lock()
    }
}
