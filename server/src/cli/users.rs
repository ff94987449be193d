//! `sessions user …`: accounts, and the account changes that end sessions.

use super::output::print_records;
use super::UserCommand;
use super::ACTOR;
use crate::failure::Failure;
use app::format::utc;
use sessions_core::engine::KeepSessions;
use sessions_core::model::Role;
use sessions_core::Engine;
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

/// `database` is the URL as it may be shown: `add` says where the account went, since a
/// wrong `DATABASE_URL` would otherwise create an admin nobody's server reads.
pub async fn run(
    engine: &Arc<Engine>,
    database: &str,
    command: UserCommand,
) -> Result<(), Failure> {
    match command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let user = engine.add_user(&name, password, role.into()).await?;
            match user.role {
                Role::Admin => println!("Created admin user {:?} in {database}.", user.username),
                Role::User => println!("Created user {:?} in {database}.", user.username),
            }
        }
        UserCommand::List { format } => {
            let users = engine.list_users().await?;
            let rows = users
                .iter()
                .map(|user| {
                    let disabled = if user.disabled { "yes" } else { "no" };
                    vec![
                        user.username.clone(),
                        user.role.to_string(),
                        disabled.to_owned(),
                        utc(user.created_at),
                    ]
                })
                .collect();
            let records: Vec<serde_json::Value> = users
                .iter()
                .map(|user| {
                    serde_json::json!({
                        "name": user.username, "role": user.role, "disabled": user.disabled, "created_at": user.created_at,
                    })
                })
                .collect();
            print_records(
                &["Name", "Role", "Disabled", "Created"],
                rows,
                &records,
                format,
                "No users.",
            )
            .map_err(Failure::io)?;
        }
        UserCommand::Passwd {
            name,
            password_stdin,
            keep_sessions,
        } => {
            let user = engine.user_by_name(&name).await?;
            let password = read_password(password_stdin)?;
            let keep = if keep_sessions {
                KeepSessions::All
            } else {
                KeepSessions::None
            };
            let ended = engine.set_password(&user, password, keep, ACTOR).await?;
            println!(
                "Password of {:?} changed. {}",
                user.username,
                ended_sentence(ended)
            );
        }
        UserCommand::Disable { name } => {
            let user = engine.user_by_name(&name).await?;
            let ended = engine.set_disabled(&user, true, ACTOR).await?;
            println!("Disabled {:?}. {}", user.username, ended_sentence(ended));
        }
        UserCommand::Enable { name } => {
            let user = engine.user_by_name(&name).await?;
            engine.set_disabled(&user, false, ACTOR).await?;
            println!("Enabled {:?}.", user.username);
        }
        UserCommand::Delete { name, yes } => {
            if !yes {
                return Err(Failure::usage("Refusing to delete a user without --yes."));
            }
            let user = engine.user_by_name(&name).await?;
            let ended = engine.delete_user(&user, ACTOR).await?;
            println!("Deleted {:?}. {}", user.username, ended_sentence(ended));
        }
    }
    Ok(())
}

fn ended_sentence(count: usize) -> String {
    match count {
        0 => "No session ended.".into(),
        1 => "Ended 1 session.".into(),
        n => format!("Ended {n} sessions."),
    }
}

fn read_password(from_stdin: bool) -> Result<String, Failure> {
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
