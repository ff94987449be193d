//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the
//! blocking pool, never on the async runtime's workers.

use crate::error::{CoreError, CoreResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 1024;

pub async fn hash_password(password: String) -> CoreResult<String> {
    validate_password(&password)?;
    tokio::task::spawn_blocking(move || {
        let salt = new_salt()?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| CoreError::internal(format!("argon2 hash: {err}")))
    })
    .await
    .map_err(|err| CoreError::internal(format!("hash task: {err}")))?
}

/// Checks `password` against `stored`. With no stored hash (unknown user) it verifies
/// against a dummy hash anyway, so a wrong user name takes as long as a wrong password.
pub async fn verify_password(password: String, stored: Option<String>) -> CoreResult<bool> {
    if password.len() > MAX_PASSWORD_LEN {
        return Ok(false);
    }
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed = PasswordHash::new(&stored)
            .map_err(|err| CoreError::internal(format!("stored hash unreadable: {err}")))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(|err| CoreError::internal(format!("verify task: {err}")))?
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
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert!(!verify_password("wrong horse!".into(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert_ne!(
            hash,
            hash_password("correct horse".into()).await.expect("hash")
        );
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        assert!(!verify_password("not a real password".into(), None)
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert!(hash_password("short".into()).await.is_err());
    }
}
