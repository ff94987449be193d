//! The way into a fresh install: with no users at all, `serve` creates `admin`, from
//! `SESSIONS_ADMIN_PASSWORD` when set, else with a generated password it prints once
//! next to the URL. Any existing user (even a disabled one) means the operator already
//! has a way in, and nothing is created or printed.

use crate::config::GlobalArgs;
use rand::Rng;
use sessions_core::model::Role;
use sessions_core::Engine;
use std::net::SocketAddr;
use std::sync::Arc;

const ADMIN: &str = "admin";
/// 24 characters from 56 give 139 bits: beyond guessing, even offline against the hash.
const PASSWORD_LEN: usize = 24;
/// Letters and digits without look-alikes (0/O, 1/l/I), so it can be read off a screen
/// and typed; no punctuation, so a double-click in a terminal selects all of it.
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A generated first admin password, to be shown once the server listens.
pub struct FirstAdmin {
    password: String,
    /// The command (for this database) that changes it.
    change_command: String,
}

/// Creates the first admin when there are no users. `Some` when a password was
/// generated and must be shown.
pub async fn ensure(
    engine: &Arc<Engine>,
    global: &GlobalArgs,
) -> Result<Option<FirstAdmin>, String> {
    if user_count(engine).await? > 0 {
        return Ok(None);
    }
    let from_env = std::env::var("SESSIONS_ADMIN_PASSWORD")
        .ok()
        .filter(|password| !password.is_empty());
    let generated = from_env.is_none();
    let password = from_env.unwrap_or_else(generate_password);
    if let Err(err) = engine.add_user(ADMIN, password.clone(), Role::Admin).await {
        // Several instances starting together on one empty database: one of them wins
        // and shows its password; the others have nothing to show.
        if user_count(engine).await? > 0 {
            return Ok(None);
        }
        return Err(format!(
            "cannot create the first admin user {ADMIN:?}: {err}"
        ));
    }
    if !generated {
        tracing::info!("created the first admin user \"{ADMIN}\" from SESSIONS_ADMIN_PASSWORD");
        return Ok(None);
    }
    tracing::info!(
        "created the first admin user \"{ADMIN}\" with a generated password (printed on stdout)"
    );
    let change_command = global.command(&format!("user passwd {ADMIN}"));
    Ok(Some(FirstAdmin {
        password,
        change_command,
    }))
}

impl FirstAdmin {
    /// Prints where to sign in and with what, after the listening line.
    pub fn print(&self, listening: SocketAddr, scheme: crate::web::Scheme) {
        let mut shown = listening;
        if shown.ip().is_unspecified() {
            shown.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        println!();
        println!("First start: no users yet, so the admin user \"{ADMIN}\" was created.");
        println!("Open {scheme}://{shown}/login and sign in with:");
        println!("    Username: {ADMIN}");
        println!("    Password: {}", self.password);
        println!("This password is shown only this once. Change it with:");
        println!("    {}", self.change_command);
        println!();
    }
}

async fn user_count(engine: &Arc<Engine>) -> Result<i64, String> {
    engine
        .count_users()
        .await
        .map_err(|err| format!("cannot count the users: {err}"))
}

/// A password from the operating system's randomness (`rand::rng()` is a CSPRNG seeded
/// from it).
fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..PASSWORD_LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_distinct_and_plain() {
        let first = generate_password();
        assert_eq!(first.len(), PASSWORD_LEN);
        assert!(first.bytes().all(|b| ALPHABET.contains(&b)), "{first}");
        assert_ne!(first, generate_password());
        assert_eq!(
            ALPHABET.len(),
            56,
            "the strength comment counts 56 characters"
        );
    }
}
