//! The command line: `serve` and the administrative commands. Data goes to stdout,
//! errors to stderr; exit codes: 0 ok, 1 failure, 2 bad usage or input, 3 not found.

mod analytics;
mod applications;
mod commands;
mod history;
mod output;
mod sessions;
mod settings;
mod users;

pub use commands::run;

use crate::config::GlobalArgs;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Recorded as who ended sessions or changed settings from the command line.
const ACTOR: &str = sessions_core::engine::OPERATOR_NAME;

#[derive(Parser, Debug)]
#[command(
    name = "sessions",
    version,
    about = "Self-hosted active-session manager"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
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
    /// Read and change the session policy.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Ended sessions (who ended them and why), or the settings changes.
    History(HistoryArgs),
    /// Applications that keep their sessions here through the HTTP API.
    #[command(subcommand)]
    App(AppCommand),
    /// KPIs of a period (default the last 24 h) against the period before it.
    Analytics(AnalyticsArgs),
    /// Serve with demo applications and simulated traffic (a throwaway database).
    Demo(crate::demo::DemoArgs),
}

#[derive(Subcommand, Debug)]
pub enum AppCommand {
    /// Add an application and print its API key (shown only this once).
    Add {
        /// 1–40 letters, digits, '-', '_' or '.'.
        name: String,
        /// `json` prints {"name", "key", "created_at"} for scripts.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Every application, revoked ones included, with its live sessions.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Revoke the key and end every live session of the application.
    Revoke { name: String },
}

#[derive(Subcommand, Debug)]
pub enum SettingsCommand {
    /// Every setting (or one) with the value in force.
    Get {
        /// One setting's name, e.g. idle_timeout_minutes; without it, every setting.
        key: Option<String>,
        /// Show the values in force for this role.
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Set a value (for every role, or as one role's override); ends now what it ends.
    Set {
        /// The setting's name (`sessions settings get` lists them).
        key: String,
        /// A whole number, true/false, one of the listed choices, or CIDR ranges
        /// separated by commas ("" for none).
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// Set it for this role only (an override); without it, for every role.
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// Only say what it would end.
        #[arg(long)]
        dry_run: bool,
    },
    /// Drop a role's override, or (without --role) reset the default.
    Unset {
        /// The setting's name.
        key: String,
        /// The role whose override to drop.
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
    },
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Only users whose name contains this text.
    #[arg(long, default_value = "")]
    pub user: String,
    /// Only this end reason (logout, killed, idle, expired, evicted_by_limit, ip_change,
    /// password_change, user_disabled, ip_rule).
    #[arg(long)]
    pub reason: Option<String>,
    /// Ended at or after: RFC 3339 (2026-11-23T10:00:00Z) or an age like 15m, 2h, 7d.
    #[arg(long)]
    pub since: Option<String>,
    /// Ended before: same forms as --since.
    #[arg(long)]
    pub until: Option<String>,
    /// At most this many rows.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// The settings changes instead of ended sessions (newest first, at most 200).
    #[arg(long, conflicts_with_all = ["user", "reason", "since", "until"])]
    pub settings: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct AnalyticsArgs {
    /// Start (included): RFC 3339 (2026-11-23T10:00:00Z) or an age like 2h, 7d; rounded
    /// down to the hour. Default: 24 h before --until.
    #[arg(long)]
    pub since: Option<String>,
    /// End (excluded): same forms; rounded up to the hour. Default: the end of the
    /// current hour.
    #[arg(long)]
    pub until: Option<String>,
    /// One application (e.g. console); default: all.
    #[arg(long)]
    pub app: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
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
    /// Every user.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Set a new password; ends the user's sessions unless --keep-sessions.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        keep_sessions: bool,
    },
    /// Refuse the user's sign-ins and end their sessions at once.
    Disable { name: String },
    /// Allow the user to sign in again.
    Enable { name: String },
    /// End the user's sessions and delete the account (needs --yes).
    Delete {
        name: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RoleArg {
    Admin,
    User,
}

impl From<RoleArg> for sessions_core::model::Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => sessions_core::model::Role::Admin,
            RoleArg::User => sessions_core::model::Role::User,
        }
    }
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
