//! The command line: `serve` and the administrative commands. Data goes to stdout,
//! errors to stderr; exit codes: 0 ok, 1 failure, 2 bad usage or input, 3 not found.

mod commands;
mod output;

pub use commands::run;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "sessions", version, about = "Self-hosted active-session manager")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Database URL: sqlite://PATH (default) or postgres://…
    #[arg(long, env = "DATABASE_URL", global = true, default_value = "sqlite://data/sessions.db")]
    pub database_url: String,
    /// Offline IP-to-country database (MaxMind format). Missing: countries show as unknown.
    #[arg(long, env = "SESSIONS_GEOIP_DB", global = true, default_value = sessions_core::geo::DEFAULT_GEO_DB)]
    pub geoip_db: std::path::PathBuf,
}

impl GlobalArgs {
    pub fn engine_config(&self, secure_cookies: bool) -> sessions_core::EngineConfig {
        sessions_core::EngineConfig {
            database_url: self.database_url.clone(),
            secure_cookies,
            geo_db: Some(self.geoip_db.clone()),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server.
    Serve(crate::serve::ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// List live sessions.
    List(ListArgs),
    /// End sessions: by id, all of a user, or all.
    Kill(KillArgs),
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user; the password is read from stdin with --password-stdin, else prompted.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RoleArg {
    Admin,
    User,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Only sessions matching this text (user, IP, application or id prefix).
    #[arg(long, default_value = "")]
    pub search: String,
}

#[derive(Args, Debug)]
pub struct KillArgs {
    /// Session ids to end.
    pub ids: Vec<String>,
    /// End every live session of this user.
    #[arg(long, conflicts_with_all = ["ids", "all"])]
    pub user: Option<String>,
    /// End every live session (needs --yes).
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,
    /// Confirm --all.
    #[arg(long)]
    pub yes: bool,
}
