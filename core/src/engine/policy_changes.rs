//! Changing the session policy: preview what a change would end, save it (validated
//! as a whole, recorded in the ledger, applied at once), and pick up changes saved by
//! other processes.

use super::{Engine, SYSTEM_ACTOR};
use crate::catalogue::{SettingChange, SettingScope, SettingsChangeRecord};
use crate::error::CoreResult;
use crate::model::MAX_PAGE_SIZE;
use crate::model::{EndReason, Impact, Millis, Role};
use crate::policy::impact::{observing, sessions_to_end, summarize, MayEnd};
use crate::policy::limits::LiveSummary;
use crate::policy::Policy;
use crate::store::{EndSelector, Scope, SettingWrite};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// What a save did: the ledger entries written and the sessions it ended.
#[derive(Clone, Debug, Default)]
pub struct SavedSettings {
    pub changes: Vec<SettingsChangeRecord>,
    pub impact: Impact,
}

impl Engine {
    /// What saving `changes` would end now; `own_session` is the asking admin's.
    /// Invalid changes are refused exactly as saving them would be.
    pub async fn preview_settings(
        &self,
        changes: &[SettingChange],
        own_session: Option<&str>,
    ) -> CoreResult<Impact> {
        let (policy, _) = self.policy().with_changes(changes)?;
        let now = self.now();
        let mut sessions = self.live_summaries(&policy, now).await?;
        for session in &mut sessions {
            self.overlay_summary(session);
        }
        let ends = sessions_to_end(&policy, &sessions, now);
        let impact = summarize(&ends, &sessions, own_session);
        free_later(sessions);
        Ok(Impact {
            observing: observing(&policy),
            ..impact
        })
    }

    /// Validates all `changes` (nothing is saved if one is refused), records them with
    /// `actor`, and applies the new policy at once: every session it ends is ended now,
    /// by "system", with its reason, and told so live.
    pub async fn save_settings(
        &self,
        changes: &[SettingChange],
        actor: &str,
        own_session: Option<&str>,
    ) -> CoreResult<SavedSettings> {
        let one_at_a_time = self.policy_lock.lock().await;
        let (policy, effective) = self.policy().with_changes(changes)?;
        if effective.is_empty() {
            return Ok(SavedSettings::default());
        }
        // A default never saved was the built-in one; the ledger shows that value.
        let writes: Vec<SettingWrite> = effective
            .iter()
            .map(|change| SettingWrite {
                old_if_unset: match change.scope {
                    SettingScope::Default => {
                        crate::catalogue::spec(&change.key).map(|spec| spec.default.to_owned())
                    }
                    SettingScope::Role(_) => None,
                },
                change: change.clone(),
            })
            .collect();
        let records = self.store.save_settings(&writes, actor, self.now()).await?;
        let version = self.store.settings_version().await?;
        self.policy_version.store(version, Ordering::SeqCst);
        let impact = self.install_policy(policy, own_session).await?;
        drop(one_at_a_time);
        // Acknowledged once every instance runs the new policy (its ends waited
        // already; a change that ended nothing has not).
        self.await_agreement().await;
        tracing::info!(%actor, changes = records.len(), ended = impact.sessions, "session policy changed");
        Ok(SavedSettings {
            changes: records,
            impact,
        })
    }

    /// Reloads the policy when the store's settings `version` (read from the change
    /// log's heads) is newer than the one this process holds: another process saved a
    /// change. Returns whether this process now runs a policy at least that new; `false`
    /// when a save in this process holds the policy (waiting for it could wait for this
    /// very call: a save's ends wait until this process has read the log).
    pub(super) async fn follow_settings_version(&self, version: i64) -> CoreResult<bool> {
        if version <= self.policy_version.load(Ordering::SeqCst) {
            return Ok(true);
        }
        let Ok(_one_at_a_time) = self.policy_lock.try_lock() else {
            return Ok(false);
        };
        // A save in this process may have installed it since the first look.
        if version <= self.policy_version.load(Ordering::SeqCst) {
            return Ok(true);
        }
        // Read after `version`: as new as it, or newer (then a later read follows on).
        let policy = Policy::from_stored(self.store.load_settings().await?);
        self.policy_version.store(version, Ordering::SeqCst);
        // The process that saved it has ended what it ends; here only deadlines move,
        // and cached expiries may be stale: the next check of each session rereads it.
        self.put_in_force(Arc::new(policy)).await?;
        self.cache.clear();
        Ok(true)
    }

