//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the
//! blocking pool, never on the async runtime's workers, and only a few at a time.

use crate::error::{CoreError, CoreResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::{Arc, OnceLock};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Hashes that run at once. Each argon2id hash with the default parameters holds
/// 19 MiB and a core for tens of milliseconds; more at once than there are cores only
/// adds memory and latency.
pub const RUNNING_HASHES: usize = 4;
/// Hashes admitted at once, running or waiting for a turn. Beyond that the server is
/// busy: the caller is told to retry instead of queueing memory without bound.
pub const ADMITTED_HASHES: usize = 16;
/// What a busy answer asks the client to wait.
pub const BUSY_RETRY_SECS: u64 = 1;

/// Caps concurrent password hashing (sign-ins, password changes, new users).
pub struct HashGate {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

impl Default for HashGate {
    fn default() -> HashGate {
        HashGate::new(RUNNING_HASHES, ADMITTED_HASHES)
    }
}

impl HashGate {
    pub fn new(running: usize, admitted: usize) -> HashGate {
        HashGate {
            admitted: Arc::new(Semaphore::new(admitted)),
            running: Arc::new(Semaphore::new(running)),
        }
    }

    /// A turn to hash: `Busy` at once when too many are admitted already. Both permits
    /// move into the blocking task, so an abandoned request frees its turn only when
    /// its hash really ends.
    async fn turn(&self) -> CoreResult<(OwnedSemaphorePermit, OwnedSemaphorePermit)> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| CoreError::Busy {
                retry_after_secs: BUSY_RETRY_SECS,
            })?;
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|err| CoreError::internal_from("hash gate closed", err))?;
        Ok((admitted, running))
    }

    pub async fn hash(&self, password: String) -> CoreResult<String> {
        validate_password(&password)?;
        let turn = self.turn().await?;
        spawn_hashing(turn, move || hash_now(&password)).await
    }

    /// Checks `password` against `stored`. With no stored hash (unknown user) it
    /// verifies against a dummy hash anyway, so a wrong user name takes as long as a
    /// wrong password.
    pub async fn verify(&self, password: String, stored: Option<String>) -> CoreResult<bool> {
        if password.len() > MAX_PASSWORD_LEN {
            return Ok(false);
        }
        let turn = self.turn().await?;
        spawn_hashing(turn, move || verify_now(&password, stored)).await
    }
}

async fn spawn_hashing<T: Send + 'static>(
    turn: (OwnedSemaphorePermit, OwnedSemaphorePermit),
    work: impl FnOnce() -> CoreResult<T> + Send + 'static,
) -> CoreResult<T> {
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(|err| CoreError::internal_from("hash task", err))?
}

fn hash_now(password: &str) -> CoreResult<String> {
    let salt = new_salt()?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| CoreError::internal(format!("argon2 hash: {err}")))
}

fn verify_now(password: &str, stored: Option<String>) -> CoreResult<bool> {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
    let parsed = PasswordHash::new(&stored)
        .map_err(|err| CoreError::internal(format!("stored hash unreadable: {err}")))?;
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    Ok(known && matches)
}

pub fn validate_password(password: &str) -> CoreResult<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(CoreError::invalid(format!(
            "The password must have at least {MIN_PASSWORD_LEN} characters."
        )));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(CoreError::invalid(format!(
            "The password must have at most {MAX_PASSWORD_LEN} bytes."
        )));
    }
    Ok(())
}

fn new_salt() -> CoreResult<SaltString> {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    SaltString::encode_b64(&bytes).map_err(|err| CoreError::internal(format!("argon2 salt: {err}")))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        new_salt()
            .ok()
            .and_then(|salt| {
                Argon2::default()
                    .hash_password(b"not a real password", &salt)
                    .ok()
                    .map(|hash| hash.to_string())
            })
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let gate = HashGate::default();
        let hash = gate.hash("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(gate
            .verify("correct horse".into(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert!(!gate
            .verify("wrong horse!".into(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert_ne!(hash, gate.hash("correct horse".into()).await.expect("hash"));
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        assert!(!HashGate::default()
            .verify("not a real password".into(), None)
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert!(HashGate::default().hash("short".into()).await.is_err());
    }

    #[tokio::test]
    async fn a_full_gate_answers_busy_at_once_and_frees_its_turns() {
        let gate = HashGate::new(1, 2);
        let held = gate
            .admitted
            .clone()
            .try_acquire_many_owned(2)
            .expect("free");
        let busy = gate.verify("a password".into(), None).await;
        assert!(
            matches!(busy, Err(CoreError::Busy { retry_after_secs }) if retry_after_secs == BUSY_RETRY_SECS),
            "{busy:?}"
        );
        drop(held);
        assert!(!gate
            .verify("a password".into(), None)
            .await
            .expect("a turn"));
        assert_eq!(gate.admitted.available_permits(), 2, "turns are given back");
    }
}
