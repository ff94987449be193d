//! Ids that arrive from outside (a URL, a form, a command line), parsed once at the
//! edge. Past the edge a `SessionId` or an `AppUserId` is known to be well formed, so
//! nothing checks it again. On the wire each is its plain string (`transparent`);
//! deserialising one parses it too, so no way in skips the check.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted application user id and display name, in characters.
pub const MAX_APP_USER_LEN: usize = 128;

/// Why a text is not an id. Its `Display` is the sentence callers have always shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdError {
    /// Not a session id; the text as given, cut to 40 characters.
    SessionId(String),
    /// An application user id that is empty or too long.
    AppUserId,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::SessionId(shown) => write!(f, "{shown:?} is not a session id."),
            IdError::AppUserId => write!(f, "user_id must be 1 to {MAX_APP_USER_LEN} characters."),
        }
    }
}

impl std::error::Error for IdError {}

/// A session's public id: 32 lowercase hex digits, as issued.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(#[serde(deserialize_with = "parse_session_id")] String);

impl SessionId {
    pub fn parse(text: &str) -> Result<SessionId, IdError> {
        let well_formed =
            text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if well_formed {
            Ok(SessionId(text.to_owned()))
        } else {
            Err(IdError::SessionId(text.chars().take(40).collect()))
        }
    }

    /// An id this system issued itself (read back from its store, or just generated):
    /// not for input, which goes through `parse`.
    pub fn issued(id: String) -> SessionId {
        SessionId(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An application's own id of one of its users: 1 to `MAX_APP_USER_LEN` characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppUserId(#[serde(deserialize_with = "parse_app_user_id")] String);

impl AppUserId {
    /// Taken as given: an id with spaces around it is another id (sign-in trims before
    /// parsing, so stored ids never have them).
    pub fn parse(text: &str) -> Result<AppUserId, IdError> {
        let length = text.chars().count();
        if length == 0 || length > MAX_APP_USER_LEN {
            return Err(IdError::AppUserId);
        }
        Ok(AppUserId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! text_forms {
    ($($id:ident),*) => {$(
        impl fmt::Display for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<&str> for $id {
            type Error = IdError;
            fn try_from(text: &str) -> Result<$id, IdError> {
                $id::parse(text)
            }
        }

        impl AsRef<str> for $id {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )*};
}

text_forms!(SessionId, AppUserId);

fn parse_session_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    SessionId::parse(&text)
        .map(SessionId::into_string)
        .map_err(serde::de::Error::custom)
}

fn parse_app_user_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    AppUserId::parse(&text)
        .map(|id| id.0)
        .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_32_lowercase_hex() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(SessionId::parse(id).map(|id| id.to_string()), Ok(id.into()));
        for bad in ["", "../etc/passwd", &id.to_uppercase(), &id[1..]] {
            assert!(SessionId::parse(bad).is_err(), "{bad}");
        }
        let long = "x".repeat(100);
        let shown = format!("{:?} is not a session id.", "x".repeat(40));
        assert_eq!(
            SessionId::parse(&long).map_err(|e| e.to_string()),
            Err(shown)
        );
    }

    #[test]
    fn app_user_ids_are_1_to_128_characters_as_given() {
        assert!(AppUserId::parse("").is_err());
        assert!(AppUserId::parse(&"é".repeat(MAX_APP_USER_LEN)).is_ok());
        assert!(AppUserId::parse(&"é".repeat(MAX_APP_USER_LEN + 1)).is_err());
        assert_eq!(
            AppUserId::parse(" u ").map(|id| id.to_string()),
            Ok(" u ".into())
        );
    }

    #[test]
    fn the_wire_form_is_the_plain_string_and_is_parsed() {
        let id = SessionId::parse("0123456789abcdef0123456789abcdef").expect("id");
        let json = serde_json::to_string(&id).expect("json");
        assert_eq!(json, "\"0123456789abcdef0123456789abcdef\"");
        assert_eq!(serde_json::from_str::<SessionId>(&json).ok(), Some(id));
        assert!(serde_json::from_str::<SessionId>("\"nope\"").is_err());
        assert!(serde_json::from_str::<AppUserId>("\"\"").is_err());
    }
}
