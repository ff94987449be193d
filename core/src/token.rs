//! Secrets and identifiers. A session token is 256 random bits, shown once and then
//! kept only as its SHA-256 hash; a fast hash is right here because the input is
//! random, not a password. The public id is separate randomness, so showing it leaks
//! nothing about the token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

const TOKEN_BYTES: usize = 32;
/// Length of a token in its base64url text form.
pub const TOKEN_TEXT_LEN: usize = 43;

/// A session token in the clear. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn generate() -> Token {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Token(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only the exact shape we issue, so junk never reaches the store.
    pub fn parse(text: &str) -> Option<Token> {
        let well_formed = text.len() == TOKEN_TEXT_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Token(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn from_slice(bytes: &[u8]) -> Option<TokenHash> {
        bytes.try_into().ok().map(TokenHash)
    }
}

/// An application's API key in the clear: `sk_` and 256 random bits in base64url.
/// Shown once when the application is added, then kept only as its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

const API_KEY_PREFIX: &str = "sk_";
/// How many leading characters of a key are kept in the clear to tell keys apart.
pub const API_KEY_SHOWN_PREFIX: usize = 10;

impl ApiKey {
    pub fn generate() -> ApiKey {
        ApiKey(format!("{API_KEY_PREFIX}{}", Token::generate().0))
    }

    /// Accepts only the exact shape we issue.
    pub fn parse(text: &str) -> Option<ApiKey> {
        let secret = text.strip_prefix(API_KEY_PREFIX)?;
        Token::parse(secret).map(|_| ApiKey(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn shown_prefix(&self) -> &str {
        &self.0[..API_KEY_SHOWN_PREFIX]
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// A new public session id: 128 random bits as 32 lowercase hex digits.
pub fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_well_formed_and_hidden() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), TOKEN_TEXT_LEN);
        assert_eq!(Token::parse(a.expose()), Some(a.clone()));
        assert_eq!(format!("{a:?}"), "Token(<redacted>)");
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert!(Token::parse("").is_none());
        assert!(Token::parse(&"a".repeat(TOKEN_TEXT_LEN + 1)).is_none());
        assert!(Token::parse(&"%".repeat(TOKEN_TEXT_LEN)).is_none());
    }

    #[test]
    fn api_keys_have_one_shape() {
        let key = ApiKey::generate();
        assert!(key.expose().starts_with("sk_"));
        assert_eq!(key.expose().len(), 3 + TOKEN_TEXT_LEN);
        assert_eq!(ApiKey::parse(key.expose()), Some(key.clone()));
        assert_eq!(key.shown_prefix(), &key.expose()[..10]);
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert!(ApiKey::parse(&key.expose()[3..]).is_none());
        assert!(ApiKey::parse(&format!("{}x", key.expose())).is_none());
        assert!(ApiKey::parse("sk_").is_none());
    }

    #[test]
    fn session_ids() {
        let id = new_session_id();
        assert!(crate::model::SessionId::parse(&id).is_ok());
        assert_ne!(id, new_session_id());
        assert!(crate::model::SessionId::parse("../etc/passwd").is_err());
        assert!(crate::model::SessionId::parse(&id.to_uppercase()).is_err());
    }
}
