//! Placeholder while the CLI is written.
use super::{Command, GlobalArgs};
use std::process::ExitCode;

pub async fn run(_global: &GlobalArgs, _command: Command) -> ExitCode {
    eprintln!("error: not implemented yet");
    ExitCode::from(2)
}
