//! Printing command output as a table, JSON or CSV. Tables and CSV show the same
//! columns; JSON prints the full records.

use super::Format;
use app::format::{agent_summary, display_user, flag_reasons, utc};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use serde::Serialize;
use sessions_core::model::Session;
use std::io::Write;

/// Rows of text under `columns`, or `records` as JSON; `empty` is the table's text
/// when there is nothing to show.
pub fn print_records<T: Serialize>(
    columns: &[&str],
    rows: Vec<Vec<String>>,
    records: &T,
    format: Format,
    empty: &str,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Table if rows.is_empty() => writeln!(out, "{empty}"),
        Format::Table => {
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header(columns);
            for row in rows {
                table.add_row(row);
            }
            writeln!(out, "{table}")
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, records).map_err(std::io::Error::other)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer
                .write_record(columns)
                .map_err(std::io::Error::other)?;
            for row in rows {
                writer
                    .write_record(row.into_iter().map(csv_cell))
                    .map_err(std::io::Error::other)?;
            }
            writer.flush()
        }
    }
}

/// A CSV cell as a spreadsheet will read it. Text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return is taken for a formula by Excel, LibreOffice and Google
/// Sheets (CSV injection), and session data is full of text others chose: user names
/// sent by applications, user agents. A leading `'` makes them show it as text.
pub fn csv_cell(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

const SESSION_COLUMNS: [&str; 12] = [
    "ID",
    "User",
    "App",
    "Status",
    "Role",
    "IP",
    "Country",
    "Browser/OS",
    "Signed in",
    "Last seen",
    "Expires",
    "Flags",
];

pub fn print_sessions(sessions: &[Session], format: Format) -> std::io::Result<()> {
    let rows = sessions
        .iter()
        .map(|session| {
            vec![
                session.id.clone(),
                display_user(session),
                session.application.clone(),
                session.status.label().to_owned(),
                session.role.as_str().to_owned(),
                session.last_ip.clone(),
                session.country.clone().unwrap_or_default(),
                agent_summary(session),
                utc(session.created_at),
                utc(session.last_seen_at),
                utc(session.deadline()),
                flag_reasons(&session.flags),
            ]
        })
        .collect();
    print_records(
        &SESSION_COLUMNS,
        rows,
        &sessions,
        format,
        "No live sessions.",
    )
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn formula_starts_are_neutralised() {
        for risky in [
            "=1+2",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
        ] {
            assert_eq!(csv_cell(risky.into()), format!("'{risky}"), "{risky:?}");
        }
        for plain in [
            "alice",
            "",
            "10.0.0.1",
            "2026-11-23 10:00",
            "a=b",
            " =x",
            "'quoted",
        ] {
            assert_eq!(csv_cell(plain.into()), plain, "{plain:?}");
        }
    }
}
