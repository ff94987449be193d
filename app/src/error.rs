//! The one error type of the server-function boundary. It travels to the browser as
//! JSON; `status` gives the HTTP status the server answers with. Internal causes are
//! logged on the server and reach the browser only as a generic sentence.

use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use sessions_core::model::EndReason;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    /// Not signed in; `reason` says why the session ended when it did.
    #[error("{message}")]
    Unauthenticated {
        message: String,
        reason: Option<EndReason>,
    },
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// The action needs the password entered recently: ask for it and send it along.
    #[error("{0}")]
    PasswordRequired(String),
    /// The session policy refused (a limit, a network rule); the text says which.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    NotFound(String),
    /// Slowed down (failed sign-ins); try again after `retry_after_secs`.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// The server cannot answer for now (busy, or its database is not answering);
    /// nothing was done. Try again after `retry_after_secs`.
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after_secs: u64,
    },
    #[error("Something went wrong on the server. It has been logged; please try again.")]
    Internal,
    /// The request did not reach the server or its answer was unreadable.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthenticated { .. } => 401,
            AppError::Forbidden | AppError::Refused(_) | AppError::PasswordRequired(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal | AppError::Transport(_) => 500,
            AppError::Unavailable { .. } => 503,
        }
    }

    /// The `Retry-After` seconds of a refusal that asks to come back later.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests {
                retry_after_secs, ..
            }
            | AppError::Unavailable {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// None of the `asked` sessions is live: ended meanwhile, or never there. One
    /// answer for both, so an id says nothing about sessions the caller cannot see.
    pub fn sessions_gone(asked: usize) -> AppError {
        AppError::NotFound(if asked == 1 {
            "This session has ended or does not exist.".into()
        } else {
            "These sessions have ended or do not exist.".into()
        })
    }

    pub fn unauthenticated(reason: Option<EndReason>) -> AppError {
        let message = reason
            .map(EndReason::explanation)
            .unwrap_or("You are not signed in.");
        AppError::Unauthenticated {
            message: message.to_owned(),
            reason,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::wire::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message) => {
                AppError::BadRequest(format!("The request could not be read: {message}"))
            }
            ServerFnErrorErr::UnsupportedRequestMethod(message) => AppError::BadRequest(message),
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                AppError::Transport(message)
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sessions_core::CoreError> for AppError {
    fn from(err: sessions_core::CoreError) -> Self {
        use sessions_core::CoreError;
        match err {
            CoreError::Invalid { message, .. } => AppError::BadRequest(message),
            CoreError::NotFound(entity) => AppError::NotFound(entity.to_string()),
            CoreError::BadCredentials => AppError::BadRequest(err.to_string()),
            CoreError::Throttled { retry_after_secs } => AppError::TooManyRequests {
                message: err.to_string(),
                retry_after_secs,
            },
            CoreError::Busy { retry_after_secs } => AppError::Unavailable {
                message: err.to_string(),
                retry_after_secs,
            },
            CoreError::Unauthenticated(reason) => AppError::unauthenticated(reason),
            CoreError::Forbidden => AppError::Forbidden,
            CoreError::PasswordRequired => AppError::PasswordRequired(err.to_string()),
            CoreError::Refused(message) => AppError::Refused(message),
            CoreError::Unavailable(ref cause) => {
                tracing::error!(error = %cause, "the session store failed");
                let retry_after_secs = err
                    .retry_after_secs()
                    .unwrap_or(sessions_core::error::STORE_RETRY_SECS);
                AppError::Unavailable {
                    message: err.to_string(),
                    retry_after_secs,
                }
            }
            CoreError::Internal { .. } => {
                tracing::error!(error = %err.report(), "internal error");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_arguments_are_client_errors() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(err.status(), 400);
    }

    #[test]
    fn survives_the_wire() {
        let err = AppError::unauthenticated(Some(EndReason::Killed));
        let json = serde_json::to_string(&err).expect("serialize");
        assert_eq!(serde_json::from_str::<AppError>(&json).expect("parse"), err);
        assert_eq!(
            err.to_string(),
            "Your session was ended by an administrator."
        );
    }
}
