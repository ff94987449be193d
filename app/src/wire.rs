//! How server functions' answers (and their errors) travel: JSON, exactly as
//! server_fn's `Json` sends it, but decoded in the browser from text rather than bytes.
//!
//! A page's resources arrive serialised in its HTML and are decoded from a `&str`;
//! server_fn's `JsonEncoding` decodes the same types from bytes. serde_json's decoders
//! are generic over where they read, so each type the browser receives was decoded by
//! two copies of the same code (twiggy: `deserialize_struct` alone was 118,752 bytes in
//! 51 copies, in pairs of nearly equal size). Decoding answers from text as well leaves
//! one copy.

use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// A server function's answer: `#[server(…, output = JsonAnswer)]`.
pub type JsonAnswer = Post<JsonText>;

/// JSON (`application/json`), decoded from text.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// Shaped like the error type's JSON (an externally tagged enum).
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Answer {
        BadRequest(String),
    }

    #[test]
    fn answers_read_back_as_sent() {
        let answer = Answer::BadRequest("Wrong username or password.".into());
        let sent = <JsonText as Encodes<Answer>>::encode(&answer).expect("encode");
        assert_eq!(
            &sent[..],
            br#"{"BadRequest":"Wrong username or password."}"#
        );
        let read: Answer = <JsonText as Decodes<Answer>>::decode(sent).expect("decode");
        assert_eq!(read, answer);
    }

    #[test]
    fn text_that_is_not_utf8_is_an_error() {
        let read = <JsonText as Decodes<String>>::decode(Bytes::from_static(b"\"\xff\""));
        assert!(read.is_err());
    }
}