    pub async fn settings_changes(
        &self,
        limit: i64,
        before: Option<i64>,
    ) -> CoreResult<Vec<SettingsChangeRecord>> {
        self.store
            .settings_changes(limit.clamp(1, i64::from(MAX_PAGE_SIZE)), before)
            .await
    }

    /// Puts `policy` in force. Unwritten "last seen" moves reach the store first: the
    /// caller drops the cache after.
    async fn put_in_force(&self, policy: Arc<Policy>) -> CoreResult<()> {
        self.flush_touches(true).await?;
        *self.policy.write() = policy;
        Ok(())
    }

    /// Puts a saved `policy` in force and ends, now, the sessions it ends.
    async fn install_policy(
        &self,
        policy: Policy,
        own_session: Option<&str>,
    ) -> CoreResult<Impact> {
        let policy = Arc::new(policy);
        self.put_in_force(policy.clone()).await?;
        // Judge the sessions before moving expiries: a session past a shortened lifetime
        // is ended here, with its reason, rather than skipped as already expired.
        let now = self.now();
        let sessions = self.live_summaries(&policy, now).await?;
        let ends = sessions_to_end(&policy, &sessions, now);
        let mut by_reason: BTreeMap<&'static str, (EndReason, Vec<String>)> = BTreeMap::new();
        for &(index, reason) in &ends {
            by_reason
                .entry(reason.as_str())
                .or_insert((reason, Vec::new()))
                .1
                .push(sessions[index].id.clone());
        }
        for (_, (reason, ids)) in by_reason {
            for chunk in ids.chunks(super::MAX_IDS_PER_CALL) {
                let selector = EndSelector::Ids {
                    ids: chunk.to_vec(),
                    scope: Scope::Everyone,
                };
                self.end(selector, reason, SYSTEM_ACTOR).await?;
            }
        }
        for &role in Role::ALL {
            self.store
                .cap_expiry(role, policy.for_role(role).lifetime_ms)
                .await?;
        }
        // Cached expiries may be stale now; the next check of each session rereads it.
        self.cache.clear();
        let impact = summarize(&ends, &sessions, own_session);
        free_later(sessions);
        Ok(Impact {
            observing: observing(&policy),
            ..impact
        })
    }

    /// The live sessions `policy` may end at `now` (`MayEnd`), as it judges them, read
    /// into a vector sized for every live session (with room for sign-ins during the
    /// read): pages of it that nothing is read into are never touched.
    async fn live_summaries(&self, policy: &Policy, now: Millis) -> CoreResult<Vec<LiveSummary>> {
        let expected = usize::try_from(self.counts.total()).unwrap_or(0);
        self.store
            .live_summaries(now, expected + expected / 64, MayEnd::under(policy, now))
            .await
    }

    /// A session's "last seen" and address as this process knows them, newer than the
    /// store's until the flusher writes them.
    fn overlay_summary(&self, session: &mut LiveSummary) {
        if let Some(cached) = self.cache.get_id(&session.id) {
            session.last_seen_at = session.last_seen_at.max(cached.last_seen());
            session.ip = cached.last_ip();
        }
    }
}

/// Frees `sessions` on a blocking thread, after the answer: a million summaries hold
/// four million strings, tens of milliseconds of frees nobody needs to wait for.
fn free_later(sessions: Vec<LiveSummary>) {
    if sessions.len() > 10_000 {
        tokio::task::spawn_blocking(move || drop(sessions));
    }
}
