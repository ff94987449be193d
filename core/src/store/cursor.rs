//! Keyset page cursors: the sort value and id of a boundary row, opaque to clients
//! (base64url JSON). A cursor made for one sort order is refused for another.

use crate::error::{CoreError, CoreResult};
use crate::model::{SortDir, SortKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorValue {
    Int(i64),
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub sort: SortKey,
    pub dir: SortDir,
    pub value: CursorValue,
    pub id: String,
}

const MAX_CURSOR_LEN: usize = 1024;

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes a cursor and checks that it belongs to the requested order.
    pub fn decode(text: &str, sort: SortKey, dir: SortDir) -> CoreResult<Cursor> {
        let malformed = || CoreError::invalid("The page cursor is malformed; reload the list.");
        if text.len() > MAX_CURSOR_LEN {
            return Err(malformed());
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| malformed())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
        if cursor.sort != sort || cursor.dir != dir {
            return Err(CoreError::invalid(
                "The page cursor belongs to another sort order; reload the list.",
            ));
        }
        let value_fits = matches!(
            (&cursor.value, sort),
            (
                CursorValue::Int(_),
                SortKey::Created | SortKey::LastSeen | SortKey::Expires
            ) | (
                CursorValue::Text(_),
                SortKey::User | SortKey::Application | SortKey::Ip
            )
        );
        if !value_fits {
            return Err(malformed());
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_the_order() {
        let cursor = Cursor {
            sort: SortKey::User,
            dir: SortDir::Asc,
            value: CursorValue::Text("alice".into()),
            id: "ab".repeat(16),
        };
        let text = cursor.encode();
        assert_eq!(
            Cursor::decode(&text, SortKey::User, SortDir::Asc).expect("decode"),
            cursor
        );
        assert!(Cursor::decode(&text, SortKey::User, SortDir::Desc).is_err());
        assert!(Cursor::decode(&text, SortKey::Created, SortDir::Asc).is_err());
    }

    #[test]
    fn junk_is_refused() {
        for junk in ["", "!!!", "e30", &"A".repeat(5000)] {
            assert!(
                Cursor::decode(junk, SortKey::Created, SortDir::Desc).is_err(),
                "{junk}"
            );
        }
    }
}
