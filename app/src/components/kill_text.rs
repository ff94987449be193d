//! How a kill is put to the admin who confirms it, the same in the console's dialog and
//! on the confirm page that a Kill posted without the WASM leads to.

use crate::components::session_parts::application_label;
use crate::format::{agent_summary, sessions_count};
use sessions_core::model::Session;

/// What killing one session does, for the admin asked to confirm it.
pub fn kill_detail(mine: bool) -> &'static str {
    if mine {
        "This is the session you are using now: you will be signed out."
    } else {
        "It will be signed out at once."
    }
}

/// "Kill Elsa Lindqvist's helpdesk session — Firefox 125 on Windows, SE?"
pub fn kill_title(session: &Session) -> String {
    let whose = match &session.username {
        Some(name) => format!("{name}'s"),
        None => "this guest's".to_owned(),
    };
    let place = session
        .country
        .as_deref()
        .map(|code| format!(", {code}"))
        .unwrap_or_default();
    format!(
        "Kill {whose} {} session — {}{place}?",
        application_label(&session.application),
        agent_summary(session)
    )
}

/// "Kill 3 sessions selected?"
pub fn kill_selected_title(count: usize) -> String {
    format!("Kill {} selected?", sessions_count(count as u32))
}

/// What selected sessions' kill does, for the admin asked to confirm it.
pub const KILL_SELECTED_DETAIL: &str = "They will be signed out at once.";

/// "Kill all 55 sessions except yours?" (`live` counts the admin's own session too), or
/// "Kill all 56 sessions, yours included?"
pub fn kill_all_title(live: i64, include_mine: bool) -> String {
    if include_mine {
        format!(
            "Kill all {}, yours included?",
            sessions_count(live.max(0) as u32)
        )
    } else {
        format!(
            "Kill all {} except yours?",
            sessions_count((live - 1).max(0) as u32)
        )
    }
}

/// What Kill all does, for the admin asked to confirm it.
pub const KILL_ALL_DETAIL: &str = "Everyone affected is signed out at once.";
