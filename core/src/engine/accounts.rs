//! Accounts: creating users, and the account changes that end sessions (a new
//! password ends the other sessions by default; disabling or deleting ends all).

use super::{ClientInfo, Engine};
use crate::analytics::Metric;
use crate::error::{CoreError, CoreResult, Entity};
use crate::model::{EndReason, Role};
use crate::password::validate_password;
use crate::store::{EndSelector, NewUser, User};

const MAX_USERNAME_LEN: usize = 64;

/// Which sessions survive a password change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeepSessions {
    /// End every session of the user (the CLI default).
    None,
    /// End all but this one (the session that changed its own password).
    This(String),
    /// End nothing (an explicit opt-out).
    All,
}

impl Engine {
    pub async fn add_user(&self, username: &str, password: String, role: Role) -> CoreResult<User> {
        let username = validate_username(username)?;
        validate_password(&password)?;
        let password_hash = self.hashing.hash(password).await?;
        let new = NewUser {
            username: username.clone(),
            password_hash,
            role,
        };
        let user = self
            .store
            .create_user(new, self.now())
            .await?
            .ok_or_else(|| {
                CoreError::invalid(format!("A user named {username:?} already exists."))
            })?;
        self.tally_account(Metric::AccountCreated);
        Ok(user)
    }

    pub async fn count_users(&self) -> CoreResult<i64> {
        self.store.count_users().await
    }

    pub async fn list_users(&self) -> CoreResult<Vec<User>> {
        self.store.list_users().await
    }

    pub async fn user_by_name(&self, username: &str) -> CoreResult<User> {
        self.store
            .user_by_name(username)
            .await?
            .ok_or_else(|| CoreError::NotFound(Entity::User(Some(username.to_owned()))))
    }

    pub async fn user_by_id(&self, id: i64) -> CoreResult<User> {
        self.store
            .user_by_id(id)
            .await?
            .ok_or(CoreError::NotFound(Entity::User(None)))
    }

    /// A user changing their own password: the current one must be right (checked
    /// through the sign-in throttle, see `verify_own_password`).
    pub async fn change_own_password(
        &self,
        user_id: i64,
        current: String,
        new: String,
        keep: KeepSessions,
        client: &ClientInfo,
    ) -> CoreResult<usize> {
        let user = self.user_by_id(user_id).await?;
        if !self.verify_own_password(&user, current, client).await? {
            return Err(CoreError::invalid("The current password is wrong."));
        }
        self.set_password(&user, new, keep, &user.username).await
    }

    /// Sets a new password and ends the user's sessions as `keep` says, recording
    /// `actor` as who ended them. Returns how many ended.
    pub async fn set_password(
        &self,
        user: &User,
        new: String,
        keep: KeepSessions,
        actor: &str,
    ) -> CoreResult<usize> {
        validate_password(&new)?;
        let hash = self.hashing.hash(new).await?;
        found(self.store.set_password(user.id, &hash).await?)?;
        self.tally_account(Metric::PasswordChanged);
        let selector = match keep {
            KeepSessions::All => return Ok(0),
            KeepSessions::None => EndSelector::User(user.id),
            KeepSessions::This(id) => EndSelector::UserExcept {
                user_id: user.id,
                keep: id,
            },
        };
        Ok(self
            .end(selector, EndReason::PasswordChange, actor)
            .await?
            .len())
    }

    /// Disables (or re-enables) a user; disabling ends every session at once.
    pub async fn set_disabled(
        &self,
        user: &User,
        disabled: bool,
        actor: &str,
    ) -> CoreResult<usize> {
        found(self.store.set_disabled(user.id, disabled).await?)?;
        if !disabled {
            return Ok(0);
        }
        Ok(self
            .end(EndSelector::User(user.id), EndReason::UserDisabled, actor)
            .await?
            .len())
    }

    /// Ends every session of the user, then deletes the account. The ended sessions
    /// stay in history under the user's name.
    pub async fn delete_user(&self, user: &User, actor: &str) -> CoreResult<usize> {
        // Disable first so that no sign-in slips in between the end and the delete.
        found(self.store.set_disabled(user.id, true).await?)?;
        let ended = self
            .end(EndSelector::User(user.id), EndReason::UserDisabled, actor)
            .await?
            .len();
        found(self.store.delete_user(user.id).await?)?;
        self.tally_account(Metric::AccountDeleted);
        Ok(ended)
    }
}

/// A store change of one user reports whether the user was there.
fn found(there: bool) -> CoreResult<()> {
    if there {
        Ok(())
    } else {
        Err(CoreError::NotFound(Entity::User(None)))
    }
}

fn validate_username(username: &str) -> CoreResult<String> {
    let username = username.trim();
    let valid_chars = username
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if username.is_empty() || username.chars().count() > MAX_USERNAME_LEN || !valid_chars {
        return Err(CoreError::invalid(format!(
            "A username has 1 to {MAX_USERNAME_LEN} letters, digits or . _ - @ characters."
        )));
    }
    Ok(username.to_owned())
}
