//! `sessions history`: ended sessions with who ended them and why, or (with
//! `--settings`) the ledger of settings changes.

use super::output::print_records;
use super::HistoryArgs;
use crate::failure::Failure;
use app::format::{display_user, flag_reasons, utc};
use sessions_core::model::{EndReason, HistoryQuery, Millis, MAX_PAGE_SIZE};
use sessions_core::Engine;
use std::sync::Arc;

pub async fn run(engine: &Arc<Engine>, args: HistoryArgs) -> Result<(), Failure> {
    if args.settings {
        return settings_changes(engine, &args).await;
    }
    let reason = args
        .reason
        .as_deref()
        .map(|text| {
            EndReason::parse(text).ok_or_else(|| {
                let known: Vec<&str> = EndReason::ALL
                    .iter()
                    .map(|reason| reason.as_str())
                    .collect();
                Failure::usage(format!(
                    "Unknown reason {text:?}; one of: {}.",
                    known.join(", ")
                ))
            })
        })
        .transpose()?;
    let now = engine.now();
    let from = args
        .since
        .as_deref()
        .map(|text| parse_time(text, now))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|text| parse_time(text, now))
        .transpose()?;
    let mut query = HistoryQuery {
        user: args.user.clone(),
        reason,
        from,
        until,
        after: None,
        limit: MAX_PAGE_SIZE,
    };
    let mut sessions = Vec::new();
    while sessions.len() < args.limit as usize {
        let page = engine.history(&query).await?;
        sessions.extend(page.sessions);
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    sessions.truncate(args.limit as usize);
    let rows = sessions
        .iter()
        .map(|session| {
            vec![
                session.id.clone(),
                display_user(session),
                session.application.clone(),
                session.role.as_str().to_owned(),
                session.last_ip.clone(),
                session.country.clone().unwrap_or_default(),
                session.ended_at.map(utc).unwrap_or_default(),
                session
                    .end_reason
                    .map(|reason| reason.as_str().to_owned())
                    .unwrap_or_default(),
                session.ended_by.clone().unwrap_or_default(),
                flag_reasons(&session.flags),
            ]
        })
        .collect();
    let columns = [
        "ID", "User", "App", "Role", "IP", "Country", "Ended", "Reason", "Ended by", "Flags",
    ];
    print_records(&columns, rows, &sessions, args.format, "No ended sessions.").map_err(Failure::io)
}

async fn settings_changes(engine: &Engine, args: &HistoryArgs) -> Result<(), Failure> {
    // Read page by page, newest first, each page before the last id seen.
    let mut records = Vec::new();
    while records.len() < args.limit as usize {
        let before = records
            .last()
            .map(|record: &sessions_core::catalogue::SettingsChangeRecord| record.id);
        let page = engine
            .settings_changes(i64::from(MAX_PAGE_SIZE), before)
            .await?;
        let last_page = page.len() < MAX_PAGE_SIZE as usize;
        records.extend(page);
        if last_page {
            break;
        }
    }
    records.truncate(args.limit as usize);
    let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "(default)".into());
    let rows = records
        .iter()
        .map(|record| {
            vec![
                utc(record.at),
                record.actor.clone(),
                record.scope.label(),
                record.key.clone(),
                shown(&record.old_value),
                shown(&record.new_value),
            ]
        })
        .collect();
    let columns = ["When", "Who", "Scope", "Key", "Old", "New"];
    print_records(
        &columns,
        rows,
        &records,
        args.format,
        "No settings changes.",
    )
    .map_err(Failure::io)
}

/// RFC 3339 (`2026-11-23T10:00:00Z`), or an age before `now` like `90s`, `15m`, `2h`, `7d`.
pub(super) fn parse_time(text: &str, now: Millis) -> Result<Millis, Failure> {
    let text = text.trim();
    let unit_ms = match text.chars().last() {
        Some('s') => Some(1_000),
        Some('m') => Some(60_000),
        Some('h') => Some(3_600_000),
        Some('d') => Some(86_400_000),
        _ => None,
    };
    if let Some(unit_ms) = unit_ms {
        if let Ok(count) = text[..text.len() - 1].parse::<i64>() {
            if (0..=100_000).contains(&count) {
                return Ok(now - count * unit_ms);
            }
        }
    }
    text.parse::<jiff::Timestamp>().map(|at| at.as_millisecond()).map_err(|_| {
        let shown: String = text.chars().take(40).collect();
        Failure::usage(format!(
            "{shown:?} is not a time: use RFC 3339 like 2026-11-23T10:00:00Z or an age like 15m, 2h, 7d."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_absolute_and_relative() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_time("15m", now).ok(), Some(now - 15 * 60_000));
        assert_eq!(parse_time("7d", now).ok(), Some(now - 7 * 86_400_000));
        assert_eq!(
            parse_time("2026-11-23T10:00:00Z", now).ok(),
            Some(1_795_428_000_000)
        );
        for junk in [
            "yesterdayish",
            "",
            "m",
            "-5m",
            "2026-13-01T00:00:00Z",
            "999999d",
        ] {
            assert!(parse_time(junk, now).is_err(), "{junk}");
        }
    }
}
