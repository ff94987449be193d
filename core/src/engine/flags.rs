//! Suspicious-session flags, raised where a session arrives: at sign-in (stored with
//! the new session) and when a live session's address moves (written through, once
//! per move). The rules are `policy::flags`; this module only gathers their input.

use super::Engine;
use crate::cache::CachedSession;
use crate::error::CoreResult;
use crate::flag::merge_flags;
use crate::model::{Millis, SessionFlag};
use crate::policy::flags::{self, Arrival, LOOK_BACK_MS};
use crate::store::UserRef;

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

    /// Flags `session` if its move to `ip` looks suspicious. Called once per move, by
    /// the check that saw it, before its cached address moves on. A failure is logged,
    /// never the check's: a flag informs, it does not refuse.
    pub(super) async fn flag_move(&self, session: &CachedSession, ip: &str) {
        if let Err(err) = self.try_flag_move(session, ip).await {
            tracing::warn!(error = %err, session = %session.id, "could not flag a moved session");
        }
    }

    async fn try_flag_move(&self, session: &CachedSession, ip: &str) -> CoreResult<()> {
        let user = match (session.user_id, &session.external_user_id) {
            (Some(id), _) => UserRef::Account(id),
            (None, Some(id)) => UserRef::External {
                application: &session.application,
                id,
            },
            (None, None) => return Ok(()),
        };
        let now = self.now();
        let country = self.geo.country(ip);
        let history = self.store.sign_in_history(user, now - LOOK_BACK_MS).await?;
        let arrival = Arrival {
            ip,
            country: country.as_deref(),
        };
        let raised = flags::on_move(&history, session.country.as_deref(), arrival, now);
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
        }
        Ok(())
    }
}
