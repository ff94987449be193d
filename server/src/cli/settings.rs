//! `sessions settings get|set|unset`: the session policy from the command line. A
//! running server picks a change up within a second; the sessions it ends are ended
//! here, at once, like a save on the settings page.

use super::output::print_records;
use super::ACTOR;
use super::{Format, RoleArg, SettingsCommand};
use crate::failure::Failure;
use sessions_core::catalogue::{self, SettingChange, SettingScope, SETTINGS};
use sessions_core::model::{Impact, Role};
use sessions_core::Engine;
use std::sync::Arc;

pub async fn run(engine: &Arc<Engine>, command: SettingsCommand) -> Result<(), Failure> {
    match command {
        SettingsCommand::Get { key, role, format } => {
            get(engine, key.as_deref(), role.map(Role::from), format)
        }
        SettingsCommand::Set {
            key,
            value,
            role,
            dry_run,
        } => {
            let change = SettingChange {
                scope: scope(role),
                key,
                value: Some(value),
            };
            apply(engine, change, dry_run).await
        }
        SettingsCommand::Unset { key, role } => {
            let change = SettingChange {
                scope: scope(role),
                key,
                value: None,
            };
            apply(engine, change, false).await
        }
    }
}

fn scope(role: Option<RoleArg>) -> SettingScope {
    role.map_or(SettingScope::Default, |role| {
        SettingScope::Role(role.into())
    })
}

fn get(
    engine: &Engine,
    key: Option<&str>,
    role: Option<Role>,
    format: Format,
) -> Result<(), Failure> {
    let specs: Vec<_> = match key {
        Some(key) => vec![catalogue::spec(key).ok_or_else(|| {
            Failure::usage(format!(
                "Unknown setting {key:?}. Known settings: {}.",
                catalogue::known_keys()
            ))
        })?],
        None => SETTINGS.iter().collect(),
    };
    let policy = engine.policy();
    let values = policy.values();
    let mut rows = Vec::new();
    let mut records = Vec::new();
    for spec in specs {
        let default = values
            .get(SettingScope::Default, spec.key)
            .unwrap_or(spec.default)
            .to_owned();
        let (value, source) = match role {
            Some(role) => match values.get(SettingScope::Role(role), spec.key) {
                Some(value) => (value.to_owned(), format!("{role} override")),
                None => (default.clone(), "default".to_owned()),
            },
            None => (
                default.clone(),
                if default == spec.default {
                    "built-in"
                } else {
                    "set"
                }
                .to_owned(),
            ),
        };
        records.push(serde_json::json!({
            "key": spec.key, "label": spec.label, "value": value, "default": default, "source": source,
        }));
        rows.push(vec![
            spec.key.as_str().to_owned(),
            spec.label.to_owned(),
            value,
            default,
            source,
        ]);
    }
    print_records(
        &["Key", "Label", "Value", "Default", "Source"],
        rows,
        &records,
        format,
        "No settings.",
    )
    .map_err(Failure::io)
}

async fn apply(engine: &Engine, change: SettingChange, dry_run: bool) -> Result<(), Failure> {
    if dry_run {
        let impact = engine
            .preview_settings(std::slice::from_ref(&change), None)
            .await?;
        print_impact(&impact, true);
        return Ok(());
    }
    let saved = engine.save_settings(&[change], ACTOR, None).await?;
    if saved.changes.is_empty() {
        println!("Nothing changed: the setting already has that value.");
        return Ok(());
    }
    for record in &saved.changes {
        let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "(default)".into());
        println!(
            "{} for {}: {} -> {}",
            record.key,
            record.scope.label(),
            shown(&record.old_value),
            shown(&record.new_value)
        );
    }
    print_impact(&saved.impact, false);
    Ok(())
}

/// The impact sentence, then what the rules left in observe mode do not do.
fn print_impact(impact: &Impact, dry_run: bool) {
    println!("{}", impact_sentence(impact, dry_run));
    for sentence in &impact.observing {
        println!("{sentence}");
    }
}

/// "Ended 3 sessions: alice 2, bob 1." or "No session ended."; for a dry run,
/// "Would end 3 sessions: alice 2, bob 1." or "Would end no session."
fn impact_sentence(impact: &Impact, dry_run: bool) -> String {
    let sessions = match impact.sessions {
        0 => {
            return if dry_run {
                "Would end no session.".into()
            } else {
                "No session ended.".into()
            }
        }
        1 => "1 session".to_owned(),
        n => format!("{n} sessions"),
    };
    let users: Vec<String> = impact
        .users
        .iter()
        .map(|(name, count)| format!("{name} {count}"))
        .collect();
    let verb = if dry_run { "Would end" } else { "Ended" };
    format!("{verb} {sessions}: {}.", users.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impact_sentences() {
        let impact = Impact {
            sessions: 3,
            users: vec![("alice".into(), 2), ("bob".into(), 1)],
            ..Impact::default()
        };
        assert_eq!(
            impact_sentence(&impact, false),
            "Ended 3 sessions: alice 2, bob 1."
        );
        assert_eq!(
            impact_sentence(&impact, true),
            "Would end 3 sessions: alice 2, bob 1."
        );
        let one = Impact {
            sessions: 1,
            users: vec![("guest".into(), 1)],
            ..Impact::default()
        };
        assert_eq!(impact_sentence(&one, false), "Ended 1 session: guest 1.");
        assert_eq!(
            impact_sentence(&Impact::default(), false),
            "No session ended."
        );
        assert_eq!(
            impact_sentence(&Impact::default(), true),
            "Would end no session."
        );
    }
}
