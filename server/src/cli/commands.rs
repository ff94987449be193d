//! The administrative commands. They work on the database directly; a running server
//! picks up the ends they record through the end log within a poll interval.

use super::output::print_sessions;
use super::{Command, GlobalArgs, KillArgs, ListArgs, UserCommand};
use sessions_core::model::{EndReason, ListQuery, PageAt, MAX_PAGE_SIZE};
use sessions_core::store::{EndSelector, Scope};
use sessions_core::{CoreError, Engine};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

/// Recorded as who ended sessions or changed settings from the command line.
pub(super) const ACTOR: &str = "cli";

/// A failed command: what to tell the user and the exit code.
pub(crate) struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    pub fn io(err: std::io::Error) -> Failure {
        Failure {
            message: format!("cannot write the output: {err}"),
            code: 1,
        }
    }
}

impl From<CoreError> for Failure {
    fn from(err: CoreError) -> Failure {
        match err {
            CoreError::Invalid(message) => Failure { message, code: 2 },
            CoreError::NotFound(message) => Failure { message, code: 3 },
            CoreError::Unavailable(ref cause) => {
                tracing::error!(error = %cause, "the database failed");
                Failure {
                    message: err.to_string(),
                    code: 1,
                }
            }
            CoreError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                Failure {
                    message: "internal error, see the log above".into(),
                    code: 1,
                }
            }
            other => Failure {
                message: other.to_string(),
                code: 1,
            },
        }
    }
}

pub async fn run(global: &GlobalArgs, command: Command) -> ExitCode {
    match execute(global, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn execute(global: &GlobalArgs, command: Command) -> Result<(), Failure> {
    let creates_database = matches!(
        command,
        Command::User(UserCommand::Add { .. }) | Command::Serve(_) | Command::Demo(_)
    );
    if !creates_database {
        global.require_existing_database()?;
    }
    if let Command::Serve(_) | Command::Demo(_) = command {
        // main.rs runs these itself; reaching here is a wiring mistake, not a panic.
        return Err(Failure::usage("not an administrative command"));
    }
    let mut config = global.engine_config(true);
    // Administrative commands never sign anyone in, so they need no countries.
    config.geo_db = None;
    let engine = global.open_engine(&config).await?;
    let result = match command {
        Command::User(command) => {
            super::users::run(&engine, &global.shown_database_url(), command).await
        }
        Command::List(args) => list(&engine, args).await,
        Command::Kill(args) => kill(&engine, args).await,
        Command::Settings(command) => super::settings::run(&engine, command).await,
        Command::History(args) => super::history::run(&engine, args).await,
        Command::App(command) => super::applications::run(&engine, command).await,
        Command::Analytics(args) => super::analytics::run(&engine, args).await,
        Command::Serve(_) | Command::Demo(_) => Ok(()),
    };
    // What the command counted (accounts added, sessions ended) joins the analytics
    // before the process exits: there is no background task to write it later.
    if let Err(err) = engine.flush_rollups().await {
        tracing::error!(error = %err, "could not write the analytics figures of this command");
    }
    result
}

pub(super) fn read_password(from_stdin: bool) -> Result<String, Failure> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|err| Failure::usage(format!("cannot read stdin: {err}")))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "no terminal to ask for the password; pass --password-stdin",
        ));
    }
    let first =
        rpassword::prompt_password("Password: ").map_err(|err| Failure::usage(err.to_string()))?;
    let again = rpassword::prompt_password("Repeat password: ")
        .map_err(|err| Failure::usage(err.to_string()))?;
    if first != again {
        return Err(Failure::usage("the passwords differ"));
    }
    Ok(first)
}

async fn list(engine: &Arc<Engine>, args: ListArgs) -> Result<(), Failure> {
    let mut sessions = Vec::new();
    let mut query = ListQuery {
        search: args.search,
        limit: MAX_PAGE_SIZE,
        ..ListQuery::default()
    };
    loop {
        let page = engine.list(&query, Scope::Everyone).await?;
        sessions.extend(page.sessions);
        match page.next {
            Some(next) => query.page = PageAt::After(next),
            None => break,
        }
    }
    print_sessions(&sessions, args.format).map_err(Failure::io)
}

async fn kill(engine: &Arc<Engine>, args: KillArgs) -> Result<(), Failure> {
    let selector = if let Some(name) = &args.user {
        EndSelector::User(engine.user_by_name(name).await?.id)
    } else if args.all {
        if !args.yes {
            return Err(Failure::usage(
                "Refusing to end every session without --yes.",
            ));
        }
        EndSelector::AllExcept(Vec::new())
    } else if !args.ids.is_empty() {
        EndSelector::Ids {
            ids: args.ids.clone(),
            scope: Scope::Everyone,
        }
    } else {
        return Err(Failure::usage(
            "name sessions to end: `kill ID…`, `kill --user NAME` or `kill --all --yes`",
        ));
    };
    let ended = engine.end(selector, EndReason::Killed, ACTOR).await?;
    let missing: Vec<&String> = args
        .ids
        .iter()
        .filter(|id| !ended.iter().any(|s| &s.id == *id))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "not live (unknown or already ended): {}",
            missing
                .iter()
                .map(|id| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "Ended {} session{}.",
        ended.len(),
        if ended.len() == 1 { "" } else { "s" }
    );
    if ended.is_empty() && !args.ids.is_empty() {
        return Err(Failure {
            message: "none of the given sessions was live".into(),
            code: 3,
        });
    }
    Ok(())
}
