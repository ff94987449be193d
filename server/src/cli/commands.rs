//! The administrative commands, dispatched from one place: each opens the engine on the
//! database directly (a running server picks up what they end through the end log) and
//! hands the command to its own module.

use super::{Command, UserCommand};
use crate::config::GlobalArgs;
use crate::failure::Failure;
use std::process::ExitCode;

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
        Command::List(args) => super::sessions::list(&engine, args).await,
        Command::Kill(args) => super::sessions::kill(&engine, args).await,
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
