//! Server functions of the session policy: settings with their impact preview and the
//! history of ended sessions and settings changes. JSON in, so nested values travel
//! intact. (The console's filter chips, per-user kill and the password change are in
//! `console_api`.)

use crate::error::AppError;
use crate::wire::JsonAnswer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
use sessions_core::catalogue::{SettingChange, SettingValues, SettingsChangeRecord};
use sessions_core::model::{HistoryPage, HistoryQuery, Impact};

#[cfg(feature = "ssr")]
use crate::server_ctx::{client_info, engine, require_admin, require_admin_viewing};
#[cfg(feature = "ssr")]
use sessions_core::engine::Actor;

/// The stored settings, as the settings page edits them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub values: SettingValues,
    /// Whether the IP-to-country database is installed (per-country limits need it).
    pub geo_loaded: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SaveOutcome {
    /// Settings whose value changed.
    pub changed: usize,
    /// What the save ended.
    pub impact: Impact,
}

#[cfg(feature = "ssr")]
const SETTINGS_CHANGES_PAGE: i64 = 50;

#[server(prefix = "/rpc", endpoint = "get_settings", output = JsonAnswer, input = Json)]
pub async fn get_settings() -> Result<SettingsView, AppError> {
    require_admin_viewing().await?;
    let engine = engine()?;
    Ok(SettingsView {
        values: engine.policy().values().clone(),
        geo_loaded: engine.geo_loaded(),
    })
}

/// What saving `changes` would end now; refuses invalid values exactly as saving would.
#[server(prefix = "/rpc", endpoint = "preview_settings", output = JsonAnswer, input = Json)]
pub async fn preview_settings(changes: Vec<SettingChange>) -> Result<Impact, AppError> {
    let admin = require_admin().await?;
    Ok(engine()?
        .preview_settings(&changes, Some(&admin.id))
        .await?)
}

/// Saves every change or none, and applies it at once. A change that ends sessions
/// needs the password entered recently (`password` when it was not).
#[server(prefix = "/rpc", endpoint = "save_settings", output = JsonAnswer, input = Json)]
pub async fn save_settings(
    changes: Vec<SettingChange>,
    #[server(default)] password: String,
) -> Result<SaveOutcome, AppError> {
    let admin = require_admin().await?;
    let engine = engine()?;
    // The preview (a scan) only when the answer could matter.
    if !engine.auth_is_recent(&admin)
        && engine
            .preview_settings(&changes, Some(&admin.id))
            .await?
            .sessions
            > 0
    {
        engine
            .require_recent_auth(&admin, Some(password), &client_info()?)
            .await?;
    }
    let saved = engine
        .save_settings(&changes, &Actor::name_of(&admin), Some(&admin.id))
        .await?;
    Ok(SaveOutcome {
        changed: saved.changes.len(),
        impact: saved.impact,
    })
}

/// Ended sessions, newest first.
#[server(prefix = "/rpc", endpoint = "session_history", output = JsonAnswer, input = Json)]
pub async fn session_history(query: HistoryQuery) -> Result<HistoryPage, AppError> {
    require_admin_viewing().await?;
    Ok(engine()?.history(&query).await?)
}

/// The ledger of settings changes, newest first.
#[server(prefix = "/rpc", endpoint = "settings_changes", output = JsonAnswer, input = Json)]
pub async fn settings_changes() -> Result<Vec<SettingsChangeRecord>, AppError> {
    require_admin_viewing().await?;
    Ok(engine()?
        .settings_changes(SETTINGS_CHANGES_PAGE, None)
        .await?)
}
