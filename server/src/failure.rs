//! What a failed command or start tells its user: a message and the process's exit code
//! (1 failure, 2 bad usage or input, 3 not found). The command line, `serve` and `demo`
//! share it; internal causes are logged, never printed raw.

use sessions_core::CoreError;

/// A failed command: what to tell the user and the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    pub fn io(err: std::io::Error) -> Failure {
        Failure {
            message: format!("cannot write the output: {err}"),
            code: 1,
        }
    }
}

impl From<CoreError> for Failure {
    fn from(err: CoreError) -> Failure {
        match err {
            CoreError::Invalid { message, .. } => Failure { message, code: 2 },
            CoreError::NotFound(_) => Failure {
                message: err.to_string(),
                code: 3,
            },
            CoreError::Unavailable(ref cause) => {
                tracing::error!(error = %cause, "the database failed");
                Failure {
                    message: err.to_string(),
                    code: 1,
                }
            }
            CoreError::Internal { .. } => {
                tracing::error!(error = %err.report(), "internal error");
                Failure {
                    message: "internal error, see the log above".into(),
                    code: 1,
                }
            }
            other => Failure {
                message: other.to_string(),
                code: 1,
            },
        }
    }
}
