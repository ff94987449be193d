//! Recent authentication (ASVS 7.5.2 and 7.5.3): ending one's other sessions and
//! changing settings that end sessions need the password entered within the last few
//! minutes, at sign-in or in a confirmation. A stolen session cookie alone then
//! cannot throw the owner out of their other devices or loosen the policy.

use super::{ClientInfo, Engine};
use crate::cache::CachedSession;
use crate::error::{CoreError, CoreResult};
use crate::model::Millis;
use crate::store::User;
use crate::throttle::AttemptKeys;
use parking_lot::Mutex;
use std::collections::HashMap;

/// How long an entered password counts as recent.
pub const RECENT_AUTH_MS: Millis = 5 * 60 * 1000;

/// When each session last confirmed its password after signing in. Kept in memory:
/// a restart only means being asked once more.
#[derive(Default)]
pub(crate) struct Confirmations(Mutex<HashMap<String, Millis>>);

impl Confirmations {
    fn last(&self, session_id: &str) -> Option<Millis> {
        self.0.lock().get(session_id).copied()
    }

    /// Records a confirmation and forgets the ones too old to matter.
    fn record(&self, session_id: &str, now: Millis) {
        let mut confirmed = self.0.lock();
        confirmed.retain(|_, at| now - *at <= RECENT_AUTH_MS);
        confirmed.insert(session_id.to_owned(), now);
    }
}

impl Engine {
    /// Whether `session`'s password was entered (signing in or confirming) within
    /// `RECENT_AUTH_MS`.
    pub fn auth_is_recent(&self, session: &CachedSession) -> bool {
        let entered = self
            .confirmations
            .last(&session.id)
            .unwrap_or(0)
            .max(session.created_at);
        self.now() - entered <= RECENT_AUTH_MS
    }

    /// Ok when `session`'s password was entered recently; otherwise `password` must be
    /// its user's (checked through the sign-in throttle), and then counts as recent.
    /// `CoreError::PasswordRequired` when it was not given.
    pub async fn require_recent_auth(
        &self,
        session: &CachedSession,
        password: Option<String>,
        client: &ClientInfo,
    ) -> CoreResult<()> {
        if self.auth_is_recent(session) {
            return Ok(());
        }
        self.confirm_password(session, password.unwrap_or_default(), client)
            .await
    }

    /// Checks `password` against the session's user, whether or not the last one was
    /// recent, and on success counts as entering it now. The way a page without its
    /// WASM answers "enter your password" before sending its action again.
    pub async fn confirm_password(
        &self,
        session: &CachedSession,
        password: String,
        client: &ClientInfo,
    ) -> CoreResult<()> {
        let user_id = session.user_id.ok_or(CoreError::Forbidden)?;
        if password.is_empty() {
            return Err(CoreError::PasswordRequired);
        }
        let user = self.user_by_id(user_id).await?;
        if !self.verify_own_password(&user, password, client).await? {
            return Err(CoreError::invalid("The password is wrong."));
        }
        self.confirmations.record(&session.id, self.now());
        Ok(())
    }

    /// Whether `password` is the user's. A password guess like a sign-in, so it goes
    /// through the same throttle: a stolen session cannot guess faster than sign-in.
    pub(crate) async fn verify_own_password(
        &self,
        user: &User,
        password: String,
        client: &ClientInfo,
    ) -> CoreResult<bool> {
        let attempt = self
            .throttle
            .reserve(AttemptKeys {
                user: user.username.clone(),
                ip: client.ip.clone(),
            })
            .map_err(|retry_after_secs| CoreError::Throttled { retry_after_secs })?;
        let credentials = self.store.user_credentials(&user.username).await?;
        let verified = self
            .hashing
            .verify(password, credentials.map(|c| c.password_hash))
            .await?;
        if verified {
            attempt.succeeded();
        }
        Ok(verified)
    }
}
