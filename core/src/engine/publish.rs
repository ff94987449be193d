//! What follows a session appearing or ending in this process, in one place: the check
//! cache, the chip counts, the channels of the ended sessions, and one live message.

use super::Engine;
use crate::error::CoreResult;
use crate::model::{LiveEvent, Session};
use std::sync::atomic::Ordering;

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
        {
            let mut announced = self.announced_ends.lock();
            announced.extend(ended.iter().map(|session| session.id.clone()));
        }
        self.counters
            .count_ends(ended.iter().filter_map(|session| session.end_reason));
        self.tally_ends(ended);
        self.publish_ends(ended.to_vec());
    }

    /// Applies ends recorded by other processes (the CLI, other instances) to this
    /// process's cache and live channels. Returns how many were new here.
    /// A process that serves checks then reports how far it has applied the log.
    pub async fn apply_logged_ends(&self) -> CoreResult<usize> {
        let _one_reader = self.membership.apply_lock.lock().await;
        let mut applied = 0;
        let mut moved = false;
        loop {
            let since = self.applied_end_seq.load(Ordering::SeqCst);
            let ends = self.store.ends_since(since, 1000).await?;
            let Some(last) = ends.last() else {
                if moved {
                    self.report_applied().await?;
                }
                self.end_log_read();
                return Ok(applied);
            };
            moved = true;
            self.applied_end_seq.store(last.seq, Ordering::SeqCst);
            let fresh: Vec<Session> = {
                let mut announced = self.announced_ends.lock();
                ends.into_iter()
                    .filter(|end| !announced.remove(&end.session.id))
                    .map(|end| end.session)
                    .collect()
            };
            applied += fresh.len();
            self.publish_ends(fresh);
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
