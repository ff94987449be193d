//! Applications and their API keys. The key of every request is checked in memory:
//! a table of key hashes this process has seen, filled on first use and dropped
//! whenever the store's applications version moves (a key revoked by the CLI or
//! another instance stops working within one poll).
//!
//! A key the store does not know costs two store reads, so unknown keys are refused
//! from memory for a minute (a small negative cache), and failed keys are counted per
//! calling address by the throttle: after a few, the address waits before any more of
//! its keys are looked up.

use super::{Engine, SYSTEM_ACTOR};
use crate::error::{CoreError, CoreResult, Entity};
use crate::model::{Application, EndReason, Millis};
use crate::store::{EndSelector, NewApplication};
use crate::token::{ApiKey, TokenHash};
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The console's own sessions are kept under this name; no application may take it.
const RESERVED_NAMES: [&str; 2] = [super::CONSOLE_APP, SYSTEM_ACTOR];
const MAX_NAME_LEN: usize = 40;
/// How long an unknown key is refused from memory. A key created meanwhile cannot be
/// in it (keys are random, so none is presented before it exists); a revoked one
/// stays revoked.
const UNKNOWN_FOR_MS: Millis = 60_000;
/// At most this many unknown keys are remembered (~100 KB): a flood of random keys
/// replaces the memory, never grows it.
const MAX_UNKNOWN: usize = 1024;

/// Keys known good in this process, by hash, with the application's name.
#[derive(Default)]
pub(super) struct KeyTable {
    by_hash: RwLock<HashMap<TokenHash, Arc<str>>>,
    /// The store's applications version the table is valid for.
    version: AtomicI64,
    /// Well-formed keys the store did not know (or knew revoked), with when.
    unknown: Mutex<HashMap<TokenHash, Millis>>,
}

impl KeyTable {
    fn get(&self, hash: &TokenHash) -> Option<Arc<str>> {
        self.read().get(hash).cloned()
    }

    /// Remembers a key read from the store at applications `version`, unless the table
    /// has moved past that version since (the read may predate a revocation).
    fn insert_if_current(&self, hash: TokenHash, name: Arc<str>, version: i64) {
        let mut by_hash = self.by_hash.write();
        if self.version.load(Ordering::SeqCst) == version {
            by_hash.insert(hash, name);
        }
    }

    /// Moves the table to applications `version` when that is newer (an application
    /// was added or revoked, here or by another process), forgetting every key. Under
    /// the table's lock, so no read older than `version` lands after it. Returns
    /// whether it moved.
    pub(super) fn follow(&self, version: i64) -> bool {
        let mut by_hash = self.by_hash.write();
        if self.version.fetch_max(version, Ordering::SeqCst) >= version {
            return false;
        }
        by_hash.clear();
        drop(by_hash);
        self.lock_unknown().clear();
        true
    }

    fn is_known_unknown(&self, hash: &TokenHash, now: Millis) -> bool {
        self.lock_unknown()
            .get(hash)
            .is_some_and(|at| now - *at < UNKNOWN_FOR_MS)
    }

    fn remember_unknown(&self, hash: TokenHash, now: Millis) {
        let mut unknown = self.lock_unknown();
        if unknown.len() >= MAX_UNKNOWN {
            unknown.retain(|_, at| now - *at < UNKNOWN_FOR_MS);
            if unknown.len() >= MAX_UNKNOWN {
                unknown.clear();
            }
        }
        unknown.insert(hash, now);
    }

    fn lock_unknown(&self) -> parking_lot::MutexGuard<'_, HashMap<TokenHash, Millis>> {
        self.unknown.lock()
    }

    fn read(&self) -> parking_lot::RwLockReadGuard<'_, HashMap<TokenHash, Arc<str>>> {
        self.by_hash.read()
    }
}

/// A new application and its key, shown this once.
pub struct NewAppKey {
    pub application: Application,
    pub key: ApiKey,
}

impl Engine {
    /// Adds an application and returns its key; only the key's hash is stored.
    pub async fn create_application(&self, name: &str, actor: &str) -> CoreResult<NewAppKey> {
        let name = validate_app_name(name)?;
        let key = ApiKey::generate();
        let application = self
            .store
            .create_application(NewApplication {
                name: name.clone(),
                key_hash: key.hash(),
                key_prefix: key.shown_prefix().to_owned(),
                created_by: actor.to_owned(),
                created_at: self.now(),
            })
            .await?
            .ok_or_else(|| {
                CoreError::invalid(format!(
                    "An application named {name:?} exists or existed; pick another name."
                ))
            })?;
        self.keys.follow(self.store.applications_version().await?);
        Ok(NewAppKey { application, key })
    }

    pub async fn list_applications(&self) -> CoreResult<Vec<Application>> {
        self.store.list_applications(self.now()).await
    }

