//! How messages name the database: so that a command printed for the operator to copy
//! acts on the database that is actually in use, and a password in a URL never reaches
//! the terminal.

use super::GlobalArgs;
use crate::failure::Failure;
use sessions_core::{CoreError, Engine, EngineConfig};
use std::sync::Arc;

/// The `--database-url` default, also the Makefile's.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sessions.db";

impl GlobalArgs {
    /// The database URL fit to print: a password in it is replaced by `****`.
    pub fn shown_database_url(&self) -> String {
        sessions_core::store::redact_password(&self.database_url)
    }

    /// The engine on this database. A database that cannot be reached is named (without
    /// its password) with the cause, for the operator starting `serve` or a command.
    pub(crate) async fn open_engine(&self, config: &EngineConfig) -> Result<Arc<Engine>, Failure> {
        Engine::open(config).await.map_err(|err| match err {
            CoreError::Unavailable(cause) => Failure {
                message: format!(
                    "cannot open the database {}: {cause}",
                    self.shown_database_url()
                ),
                code: 1,
            },
            other => Failure::from(other),
        })
    }

    /// Refuses a SQLite database file that does not exist. Administrative commands act
    /// on an existing database: opening would create an empty one, and a mistyped
    /// `--database-url` would then "succeed" (`kill --all --yes` printing "Ended 0
    /// sessions."). Only `serve` and `user add` start a new database.
    pub(crate) fn require_existing_database(&self) -> Result<(), Failure> {
        match sessions_core::store::sqlite_file(&self.database_url) {
            Some(path) if !path.exists() => Err(Failure {
                message: format!(
                    "no database at {} (from --database-url {}): check the URL; `sessions serve` or `sessions user add` create a new database",
                    path.display(),
                    self.shown_database_url()
                ),
                code: 1,
            }),
            _ => Ok(()),
        }
    }

    /// A `sessions ARGS` command line that acts on this database: the binary as it was
    /// invoked (so `target/debug/sessions …` runs as printed) and `--database-url` when it
    /// is not the default (an environment variable may not be set in the next shell).
    pub fn command(&self, args: &str) -> String {
        let program = std::env::args().next().unwrap_or_else(|| "sessions".into());
        let mut line = format!("{} {args}", shell_quote(&program));
        if self.database_url != DEFAULT_DATABASE_URL {
            line.push_str(" --database-url ");
            line.push_str(&shell_quote(&self.shown_database_url()));
        }
        line
    }
}

/// Single-quotes `text` unless every character is safe in a POSIX shell word.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_characters_are_quoted() {
        assert_eq!(shell_quote("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
        assert_eq!(
            shell_quote("sqlite://my data/a.db"),
            "'sqlite://my data/a.db'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
