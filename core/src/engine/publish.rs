//! What follows a session appearing or ending, in this process or (read from the
//! change log) in another, in one place: the check cache, the chip counts, the
//! channels of the ended sessions, and one live message.

use super::Engine;
use crate::error::CoreResult;
use crate::model::{LiveEvent, Session};
use crate::store::{ChangeKind, Ended};
use std::sync::atomic::Ordering;

/// How many change-log entries one read takes (more for a bulk end read whole).
const LOG_BATCH: i64 = 1000;

impl Engine {
    pub(super) fn publish_created(&self, session: &Session) {
        self.counts.add(session);
        self.tally_created(session);
        self.hub.publish(LiveEvent::Created {
            session: Box::new(session.clone()),
        });
    }

    /// Publishes ends made by this process (and counts them: ends logged by others are
    /// counted where they were made); the change-log reader skips their number.
    pub(crate) fn announce_ends(&self, ended: &Ended) {
        if let Some(seq) = ended.seq {
            self.own_changes.record_end(seq);
        }
        let sessions = &ended.sessions;
        self.counters
            .count_ends(sessions.iter().filter_map(|session| session.end_reason));
        self.tally_ends(sessions);
        self.publish_ends(sessions);
    }

    /// Applies the change log past what this process has applied: sessions created and
    /// ended by other processes (the CLI, other instances) reach its cache, its chip
    /// counts and its live channels, in the order they happened, and settings and
    /// applications changed elsewhere take effect here. Returns how many session
    /// changes were new here (its own are skipped). A process that serves checks then
    /// reports how far it has applied the log, which is what ends, settings saves and
    /// application changes wait for before they are acknowledged.
    pub async fn apply_logged_changes(&self) -> CoreResult<usize> {
        // Read before the log: every number up to `heads.seq` has committed by now, so
        // once the log has been read and the versions followed, this process is
        // current as of `heads.seq`, including the numbers that log no session.
        let heads = self.store.log_heads().await?;
        let applied = self.read_logged_sessions().await?;
        self.end_log_read();
        // Numbers up to the heads with no entry read: settings or applications changes,
        // which someone may be waiting for, or this process's own ends. All of them
        // have committed and the log was read to its end, so the reader moves past
        // them: it would otherwise pass over an own bulk end's rows on every read
        // until something newer is logged.
        if self.applied_end_seq.load(Ordering::SeqCst) < heads.seq {
            self.awaited_seq.fetch_max(heads.seq, Ordering::SeqCst);
            self.applied_end_seq.fetch_max(heads.seq, Ordering::SeqCst);
        }
        if !self.follow_settings_version(heads.settings_version).await? {
            // This process is saving settings right now; a later read follows the
            // version and only then counts this process current.
            return Ok(applied);
        }
        self.keys.follow(heads.applications_version);
        let before = self.current_seq.fetch_max(heads.seq, Ordering::SeqCst);
        // Creations alone are reported by the next heartbeat, so that sign-ins do not
        // each cost every instance a write; what an acknowledgement may be waiting for
        // (an end, a settings or applications change) is reported at once.
        if before < heads.seq && self.awaited_seq.load(Ordering::SeqCst) > before {
            self.report_applied().await?;
        }
        Ok(applied)
    }