    /// Revokes the application's key and ends all of its live sessions. Returns the
    /// application and how many sessions ended.
    pub async fn revoke_application(
        &self,
        name: &str,
        actor: &str,
    ) -> CoreResult<(Application, usize)> {
        let application = self
            .store
            .revoke_application(name.trim(), actor, self.now())
            .await?
            .ok_or_else(|| CoreError::NotFound(Entity::ApiKey(name.trim().to_owned())))?;
        self.keys.follow(self.store.applications_version().await?);
        let ended = self
            .end(
                EndSelector::Application(application.name.clone()),
                EndReason::Killed,
                actor,
            )
            .await?;
        if ended.is_empty() {
            // No end waited for the other instances: the revocation itself must reach
            // them before it is acknowledged, or one could still take the key.
            self.await_agreement().await;
        }
        Ok((application, ended.len()))
    }

    /// The application a presented key belongs to, or `None` for a key that is
    /// malformed, unknown or revoked. Memory only once a key has been seen.
    /// `Throttled` when `ip` (the caller's address) presented too many failed keys.
    pub async fn authenticate_app(
        &self,
        presented: &str,
        ip: &str,
    ) -> CoreResult<Option<Arc<str>>> {
        let Some(key) = ApiKey::parse(presented) else {
            return Ok(None);
        };
        let hash = key.hash();
        if let Some(name) = self.keys.get(&hash) {
            return Ok(Some(name));
        }
        let attempt = self
            .throttle
            .reserve_api_key(ip)
            .map_err(|retry_after_secs| CoreError::Throttled { retry_after_secs })?;
        let now = self.now();
        if self.keys.is_known_unknown(&hash, now) {
            return Ok(None);
        }
        let version = self.store.applications_version().await?;
        let found = self.store.application_by_key(&hash).await?;
        match found {
            Some(app) if app.revoked_at.is_none() => {
                let name: Arc<str> = app.name.into();
                self.keys.insert_if_current(hash, name.clone(), version);
                attempt.succeeded();
                Ok(Some(name))
            }
            _ => {
                self.keys.remember_unknown(hash, now);
                Ok(None)
            }
        }
    }
}

/// Trims and checks an application name: 1–40 letters, digits, `-`, `_` or `.`,
/// starting with a letter or digit, and not a reserved name.
fn validate_app_name(name: &str) -> CoreResult<String> {
    let name = name.trim();
    let well_formed = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !well_formed {
        return Err(CoreError::invalid(format!(
            "An application name is 1 to {MAX_NAME_LEN} letters, digits, '-', '_' or '.', \
             starting with a letter or digit; got {:?}.",
            name.chars().take(60).collect::<String>()
        )));
    }
    if RESERVED_NAMES
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(name))
    {
        return Err(CoreError::invalid(format!(
            "The name {name:?} is reserved; pick another."
        )));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_remembered_for_a_while_and_bounded() {
        let table = KeyTable::default();
        let hash = ApiKey::generate().hash();
        table.remember_unknown(hash, 0);
        assert!(table.is_known_unknown(&hash, UNKNOWN_FOR_MS - 1));
        assert!(!table.is_known_unknown(&hash, UNKNOWN_FOR_MS));
        for _ in 0..3 * MAX_UNKNOWN {
            table.remember_unknown(ApiKey::generate().hash(), 0);
        }
        assert!(table.lock_unknown().len() <= MAX_UNKNOWN);
        table.remember_unknown(hash, 0);
        assert!(table.follow(1));
        assert!(
            !table.is_known_unknown(&hash, 1),
            "a change of the applications forgets them"
        );
    }

    #[test]
    fn a_key_read_before_a_change_of_the_applications_is_not_remembered_after_it() {
        let table = KeyTable::default();
        let hash = ApiKey::generate().hash();
        table.insert_if_current(hash, "shop".into(), 0);
        assert!(table.get(&hash).is_some(), "read at the table's version");
        assert!(table.follow(2));
        assert!(table.get(&hash).is_none(), "forgotten by the change");
        // A read that began before the change (at version 0) finishes after it.
        table.insert_if_current(hash, "shop".into(), 0);
        assert!(table.get(&hash).is_none(), "a stale read stays out");
        assert!(!table.follow(1), "an older version moves nothing");
        table.insert_if_current(hash, "shop".into(), 2);
        assert!(table.get(&hash).is_some());
    }

    #[test]
    fn application_names() {
        assert_eq!(validate_app_name(" shop ").expect("valid"), "shop");
        assert_eq!(
            validate_app_name("crm-2.eu_west").expect("valid"),
            "crm-2.eu_west"
        );
        for bad in [
            "", " ", "-shop", "shop app", "shöp", "console", "Console", "system",
        ] {
            assert!(validate_app_name(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(validate_app_name(&"a".repeat(40)).is_ok());
        assert!(validate_app_name(&"a".repeat(41)).is_err());
    }
}
