//! History page cursor: the end time and id of the last row shown, as `MILLIS.ID`.
//! Ids are hex and times are digits, so the text needs no further encoding.

use crate::error::{CoreError, CoreResult};
use crate::model::{Millis, SessionId};

pub fn encode(ended_at: Millis, id: &str) -> String {
    format!("{ended_at}.{id}")
}

pub fn decode(text: &str) -> CoreResult<(Millis, String)> {
    let malformed = || CoreError::invalid("The history page cursor is malformed; reload the page.");
    let (at, id) = text.split_once('.').ok_or_else(malformed)?;
    let at: Millis = at.parse().map_err(|_| malformed())?;
    let id = SessionId::parse(id).map_err(|_| malformed())?;
    Ok((at, id.into_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_junk() {
        let id = "ab".repeat(16);
        assert_eq!(decode(&encode(42, &id)).expect("decode"), (42, id));
        for junk in ["", "42", "x.abab", "42.zz", "42.' OR 1=1 --"] {
            assert!(decode(junk).is_err(), "{junk}");
        }
    }
}
