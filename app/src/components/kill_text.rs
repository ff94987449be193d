//! How a kill is put to the admin who confirms it, the same in the console's dialog and
//! on the confirm page that a Kill posted without the WASM leads to.

use crate::components::session_parts::application_label;
use crate::format::agent_summary;
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
