//! Printing sessions as a table, JSON or CSV.

use super::Format;
use app::format::{agent_summary, display_user, utc};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use sessions_core::model::Session;
use std::io::Write;

const COLUMNS: [&str; 9] = ["ID", "User", "App", "Status", "IP", "Browser/OS", "Signed in", "Last seen", "Expires"];

fn row(session: &Session) -> [String; 9] {
    [
        session.id.clone(),
        display_user(session),
        session.application.clone(),
        session.status.label().to_owned(),
        session.last_ip.clone(),
        agent_summary(session),
        utc(session.created_at),
        utc(session.last_seen_at),
        utc(session.deadline()),
    ]
}

pub fn print_sessions(sessions: &[Session], format: Format) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Table if sessions.is_empty() => writeln!(out, "No live sessions."),
        Format::Table => {
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header(COLUMNS);
            for session in sessions {
                table.add_row(row(session));
            }
            writeln!(out, "{table}")
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, sessions).map_err(std::io::Error::other)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(COLUMNS).map_err(std::io::Error::other)?;
            for session in sessions {
                writer.write_record(row(session)).map_err(std::io::Error::other)?;
            }
            writer.flush()
        }
    }
}
