//! How a sign-in or a session check ended, read off the engine's answer, so the
//! counting sits at the entry points and never inside the rules.

use crate::error::{CoreError, CoreResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInOutcome {
    Success,
    /// Wrong user name or password, or a disabled account.
    Failed,
    /// Too many failed attempts for this user or address.
    Throttled,
    /// Refused by the session policy: a concurrent limit or a network rule.
    Refused,
    /// Too many passwords being checked at once; nothing was attempted.
    Busy,
    /// Malformed input: empty fields, a form sent twice, an over-long user id.
    Invalid,
    /// The store failed or something else went wrong.
    Error,
}

impl SignInOutcome {
    pub const ALL: [SignInOutcome; 7] = [
        SignInOutcome::Success,
        SignInOutcome::Failed,
        SignInOutcome::Throttled,
        SignInOutcome::Refused,
        SignInOutcome::Busy,
        SignInOutcome::Invalid,
        SignInOutcome::Error,
    ];

    pub fn of<T>(result: &CoreResult<T>) -> SignInOutcome {
        match result {
            Ok(_) => SignInOutcome::Success,
            Err(CoreError::BadCredentials) => SignInOutcome::Failed,
            Err(CoreError::Throttled { .. }) => SignInOutcome::Throttled,
            Err(CoreError::Refused(_)) => SignInOutcome::Refused,
            Err(CoreError::Busy { .. }) => SignInOutcome::Busy,
            Err(CoreError::Invalid { .. }) => SignInOutcome::Invalid,
            Err(_) => SignInOutcome::Error,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SignInOutcome::Success => "success",
            SignInOutcome::Failed => "failed",
            SignInOutcome::Throttled => "throttled",
            SignInOutcome::Refused => "refused",
            SignInOutcome::Busy => "busy",
            SignInOutcome::Invalid => "invalid",
            SignInOutcome::Error => "error",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    /// A live session: the request may go on.
    Ok,
    /// No session has this token (or it belongs to another application).
    Unknown,
    /// The session has ended, or this check ended it (idle, expired, address rules);
    /// `sessions_ended_total` says why.
    Ended,
    /// The store could not answer; nothing was decided.
    Error,
}

impl CheckOutcome {
    pub const ALL: [CheckOutcome; 4] = [
        CheckOutcome::Ok,
        CheckOutcome::Unknown,
        CheckOutcome::Ended,
        CheckOutcome::Error,
    ];

    pub fn of<T>(result: &CoreResult<T>) -> CheckOutcome {
        match result {
            Ok(_) => CheckOutcome::Ok,
            Err(CoreError::Unauthenticated(None)) => CheckOutcome::Unknown,
            Err(CoreError::Unauthenticated(Some(_))) => CheckOutcome::Ended,
            Err(_) => CheckOutcome::Error,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Ok => "ok",
            CheckOutcome::Unknown => "unknown",
            CheckOutcome::Ended => "ended",
            CheckOutcome::Error => "error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EndReason;

    #[test]
    fn every_outcome_sits_at_its_own_index() {
        for (at, outcome) in SignInOutcome::ALL.into_iter().enumerate() {
            assert_eq!(outcome as usize, at, "{outcome:?}");
        }
        for (at, outcome) in CheckOutcome::ALL.into_iter().enumerate() {
            assert_eq!(outcome as usize, at, "{outcome:?}");
        }
    }

    #[test]
    fn sign_in_answers_map_to_outcomes() {
        let cases: Vec<(CoreResult<()>, SignInOutcome)> = vec![
            (Ok(()), SignInOutcome::Success),
            (Err(CoreError::BadCredentials), SignInOutcome::Failed),
            (
                Err(CoreError::Throttled {
                    retry_after_secs: 3,
                }),
                SignInOutcome::Throttled,
            ),
            (
                Err(CoreError::Refused("limit".into())),
                SignInOutcome::Refused,
            ),
            (
                Err(CoreError::Busy {
                    retry_after_secs: 1,
                }),
                SignInOutcome::Busy,
            ),
            (Err(CoreError::invalid("empty")), SignInOutcome::Invalid),
            (
                Err(CoreError::Unavailable("db".into())),
                SignInOutcome::Error,
            ),
            (Err(CoreError::internal("bug")), SignInOutcome::Error),
        ];
        for (result, expected) in cases {
            assert_eq!(SignInOutcome::of(&result), expected, "{result:?}");
        }
    }

    #[test]
    fn check_answers_map_to_outcomes() {
        let cases: Vec<(CoreResult<()>, CheckOutcome)> = vec![
            (Ok(()), CheckOutcome::Ok),
            (Err(CoreError::Unauthenticated(None)), CheckOutcome::Unknown),
            (
                Err(CoreError::Unauthenticated(Some(EndReason::Idle))),
                CheckOutcome::Ended,
            ),
            (
                Err(CoreError::Unauthenticated(Some(EndReason::Killed))),
                CheckOutcome::Ended,
            ),
            (
                Err(CoreError::Unavailable("db".into())),
                CheckOutcome::Error,
            ),
        ];
        for (result, expected) in cases {
            assert_eq!(CheckOutcome::of(&result), expected, "{result:?}");
        }
    }

    #[test]
    fn names_are_distinct_snake_case() {
        let mut names: Vec<&str> = SignInOutcome::ALL.iter().map(|o| o.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SignInOutcome::ALL.len());
        let mut names: Vec<&str> = CheckOutcome::ALL.iter().map(|o| o.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CheckOutcome::ALL.len());
    }
}
