//! The check: is this token a live session of this application, for a request from
//! this client? The hot path of every application; it touches only memory when the
//! session is cached, and refusals that end a session write through.

use super::{ClientInfo, Engine, CONSOLE_APP, SYSTEM_ACTOR};
use crate::cache::{CachedSession, Fill};
use crate::counters::CheckOutcome;
use crate::error::{CoreError, CoreResult};
use crate::model::{EndReason, Millis};
use crate::policy::mode::Verdict;
use crate::store::{EndSelector, Scope};
use crate::token::{Token, TokenHash};
use std::sync::Arc;
use std::time::Instant;

/// Whether a check is someone's activity (it moves "last seen") or only a look.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Activity {
    Touch,
    Peek,
}

impl Engine {
    /// Is `token` a live console session for a request from `client`?
    pub async fn check(
        &self,
        token: &Token,
        client: &ClientInfo,
    ) -> CoreResult<Arc<CachedSession>> {
        self.check_for(CONSOLE_APP, token, client).await
    }

    /// The hot path: is `token` a live session of `application` for a request from
    /// `client`? Touches only memory when the session is cached; refusals that end a
    /// session write through. Another application's token is unknown here, and is
    /// neither ended nor touched.
    pub async fn check_for(
        &self,
        application: &str,
        token: &Token,
        client: &ClientInfo,
    ) -> CoreResult<Arc<CachedSession>> {
        self.verify(application, token, client, Activity::Touch)
            .await
    }

    /// The console check without the activity: every refusal of `check` (and the
    /// ends they cause), but "last seen" does not move. For what the person did not
    /// do themselves: automatic refreshes, the live channel.
    pub async fn peek(&self, token: &Token, client: &ClientInfo) -> CoreResult<Arc<CachedSession>> {
        self.verify(CONSOLE_APP, token, client, Activity::Peek)
            .await
    }

    /// Every check, counted by outcome and timed. The time is the real one, not the
    /// injected clock: it is the check's own cost that operators watch.
    async fn verify(
        &self,
        application: &str,
        token: &Token,
        client: &ClientInfo,
        activity: Activity,
    ) -> CoreResult<Arc<CachedSession>> {
        let started = Instant::now();
        let result = self.decide(application, token, client, activity).await;
        self.counters
            .count_check(CheckOutcome::of(&result), started.elapsed());
        result
    }

    async fn decide(
        &self,
        application: &str,
        token: &Token,
        client: &ClientInfo,
        activity: Activity,
    ) -> CoreResult<Arc<CachedSession>> {
        self.ensure_current()?;
        let hash = token.hash();
        let cached = match self.cache.get(&hash) {
            Some(cached) => cached,
            None => self.fill_from_store(application, hash).await?,
        };
        if *cached.application != *application {
            return Err(CoreError::Unauthenticated(None));
        }
        let now = self.now();
        let policy = self.policy();
        let rules = policy.for_role(cached.role);
        // What network rules in observe mode would have done to a move: flagged with it.
        let mut observed = None;
        let refusal = if now >= cached.expires_at {
            Some(EndReason::Expired)
        } else if now >= cached.last_seen() + rules.idle_timeout_ms
            && now >= self.last_seen_anywhere(&cached, &hash).await? + rules.idle_timeout_ms
        {
            Some(EndReason::Idle)
        } else if !cached.last_ip_is(&client.ip) {
            // Only a moved address needs the network rules again; it was allowed before.
            if !rules.allow_ip_change {
                Some(EndReason::IpChange)
            } else {
                match rules.judge_address(&client.ip) {
                    Verdict::Refuse(_) => Some(EndReason::IpRule),
                    Verdict::Observed(flag) => {
                        observed = Some(flag);
                        None
                    }
                    Verdict::Allow { .. } => None,
                }
            }
        } else {
            None
        };
        if let Some(reason) = refusal {
            // A refusal by rule: every instance judges the same rules, and the check
            // does not wait for the others to learn of the end.
            self.end_unconfirmed(
                EndSelector::Ids {
                    ids: vec![cached.id.clone()],
                    scope: Scope::Everyone,
                },
                reason,
                SYSTEM_ACTOR,
            )
            .await?;
            return Err(CoreError::Unauthenticated(Some(reason)));
        }
        if activity == Activity::Touch {
            // Only a touch moves the cached address: a peek from a new address would
            // otherwise judge the same move on every refresh. The judging waits for the
            // background task (it reads the store); the check never does.
            if !cached.last_ip_is(&client.ip) {
                self.moves.push(&cached, &client.ip, observed);
            }
            cached.touch(now, &client.ip);
        }
        Ok(cached)
    }

    /// "Last seen" across instances, asked only when this process's memory says idle:
    /// behind a load balancer the person may have been active through another instance,
    /// which wrote it to the store (batched, latest wins). The answer can lag by one
    /// batch of that instance (`flush_touches`), never by more.
    async fn last_seen_anywhere(
        &self,
        cached: &CachedSession,
        hash: &TokenHash,
    ) -> CoreResult<Millis> {
        if let Some(stored) = self.store.session_by_token(hash).await? {
            cached.merge_seen_elsewhere(stored.last_seen_at);
        }
        Ok(cached.last_seen())
    }

    /// A cache miss: the session from the store, cached unless an end came first
    /// (see `cache` on why an end between the read and the fill must win).
    async fn fill_from_store(
        &self,
        application: &str,
        hash: TokenHash,
    ) -> CoreResult<Arc<CachedSession>> {
        loop {
            let ticket = self.cache.fill_ticket();
            let session = self
                .store
                .session_by_token(&hash)
                .await?
                .filter(|session| session.application == application)
                .ok_or(CoreError::Unauthenticated(None))?;
            if session.ended_at.is_some() {
                return Err(CoreError::Unauthenticated(session.end_reason));
            }
            #[cfg(test)]
            self.pause_before_fill().await;
            match self.cache.fill(ticket, hash, &session) {
                Fill::Cached(cached) => return Ok(cached),
                Fill::Ended(reason) => return Err(CoreError::Unauthenticated(reason)),
                Fill::Retry => continue,
            }
        }
    }
}
