//! The changes this process made and published itself. The change-log reader reads
//! them back later (or, with a change feed, even before the write has returned) and
//! must not publish them a second time: each change is published from one place.

use crate::model::Session;
use crate::store::ChangeKind;
use parking_lot::Mutex;
use std::collections::HashSet;

#[derive(Default)]
pub(super) struct OwnChanges(Mutex<HashSet<(ChangeKind, String)>>);

impl OwnChanges {
    /// Notes changes this process publishes itself; record before the write, so the
    /// log reader cannot see one first.
    pub fn record<'a>(&self, kind: ChangeKind, ids: impl IntoIterator<Item = &'a str>) {
        self.0
            .lock()
            .extend(ids.into_iter().map(|id| (kind, id.to_owned())));
    }

    /// Forgets a change that was recorded but never made (its write failed).
    pub fn forget(&self, kind: ChangeKind, id: &str) {
        self.0.lock().remove(&(kind, id.to_owned()));
    }

    /// The logged sessions of one kind of change that this process did not publish;
    /// those it did are consumed (the log holds each change once).
    pub fn others(
        &self,
        kind: ChangeKind,
        sessions: impl Iterator<Item = Session>,
    ) -> Vec<Session> {
        let mut own = self.0.lock();
        sessions
            .filter(|session| !own.remove(&(kind, session.id.clone())))
            .collect()
    }
}
