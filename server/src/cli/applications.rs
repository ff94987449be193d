//! `sessions app …`: applications and their API keys.

use super::output::print_records;
use super::ACTOR;
use super::{AppCommand, Format};
use crate::failure::Failure;
use app::format::utc;
use sessions_core::Engine;
use std::sync::Arc;

pub async fn run(engine: &Arc<Engine>, command: AppCommand) -> Result<(), Failure> {
    match command {
        AppCommand::Add { name, format } => {
            let created = engine.create_application(&name, ACTOR).await?;
            let app = &created.application;
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({
                        "name": app.name, "key": created.key.expose(), "created_at": app.created_at,
                    })
                ),
                Format::Table | Format::Csv => println!(
                    "Added application {:?}. Its API key, shown only this once:\n{}\n\
                     Send it as `Authorization: Bearer <key>` to /api/v1.",
                    app.name,
                    created.key.expose()
                ),
            }
        }
        AppCommand::List { format } => {
            let apps = engine.list_applications().await?;
            let rows = apps
                .iter()
                .map(|app| {
                    vec![
                        app.name.clone(),
                        format!("{}…", app.key_prefix),
                        utc(app.created_at),
                        app.revoked_at.map(utc).unwrap_or_default(),
                        app.live_sessions.to_string(),
                    ]
                })
                .collect();
            print_records(
                &["Name", "Key", "Created", "Revoked", "Live sessions"],
                rows,
                &apps,
                format,
                "No applications. Add one with: sessions app add NAME",
            )
            .map_err(Failure::io)?;
        }
        AppCommand::Revoke { name } => {
            let (app, ended) = engine.revoke_application(&name, ACTOR).await?;
            let sessions = if ended == 1 { "session" } else { "sessions" };
            println!(
                "Revoked {:?}: its key no longer works; ended {ended} live {sessions}.",
                app.name
            );
        }
    }
    Ok(())
}
