//! The changes this process made and published itself. The change-log reader reads
//! the log later (or, with a change feed, even before the write has returned) and
//! must not publish them a second time: each change is published from one place.
//!
//! A creation is noted by its session id, before the write (the number is not known
//! yet, and the reader must not see it first). An end is noted by its change-log
//! number, under the reader's lock: every entry of that number is this process's, so
//! the reader leaves them out of what it reads at all. "Kill all" of 100,000 sessions
//! would otherwise read its own 100,000 rows back.

use crate::model::Session;
use parking_lot::Mutex;
use std::collections::{BTreeSet, HashSet};

#[derive(Default)]
pub(super) struct OwnChanges {
    created: Mutex<HashSet<String>>,
    end_seqs: Mutex<BTreeSet<i64>>,
}

impl OwnChanges {
    /// Notes a session this process is about to create.
    pub fn record_created(&self, id: &str) {
        self.created.lock().insert(id.to_owned());
    }

    /// Forgets a creation that was noted but never made (its write failed).
    pub fn forget_created(&self, id: &str) {
        self.created.lock().remove(id);
    }

    /// The logged creations this process did not make; those it did are consumed (the
    /// log holds each once).
    pub fn others_created(&self, sessions: impl Iterator<Item = Session>) -> Vec<Session> {
        let mut own = self.created.lock();
        sessions
            .filter(|session| !own.remove(&session.id))
            .collect()
    }

    /// Notes the change-log number of an end this process made and published.
    pub fn record_end(&self, seq: i64) {
        self.end_seqs.lock().insert(seq);
    }

    /// The numbers of this process's ends past `applied`, for the reader to skip;
    /// those at or below it are read past already and forgotten.
    pub fn ends_after(&self, applied: i64) -> Vec<i64> {
        let mut seqs = self.end_seqs.lock();
        *seqs = seqs.split_off(&(applied + 1));
        seqs.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_end_numbers_are_skipped_until_read_past() {
        let own = OwnChanges::default();
        own.record_end(7);
        own.record_end(9);
        assert_eq!(own.ends_after(5), vec![7, 9]);
        assert_eq!(own.ends_after(7), vec![9], "7 is read past");
        assert_eq!(own.ends_after(6), vec![9], "and forgotten");
        assert_eq!(own.ends_after(9), Vec::<i64>::new());
    }
}
