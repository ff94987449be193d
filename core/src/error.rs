//! The engine's one error type. Callers map it to HTTP statuses or exit codes; the
//! `Internal` text is for logs only and never shown to a client.

use crate::model::EndReason;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The input was refused; the text says why and is safe to show.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// Sign-in failed: wrong user name or password (deliberately not saying which).
    #[error("Wrong username or password.")]
    BadCredentials,
    #[error("Too many failed sign-in attempts. Try again in {retry_after_secs} second{}.", if *.retry_after_secs == 1 { "" } else { "s" })]
    Throttled { retry_after_secs: u64 },
    /// Too many passwords are being checked at once; nothing was attempted.
    #[error("The server is busy checking other passwords. Try again in {retry_after_secs} second{}.", if *.retry_after_secs == 1 { "" } else { "s" })]
    Busy { retry_after_secs: u64 },
    /// No valid session: never had one, or it ended for `reason`.
    #[error("{}", .0.map(EndReason::explanation).unwrap_or("You are not signed in."))]
    Unauthenticated(Option<EndReason>),
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// The action needs the password entered recently; it was not (see `recent_auth`).
    #[error("Enter your password to confirm it is you.")]
    PasswordRequired,
    /// The session policy refuses (a limit, a network rule); the text says which.
    #[error("{0}")]
    Refused(String),
    /// The store failed (unreachable, locked, broken). Nothing can be decided, so
    /// nothing is: the caller answers "try again later", never "signed out" and never
    /// "allowed". The text is the cause, for logs only.
    #[error("The session store is not answering right now. Try again in a few seconds.")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// What an `Unavailable` answer asks the client to wait.
pub const STORE_RETRY_SECS: u64 = 5;

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    pub fn invalid(message: impl Into<String>) -> CoreError {
        CoreError::Invalid(message.into())
    }

    pub fn internal(message: impl Into<String>) -> CoreError {
        CoreError::Internal(message.into())
    }

    /// How long the client should wait before trying again, for refusals that pass.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            CoreError::Throttled { retry_after_secs } | CoreError::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            CoreError::Unavailable(_) => Some(STORE_RETRY_SECS),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for CoreError {
    fn from(err: sqlx::Error) -> CoreError {
        crate::counters::count_store_error();
        CoreError::Unavailable(format!("database: {err}"))
    }
}

impl From<sqlx::migrate::MigrateError> for CoreError {
    fn from(err: sqlx::migrate::MigrateError) -> CoreError {
        CoreError::Internal(format!("migration: {err}"))
    }
}
