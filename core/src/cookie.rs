//! The session cookie. By default it is `__Host-` prefixed, Secure, HttpOnly,
//! SameSite=Strict and Path=/, which browsers accept on https and on plain http to
//! localhost / 127.0.0.1. A plain-http deployment elsewhere must opt out explicitly.

use crate::model::Millis;
use crate::token::Token;
use cookie::{Cookie, SameSite};

pub const SECURE_COOKIE_NAME: &str = "__Host-sessions";
pub const INSECURE_COOKIE_NAME: &str = "sessions";

#[derive(Clone, Copy, Debug)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    pub fn name(&self) -> &'static str {
        if self.secure {
            SECURE_COOKIE_NAME
        } else {
            INSECURE_COOKIE_NAME
        }
    }

    /// The `Set-Cookie` value that hands `token` to the browser until `lifetime_ms` passes.
    pub fn issue(&self, token: &Token, lifetime_ms: Millis) -> String {
        self.build(token.expose().to_owned(), lifetime_ms / 1000)
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn clear(&self) -> String {
        self.build(String::new(), 0)
    }

    /// The token in a `Cookie` request header, if there is a well-formed one.
    pub fn token_from_header(&self, header: &str) -> Option<Token> {
        Cookie::split_parse(header)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == self.name())
            .and_then(|cookie| Token::parse(cookie.value()))
    }

    /// The token in any of a request's `Cookie` headers (HTTP/2 may split them).
    pub fn token_from_headers<'a>(
        &self,
        headers: impl IntoIterator<Item = &'a str>,
    ) -> Option<Token> {
        headers
            .into_iter()
            .find_map(|header| self.token_from_header(header))
    }

    fn build(&self, value: String, max_age_secs: i64) -> String {
        Cookie::build((self.name(), value))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Strict)
            .max_age(cookie::time::Duration::seconds(max_age_secs))
            .build()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_cookie_has_every_attribute() {
        let token = Token::generate();
        let header = CookiePolicy { secure: true }.issue(&token, 3_600_000);
        assert!(
            header.starts_with(&format!("__Host-sessions={}", token.expose())),
            "{header}"
        );
        for part in [
            "Path=/",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Max-Age=3600",
        ] {
            assert!(header.contains(part), "{header} lacks {part}");
        }
        assert!(
            !header.contains("Domain"),
            "__Host- cookies must not carry a Domain"
        );
    }

    #[test]
    fn reads_the_token_back_and_ignores_junk() {
        let policy = CookiePolicy { secure: true };
        let token = Token::generate();
        let header = format!("other=1; __Host-sessions={}; x=y", token.expose());
        assert_eq!(policy.token_from_header(&header), Some(token));
        assert_eq!(policy.token_from_header("__Host-sessions=short"), None);
        assert_eq!(
            CookiePolicy { secure: false }.token_from_header(&header),
            None
        );
    }

    #[test]
    fn clearing_expires_at_once() {
        let header = CookiePolicy { secure: false }.clear();
        assert!(
            header.starts_with("sessions=;") && header.contains("Max-Age=0"),
            "{header}"
        );
        assert!(!header.contains("Secure"));
    }
}
