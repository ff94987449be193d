//! Server functions of the session policy: settings with their impact preview, the
//! history of ended sessions and settings changes, the console's filter chips and
//! per-user kill, and the password change. JSON in, so nested values travel intact.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
use sessions_core::catalogue::{SettingChange, SettingValues, SettingsChangeRecord};
use sessions_core::model::{Facets, HistoryPage, HistoryQuery, Impact};

#[cfg(feature = "ssr")]
use crate::server_ctx::{actor_name, current_session, engine, require_admin};
#[cfg(feature = "ssr")]
use sessions_core::{engine::KeepSessions, model::EndReason, store::EndSelector};

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

#[server(prefix = "/rpc", endpoint = "get_settings", input = Json)]
pub async fn get_settings() -> Result<SettingsView, AppError> {
    require_admin().await?;
    let engine = engine()?;
    Ok(SettingsView { values: engine.policy().values().clone(), geo_loaded: engine.geo_loaded() })
}

/// What saving `changes` would end now; refuses invalid values exactly as saving would.
#[server(prefix = "/rpc", endpoint = "preview_settings", input = Json)]
pub async fn preview_settings(changes: Vec<SettingChange>) -> Result<Impact, AppError> {
    let admin = require_admin().await?;
    Ok(engine()?.preview_settings(&changes, Some(&admin.id)).await?)
}

/// Saves every change or none, and applies it at once.
#[server(prefix = "/rpc", endpoint = "save_settings", input = Json)]
pub async fn save_settings(changes: Vec<SettingChange>) -> Result<SaveOutcome, AppError> {
    let admin = require_admin().await?;
    let saved = engine()?.save_settings(&changes, &actor_name(&admin), Some(&admin.id)).await?;
    Ok(SaveOutcome { changed: saved.changes.len(), impact: saved.impact })
}

/// Ended sessions, newest first.
#[server(prefix = "/rpc", endpoint = "session_history", input = Json)]
pub async fn session_history(query: HistoryQuery) -> Result<HistoryPage, AppError> {
    require_admin().await?;
    Ok(engine()?.history(&query).await?)
}

/// The ledger of settings changes, newest first.
#[server(prefix = "/rpc", endpoint = "settings_changes", input = Json)]
pub async fn settings_changes() -> Result<Vec<SettingsChangeRecord>, AppError> {
    require_admin().await?;
    Ok(engine()?.settings_changes(SETTINGS_CHANGES_PAGE, None).await?)
}

/// Values of the console's filter chips with their counts.
#[server(prefix = "/rpc", endpoint = "session_facets", input = Json)]
pub async fn session_facets() -> Result<Facets, AppError> {
    require_admin().await?;
    Ok(engine()?.facets().await?)
}

/// Ends every live session of one user, except the calling admin's own.
#[server(prefix = "/rpc", endpoint = "kill_user_sessions", input = Json)]
pub async fn kill_user_sessions(user_id: i64) -> Result<u32, AppError> {
    let admin = require_admin().await?;
    let engine = engine()?;
    let user = engine.user_by_id(user_id).await?;
    let selector = EndSelector::UserExcept { user_id: user.id, keep: admin.id.clone() };
    let ended = engine.end(selector, EndReason::Killed, &actor_name(&admin)).await?;
    Ok(ended.len() as u32)
}

/// Changes the caller's own password; with `sign_out_others`, ends their other sessions.
#[server(prefix = "/rpc", endpoint = "change_password", input = Json)]
pub async fn change_password(
    current: String,
    new: String,
    repeat: String,
    sign_out_others: bool,
) -> Result<u32, AppError> {
    let session = current_session().await?;
    let user_id = session.user_id.ok_or(AppError::Forbidden)?;
    if new != repeat {
        return Err(AppError::BadRequest("The new passwords differ.".into()));
    }
    let keep = if sign_out_others { KeepSessions::This(session.id.clone()) } else { KeepSessions::All };
    let ended = engine()?.change_own_password(user_id, current, new, keep).await?;
    Ok(ended as u32)
}