    /// Reads the session entries of the change log past what this process applied and
    /// publishes them. Returns how many were new here. Notes in `awaited_seq` the
    /// numbers someone may wait for: ends, and numbers with no entry (a settings or
    /// applications change; every other number has an entry).
    async fn read_logged_sessions(&self) -> CoreResult<usize> {
        let _one_reader = self.membership.apply_lock.lock().await;
        let mut applied = 0;
        loop {
            let since = self.applied_end_seq.load(Ordering::SeqCst);
            let own_ends = self.own_changes.ends_after(since);
            let mut changes = self
                .store
                .changes_since(since, LOG_BATCH, &own_ends)
                .await?;
            if changes.len() as i64 == LOG_BATCH {
                // The batch may stop inside one bulk end (one number for all its
                // sessions): read that number whole, or the next read (after it) would
                // miss the rest.
                let last = changes[changes.len() - 1].seq;
                changes.retain(|change| change.seq < last);
                changes.extend(self.store.changes_at(last).await?);
            }
            let Some(last) = changes.last() else {
                return Ok(applied);
            };
            self.awaited_seq.fetch_max(
                awaited_in(since, changes.iter().map(|c| (c.seq, c.kind))),
                Ordering::SeqCst,
            );
            self.applied_end_seq.fetch_max(last.seq, Ordering::SeqCst);
            for run in changes.chunk_by(|a, b| a.kind == b.kind) {
                let sessions = run.iter().map(|change| change.session.clone());
                match run[0].kind {
                    ChangeKind::Created => {
                        let fresh = self.own_changes.others_created(sessions);
                        applied += fresh.len();
                        self.publish_logged_created(fresh);
                    }
                    // This process's own ends were left out of the read.
                    ChangeKind::Ended => {
                        let ended: Vec<Session> = sessions.collect();
                        applied += ended.len();
                        self.publish_ends(&ended);
                    }
                }
            }
        }
    }

    /// Sessions another process created: counted and shown like this process's own
    /// (analytics are tallied where they were created). Each is shown as it was
    /// created; if it has ended since, its end follows in the log.
    fn publish_logged_created(&self, sessions: Vec<Session>) {
        for mut session in sessions {
            session.ended_at = None;
            session.end_reason = None;
            session.ended_by = None;
            self.fill_idle_deadline(&mut session);
            self.counts.add(&session);
            self.hub.publish(LiveEvent::Created {
                session: Box::new(session),
            });
        }
    }

    /// One end call or one poll batch: out of the cache and the counts, the ended
    /// sessions' own channels told first, then one `Ended` message for the rest (a
    /// copy with idle deadlines, made only when a console is watching).
    fn publish_ends(&self, sessions: &[Session]) {
        if sessions.is_empty() {
            return;
        }
        for session in sessions {
            self.cache.ended(&session.id, session.end_reason);
        }
        self.counts.remove(sessions);
        self.hub.fire_ends(sessions);
        if self.hub.is_watched() {
            let mut sessions = sessions.to_vec();
            for session in &mut sessions {
                self.fill_idle_deadline(session);
            }
            self.hub.publish(LiveEvent::Ended { sessions });
        }
    }
}

/// The highest number among `changes` (numbers and kinds, read in order after `since`)
/// that someone may wait for: an end, or a number skipped by the read (a settings or
/// applications change, or an end of the reader's own). `since` when there is none.
fn awaited_in(since: i64, changes: impl IntoIterator<Item = (i64, ChangeKind)>) -> i64 {
    let mut awaited = since;
    let mut previous = since;
    for (seq, kind) in changes {
        if seq > previous + 1 {
            awaited = seq - 1;
        }
        if kind == ChangeKind::Ended {
            awaited = seq;
        }
        previous = seq;
    }
    awaited
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeKind::{Created, Ended};

    #[test]
    fn ends_and_skipped_numbers_are_awaited_creations_are_not() {
        assert_eq!(awaited_in(4, []), 4);
        assert_eq!(awaited_in(4, [(5, Created), (6, Created)]), 4);
        assert_eq!(awaited_in(4, [(5, Created), (6, Ended), (7, Created)]), 6);
        // A bulk end is many entries of one number.
        assert_eq!(awaited_in(4, [(5, Ended), (5, Ended), (6, Created)]), 5);
        // 6 has no entry: a settings or applications change.
        assert_eq!(awaited_in(4, [(5, Created), (7, Created)]), 6);
        assert_eq!(awaited_in(4, [(6, Created)]), 5);
    }
}
