//! Connection settings every backend understands.

use std::time::Duration;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// Most connections the pool opens; `None` keeps the backend's default.
    pub max_connections: Option<u32>,
    /// A statement running longer is cancelled (PostgreSQL); `None`: no limit.
    pub statement_timeout: Option<Duration>,
}

/// `scheme://user:secret@host/…` becomes `scheme://user:****@host/…`, so a URL can be
/// printed in an error without its password.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _secret)) => format!("{scheme}://{user}:****{}", &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(
            redact_password("postgres://app:s3cret@db:5432/sessions"),
            "postgres://app:****@db:5432/sessions"
        );
        assert_eq!(
            redact_password("postgres://app@db/sessions"),
            "postgres://app@db/sessions"
        );
        assert_eq!(
            redact_password("sqlite://data/sessions.db"),
            "sqlite://data/sessions.db"
        );
    }
}
