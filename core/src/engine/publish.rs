//! What follows a session appearing or ending, in this process or (read from the
//! change log) in another, in one place: the check cache, the chip counts, the
//! channels of the ended sessions, and one live message.

use super::Engine;
use crate::error::CoreResult;
use crate::model::{LiveEvent, Session};
use crate::store::ChangeKind;
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
    /// counted where they were made); the end-log poller will skip them.
    pub(crate) fn announce_ends(&self, ended: &[Session]) {
        self.own_changes.record(
            ChangeKind::Ended,
            ended.iter().map(|session| session.id.as_str()),
        );
        self.counters
            .count_ends(ended.iter().filter_map(|session| session.end_reason));
        self.tally_ends(ended);
        self.publish_ends(ended.to_vec());
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
        let (applied, ended) = self.read_logged_sessions().await?;
        self.end_log_read();
        let Some(settings_changed) = self.follow_settings_version(heads.settings_version).await?
        else {
            // This process is saving settings right now; a later read follows the
            // version and only then counts this process current.
            return Ok(applied);
        };
        let applications_changed = self.follow_applications_version(heads.applications_version);
        let moved = self.current_seq.fetch_max(heads.seq, Ordering::SeqCst) < heads.seq;
        // Creations alone are reported by the next heartbeat, so that sign-ins do not
        // each cost every instance a write; what is acknowledged only once every
        // instance has it is reported at once.
        if moved && (ended || settings_changed || applications_changed) {
            self.report_applied().await?;
        }
        Ok(applied)
    }

    /// Reads the session entries of the change log past what this process applied and
    /// publishes them. Returns how many were new here and whether an end was among
    /// them.
    async fn read_logged_sessions(&self) -> CoreResult<(usize, bool)> {
        let _one_reader = self.membership.apply_lock.lock().await;
        let mut applied = 0;
        let mut moved = false;
        loop {
            let since = self.applied_end_seq.load(Ordering::SeqCst);
            let mut changes = self.store.changes_since(since, LOG_BATCH).await?;
            if changes.len() as i64 == LOG_BATCH {
                // The batch may stop inside one bulk end (one number for all its
                // sessions): read that number whole, or the next read (after it) would
                // miss the rest.
                let last = changes[changes.len() - 1].seq;
                changes.retain(|change| change.seq < last);
                changes.extend(self.store.changes_at(last).await?);
            }
            let Some(last) = changes.last() else {
                return Ok((applied, moved));
            };
            moved |= changes
                .iter()
                .any(|change| change.kind == ChangeKind::Ended);
            self.applied_end_seq.fetch_max(last.seq, Ordering::SeqCst);
            for run in changes.chunk_by(|a, b| a.kind == b.kind) {
                let sessions = run.iter().map(|change| change.session.clone());
                let fresh = self.own_changes.others(run[0].kind, sessions);
                applied += fresh.len();
                match run[0].kind {
                    ChangeKind::Created => self.publish_logged_created(fresh),
                    ChangeKind::Ended => self.publish_ends(fresh),
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
    /// sessions' own channels told first, then one `Ended` message for the rest.
    fn publish_ends(&self, mut sessions: Vec<Session>) {
        if sessions.is_empty() {
            return;
        }
        for session in &mut sessions {
            self.cache.ended(&session.id, session.end_reason);
            self.fill_idle_deadline(session);
        }
        self.counts.remove(&sessions);
        self.hub.fire_ends(&sessions);
        self.hub.publish(LiveEvent::Ended { sessions });
    }
}
