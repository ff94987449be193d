//! A session's suspicious-session flags as people read them: a "Flagged" badge and the
//! reasons in words (never colour alone), on console rows and cards and in history;
//! and the warning My sessions gives the person whose session it is.

use crate::any_view::IntoViewAny;
use crate::format::flag_reasons;
use leptos::prelude::*;
use sessions_core::model::{Session, SessionFlag};

/// The badge and reasons, or nothing for a session that is not flagged.
pub fn flag_note(flags: &[SessionFlag]) -> AnyView {
    if flags.is_empty() {
        return ().into_view_any();
    }
    view! {
        <span class="flag-note">
            <span class="badge flagged">"Flagged"</span>
            " "
            <span class="flag-reason">{flag_reasons(flags)}</span>
        </span>
    }
    .into_view_any()
}

/// "New sign-in from SE on Firefox / Windows": what the owner of a flagged session is
/// told, so they can tell whether it was them.
pub fn new_sign_in_text(session: &Session) -> String {
    let place = session.country.as_deref().unwrap_or("an unknown country");
    let agent = &session.agent;
    format!(
        "New sign-in from {place} on {} / {}",
        agent.browser, agent.os
    )
}
