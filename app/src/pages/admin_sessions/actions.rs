//! The console's four kills: one session, every session of a user, the selected rows,
//! and everything. Each asks for confirmation first (unless Ctrl/Cmd-clicked), tells
//! the live list which rows it expects to end (so they leave at once and are not
//! counted twice when their "ended" events arrive) and reports what ended.

use crate::components::confirm::{skips_confirmation, ActionGuard};
use crate::components::kill_text::{
    kill_all_title, kill_detail, kill_selected_title, kill_title, KILL_ALL_DETAIL,
    KILL_SELECTED_DETAIL,
};
use crate::components::live_list::LiveList;
use crate::console_api::{kill_app_user_sessions, kill_user_sessions, UserTarget};
use crate::error::AppError;
use crate::format::sessions_count;
use crate::sessions_api::{kill_all, kill_sessions, Me};
use leptos::prelude::*;
use sessions_core::model::Session;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Clone, Copy)]
pub(super) struct KillActions {
    pub guard: ActionGuard,
    pub list: LiveList,
    /// The admin's own session id, once known.
    pub current: Signal<Option<String>>,
    pub me: Resource<Result<Me, AppError>>,
    pub selected: RwSignal<HashSet<String>>,
    pub include_mine: RwSignal<bool>,
}

impl KillActions {
    pub fn one(self, session: Arc<Session>, skip: bool) {
        let mine = self.current.get_untracked().as_deref() == Some(session.id.as_str());
        let id = session.id.clone();
        let list = self.list;
        self.guard.ask(
            skip,
            kill_title(&session),
            kill_detail(mine).to_owned(),
            move || {
                let ids = vec![id.clone()];
                list.expect_kills(ids.clone());
                async move {
                    kill_sessions(ids)
                        .await
                        .map(|count| format!("{} ended.", sessions_count(count)))
                }
            },
        );
    }

    pub fn all_of_user(self, target: UserTarget, name: String, skip: bool) {
        // The admin's own current session is always spared (the server does the same).
        let mine = matches!(target, UserTarget::Account(_))
            && self
                .me
                .get_untracked()
                .and_then(Result::ok)
                .is_some_and(|me| me.username == name);
        let detail = if mine {
            format!("Every session of {name} will be signed out at once, except the one you are using now.")
        } else {
            format!("Every session of {name} will be signed out at once.")
        };
        let (list, current) = (self.list, self.current);
        self.guard.ask(
            skip,
            format!("Kill all sessions of {name}?"),
            detail,
            move || {
                let (name, target) = (name.clone(), target.clone());
                // The server spares the admin's own session: it is not expected to end.
                let own = current.get_untracked();
                let shown = list.ids_where(|session| {
                    UserTarget::of(session).as_ref() == Some(&target)
                        && own.as_deref() != Some(session.id.as_str())
                });
                list.expect_kills(shown);
                async move {
                    let count = match target {
                        UserTarget::Account(user_id) => kill_user_sessions(user_id, false).await?,
                        UserTarget::AppUser {
                            application,
                            user_id,
                        } => kill_app_user_sessions(application, user_id).await?,
                    };
                    Ok(format!("Ended {} of {name}.", sessions_count(count)))
                }
            },
        );
    }

    pub fn selected(self, event: leptos::ev::MouseEvent) {
        // Without the WASM, the button submits the toolbar's form to the confirm page.
        event.prevent_default();
        let ids: Vec<String> = self.selected.get_untracked().into_iter().collect();
        let title = kill_selected_title(ids.len());
        let list = self.list;
        self.guard.ask(
            skips_confirmation(&event),
            title,
            KILL_SELECTED_DETAIL.into(),
            move || {
                let ids = ids.clone();
                list.expect_kills(ids.clone());
                async move {
                    kill_sessions(ids)
                        .await
                        .map(|count| format!("{} ended.", sessions_count(count)))
                }
            },
        );
    }

    pub fn everything(self, event: leptos::ev::MouseEvent) {
        event.prevent_default();
        let mine = self.include_mine.get_untracked();
        let list = self.list;
        let title = kill_all_title(list.live_total().unwrap_or(0), mine);
        let detail = KILL_ALL_DETAIL.to_owned();
        self.guard
            .ask(skips_confirmation(&event), title, detail, move || {
                let ids: Vec<String> = list
                    .rows
                    .with_untracked(|rows| rows.iter().map(|row| row.id().to_owned()).collect());
                list.expect_kills(ids);
                async move {
                    kill_all(mine)
                        .await
                        .map(|count| format!("{} ended.", sessions_count(count)))
                }
            });
    }
}
