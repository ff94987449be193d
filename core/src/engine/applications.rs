//! Applications and their API keys. The key of every request is checked in memory:
//! a table of key hashes this process has seen, filled on first use and dropped
//! whenever the store's applications version moves (a key revoked by the CLI or
//! another instance stops working within one poll).

use super::{Engine, SYSTEM_ACTOR};
use crate::error::{CoreError, CoreResult};
use crate::model::{Application, EndReason};
use crate::store::{EndSelector, NewApplication};
use crate::token::{ApiKey, TokenHash};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

/// The console's own sessions are kept under this name; no application may take it.
const RESERVED_NAMES: [&str; 2] = [super::CONSOLE_APP, SYSTEM_ACTOR];
const MAX_NAME_LEN: usize = 40;

/// Keys known good in this process, by hash, with the application's name.
#[derive(Default)]
pub(super) struct KeyTable {
    by_hash: RwLock<HashMap<TokenHash, Arc<str>>>,
    /// The store's applications version the table is valid for.
    version: AtomicI64,
}

impl KeyTable {
    fn get(&self, hash: &TokenHash) -> Option<Arc<str>> {
        self.read().get(hash).cloned()
    }

    fn insert(&self, hash: TokenHash, name: Arc<str>) {
        self.by_hash
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(hash, name);
    }

    fn clear(&self) {
        self.by_hash
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<TokenHash, Arc<str>>> {
        self.by_hash
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
                name,
                key_hash: key.hash(),
                key_prefix: key.shown_prefix().to_owned(),
                created_by: actor.to_owned(),
                created_at: self.now(),
            })
            .await?;
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
            .ok_or_else(|| {
                CoreError::NotFound(format!("No application named {:?} with a live key.", name.trim()))
            })?;
        self.keys.clear();
        let ended = self
            .end(
                EndSelector::Application(application.name.clone()),
                EndReason::Killed,
                actor,
            )
            .await?;
        Ok((application, ended.len()))
    }

    /// The application a presented key belongs to, or `None` for a key that is
    /// malformed, unknown or revoked. Memory only once a key has been seen.
    pub async fn authenticate_app(&self, presented: &str) -> CoreResult<Option<Arc<str>>> {
        let Some(key) = ApiKey::parse(presented) else {
            return Ok(None);
        };
        let hash = key.hash();
        if let Some(name) = self.keys.get(&hash) {
            return Ok(Some(name));
        }
        let version = self.store.applications_version().await?;
        let found = self.store.application_by_key(&hash).await?;
        match found {
            Some(app) if app.revoked_at.is_none() => {
                let name: Arc<str> = app.name.into();
                // A table older than this read would let a revoked key back in.
                if self.keys.version.load(Ordering::SeqCst) == version {
                    self.keys.insert(hash, name.clone());
                }
                Ok(Some(name))
            }
            _ => Ok(None),
        }
    }

    /// Drops the key table when another process changed the applications.
    pub async fn reload_applications_if_changed(&self) -> CoreResult<bool> {
        let version = self.store.applications_version().await?;
        if self.keys.version.swap(version, Ordering::SeqCst) == version {
            return Ok(false);
        }
        self.keys.clear();
        Ok(true)
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
    use super::validate_app_name;

    #[test]
    fn application_names() {
        assert_eq!(validate_app_name(" shop ").unwrap(), "shop");
        assert_eq!(validate_app_name("crm-2.eu_west").unwrap(), "crm-2.eu_west");
        for bad in ["", " ", "-shop", "shop app", "shöp", "console", "Console", "system"] {
            assert!(validate_app_name(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(validate_app_name(&"a".repeat(40)).is_ok());
        assert!(validate_app_name(&"a".repeat(41)).is_err());
    }
}
