//! The engine's one error type. Each kind says what went wrong in a form callers can
//! match on (what was missing, which field was refused, what failed inside), so the HTTP
//! API, the server functions and the CLI map it to a status or exit code without reading
//! the text. The text of every kind but `Internal` and `Unavailable` is safe to show;
//! those two carry causes for logs only.

use crate::model::EndReason;
use std::fmt;

/// The cause of an `Internal` error, kept for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The input was refused; `message` says why and is safe to show. `field` names the
    /// input (a setting key, a request field) when one input is to blame.
    #[error("{message}")]
    Invalid {
        field: Option<&'static str>,
        message: String,
    },
    /// Something the request names does not exist, or not within the caller's reach.
    #[error("{0}")]
    NotFound(Entity),
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
    /// A bug or a broken invariant: `context` says where, `source` what failed. For logs
    /// only (see `CoreError::report`); clients get a generic sentence.
    #[error("internal error: {context}")]
    Internal {
        context: String,
        #[source]
        source: Option<Cause>,
    },
}

/// What a `CoreError::NotFound` names. Its `Display` is the sentence for the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    /// A live session of the calling application, named by its public id.
    Session,
    /// A console account: by name when the caller gave one, else by id.
    User(Option<String>),
    /// An application with a live API key, by name (revoking needs a live key).
    ApiKey(String),
    /// An application, revoked or not, by name (as given, cut to 40 characters).
    Application(String),
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entity::Session => f.write_str("No live session of this application has that id."),
            Entity::User(Some(name)) => write!(f, "No user named {name:?}."),
            Entity::User(None) => f.write_str("No such user."),
            Entity::ApiKey(name) => write!(f, "No application named {name:?} with a live key."),
            Entity::Application(name) => write!(f, "No application named {name:?}."),
        }
    }
}

/// An id that did not parse is refused input, with the sentence the id gives.
impl From<crate::model::IdError> for CoreError {
    fn from(err: crate::model::IdError) -> CoreError {
        CoreError::invalid(err.to_string())
    }
}

/// What an `Unavailable` answer asks the client to wait.
pub const STORE_RETRY_SECS: u64 = 5;

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    /// Refused input not tied to one field.
    pub fn invalid(message: impl Into<String>) -> CoreError {
        CoreError::Invalid {
            field: None,
            message: message.into(),
        }
    }

    /// Refused input: the value of `field`.
    pub fn invalid_field(field: &'static str, message: impl Into<String>) -> CoreError {
        CoreError::Invalid {
            field: Some(field),
            message: message.into(),
        }
    }

    /// A broken invariant with nothing underneath it.
    pub fn internal(context: impl Into<String>) -> CoreError {
        CoreError::Internal {
            context: context.into(),
            source: None,
        }
    }

    /// A failure of something underneath (a task, a hash library) that should not fail.
    pub fn internal_from(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> CoreError {
        CoreError::Internal {
            context: context.into(),
            source: Some(Box::new(source)),
        }
    }

    /// The whole story for the log: this error and each of its sources, joined by ": ".
    /// For `Unavailable`, the cause it carries.
    pub fn report(&self) -> String {
        if let CoreError::Unavailable(cause) = self {
            return cause.clone();
        }
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
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
        CoreError::internal_from("migration", err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_things_keep_their_sentences() {
        let cases = [
            (
                Entity::Session,
                "No live session of this application has that id.",
            ),
            (Entity::User(Some("ann".into())), "No user named \"ann\"."),
            (Entity::User(None), "No such user."),
            (
                Entity::ApiKey("crm".into()),
                "No application named \"crm\" with a live key.",
            ),
            (
                Entity::Application("crm".into()),
                "No application named \"crm\".",
            ),
        ];
        for (entity, sentence) in cases {
            assert_eq!(CoreError::NotFound(entity).to_string(), sentence);
        }
    }

    #[test]
    fn the_report_names_the_cause() {
        let cause = std::io::Error::other("disk on fire");
        let err = CoreError::internal_from("hash task", cause);
        assert_eq!(err.to_string(), "internal error: hash task");
        assert_eq!(err.report(), "internal error: hash task: disk on fire");
    }
}
