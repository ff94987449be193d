//! Suspicious-session flags, raised where a session arrives: at sign-in (stored with
//! the new session) and when a live session's address moves. A move is judged off the
//! check's path: the check only queues it (with what network rules in observe mode
//! would have done to it, judged there), and the background task reads the user's
//! history, writes the flags through and tells the consoles. The rules are
//! `policy::flags` and `policy::mode`; this module only gathers their input.

use super::Engine;
use crate::cache::CachedSession;
use crate::error::CoreResult;
use crate::flag::merge_flags;
use crate::model::{LiveEvent, Millis, SessionFlag, TouchedSession};
use crate::policy::flags::{self, Arrival, LOOK_BACK_MS};
use crate::store::UserRef;
use parking_lot::Mutex;
use std::sync::Arc;

/// At most this many moves wait to be judged; past it a move goes unjudged (logged).
/// Far more than a busy instance sees between two wake-ups of the judge.
const MAX_PENDING_MOVES: usize = 10_000;

/// An address move seen by a check: the session, its new address, and the flag of a
/// network rule in observe mode that would have ended it there.
type Move = (Arc<CachedSession>, String, Option<SessionFlag>);

/// Address moves seen by checks, waiting for the background judge.
#[derive(Default)]
pub(super) struct PendingMoves {
    queue: Mutex<Vec<Move>>,
    wake: tokio::sync::Notify,
}

impl PendingMoves {
    /// Queues the move of `session` to `ip` (with the `observed` flag, if any); never waits.
    pub fn push(&self, session: &Arc<CachedSession>, ip: &str, observed: Option<SessionFlag>) {
        let mut queue = self.queue.lock();
        if queue.len() >= MAX_PENDING_MOVES {
            tracing::warn!(session = %session.id, "too many address moves waiting; this one is not judged");
            return;
        }
        queue.push((session.clone(), ip.to_owned(), observed));
        drop(queue);
        self.wake.notify_one();
    }

    fn take(&self) -> Vec<Move> {
        std::mem::take(&mut *self.queue.lock())
    }
}

impl Engine {
    /// The flags of a sign-in of `user` from `ip` (`country` looked up already), before
    /// the session exists. Guests have no history to compare with: never flagged.
    pub(super) async fn sign_in_flags(
        &self,
        user: Option<UserRef<'_>>,
        ip: &str,
        country: Option<&str>,
        now: Millis,
    ) -> CoreResult<Vec<SessionFlag>> {
        let Some(user) = user else {
            return Ok(Vec::new());
        };
        let history = self.store.sign_in_history(user, now - LOOK_BACK_MS).await?;
        Ok(flags::on_sign_in(&history, Arrival { ip, country }, now))
    }

    /// Waits until a check has queued an address move.
    pub async fn moves_waiting(&self) {
        self.moves.wake.notified().await;
    }

    /// Judges the queued address moves: each flagged one is written through and
    /// announced to the consoles. A failure is logged, never a check's: a flag
    /// informs, it does not refuse. Returns how many moves were judged.
    pub async fn judge_moves(&self) -> usize {
        let moves = self.moves.take();
        for (session, ip, observed) in moves.iter() {
            if observed.is_some() {
                // Counted here, once per move: the check queues a move only on a touch.
                self.tally_observed_move(&session.application);
            }
            if let Err(err) = self.try_flag_move(session, ip, observed.clone()).await {
                tracing::warn!(error = %err, session = %session.id, "could not flag a moved session");
            }
        }
        moves.len()
    }

    async fn try_flag_move(
        &self,
        session: &CachedSession,
        ip: &str,
        observed: Option<SessionFlag>,
    ) -> CoreResult<()> {
        let mut raised: Vec<SessionFlag> = observed.into_iter().collect();
        raised.extend(self.move_flags(session, ip).await?);
        if raised.is_empty() {
            return Ok(());
        }
        // The stored flags, not a cached copy: another instance may have raised some.
        let Some(stored) = self.store.session_by_id(&session.id).await? else {
            return Ok(());
        };
        let merged = merge_flags(&stored.flags, raised);
        if merged.len() > stored.flags.len() {
            self.store.set_flags(&session.id, &merged).await?;
            tracing::info!(session = %session.id, flags = ?merged, "moved session flagged");
            session.set_flags(merged);
            self.announce_flags(session);
        }
        Ok(())
    }
}

impl Engine {
    /// The suspicious-session flags of `session` moving to `ip`; guests have no
    /// history to compare with and are never flagged.
    async fn move_flags(&self, session: &CachedSession, ip: &str) -> CoreResult<Vec<SessionFlag>> {
        let user = match (session.user_id, &session.external_user_id) {
            (Some(id), _) => UserRef::Account(id),
            (None, Some(id)) => UserRef::External {
                application: &session.application,
                id,
            },
            (None, None) => return Ok(Vec::new()),
        };
        let now = self.now();
        let country = self.geo.country(ip);
        let history = self.store.sign_in_history(user, now - LOOK_BACK_MS).await?;
        let arrival = Arrival {
            ip,
            country: country.as_deref(),
        };
        Ok(flags::on_move(
            &history,
            session.country.as_deref(),
            arrival,
            now,
        ))
    }

    /// Tells the consoles of a session's new flags, as a touch carrying them (the
    /// touch that carried the move may have gone out before they were judged).
    fn announce_flags(&self, session: &CachedSession) {
        let last_seen_at = session.last_seen();
        let idle_timeout_ms = self.policy().for_role(session.role).idle_timeout_ms;
        self.hub.publish(LiveEvent::Touched {
            touched: vec![TouchedSession {
                id: session.id.clone(),
                user_id: session.user_id,
                last_seen_at,
                idle_deadline: last_seen_at + idle_timeout_ms,
                last_ip: session.last_ip(),
                flags: session.flags(),
            }],
        });
    }
}
