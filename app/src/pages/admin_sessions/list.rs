//! The console's list under its toolbar: the rows as a table or as cards (never both),
//! the pager, and the sort picker the cards use in place of column headers.

use crate::any_view::IntoViewAny;
use crate::components::live_list::LiveList;
use crate::components::session_parts::ViewState;
use crate::components::session_views::{SessionCards, SessionTable};
use leptos::prelude::*;
use sessions_core::model::{ListQuery, PageAt, SortDir, SortKey};

#[component]
pub(super) fn SessionList(
    list: LiveList,
    state: ViewState,
    narrow: RwSignal<bool>,
    query: Memo<ListQuery>,
    on_sort: Callback<SortKey>,
    on_page: Callback<PageAt>,
) -> impl IntoView {
    let empty = move || list.rows.with(Vec::is_empty);
    let sort = Signal::derive(move || query.with(|query| query.sort));
    let dir = Signal::derive(move || query.with(|query| query.dir));
    let rows = list.rows;
    let shown = move || {
        format!(
            "{} of {}",
            rows.with(Vec::len),
            list.base_total.get() + list.total_change.get()
        )
    };
    view! {
        <Show
            when=move || !empty()
            fallback=|| view! { <p class="empty">"No live session matches."</p> }
        >
            {move || if narrow.get() {
                view! { <SessionCards rows state/> }.into_view_any()
            } else {
                view! { <SessionTable rows state sort dir on_sort/> }.into_view_any()
            }}
        </Show>
        <nav class="pager" aria-label="Pages">
            <span>{shown}</span>
            <button
                class="button small"
                disabled=move || list.pager.with(|(prev, _)| prev.is_none())
                on:click=move |_| if let Some(cursor) = list.pager.with_untracked(|(prev, _)| prev.clone()) {
                    on_page.run(PageAt::Before(cursor))
                }
            >"Previous"</button>
            <button
                class="button small"
                disabled=move || list.pager.with(|(_, next)| next.is_none())
                on:click=move |_| if let Some(cursor) = list.pager.with_untracked(|(_, next)| next.clone()) {
                    on_page.run(PageAt::After(cursor))
                }
            >"Next"</button>
        </nav>
    }
}

/// The order of the list as one choice (the cards have no column headers to click).
#[component]
pub(super) fn SortPicker(
    query: Memo<ListQuery>,
    on_pick: Callback<(SortKey, SortDir)>,
) -> impl IntoView {
    const CHOICES: [(SortKey, SortDir, &str); 7] = [
        (SortKey::Created, SortDir::Desc, "Newest sign-in"),
        (SortKey::Created, SortDir::Asc, "Oldest sign-in"),
        (SortKey::LastSeen, SortDir::Desc, "Recently seen"),
        (SortKey::Expires, SortDir::Asc, "Ending soonest"),
        (SortKey::User, SortDir::Asc, "User A–Z"),
        (SortKey::Application, SortDir::Asc, "Application A–Z"),
        (SortKey::Ip, SortDir::Asc, "IP address"),
    ];
    let value = |key: SortKey, dir: SortDir| {
        format!(
            "{}:{}",
            key.as_str(),
            if dir == SortDir::Asc { "asc" } else { "desc" }
        )
    };
    let current = move || query.with(|query| value(query.sort, query.dir));
    let on_change = move |event: leptos::ev::Event| {
        let picked = event_target_value(&event);
        if let Some((key, dir)) = CHOICES
            .iter()
            .find(|(key, dir, _)| value(*key, *dir) == picked)
            .map(|(k, d, _)| (*k, *d))
        {
            on_pick.run((key, dir));
        }
    };
    view! {
        <select class="sort-picker" aria-label="Sort by" prop:value=current on:change=on_change>
            {CHOICES.iter().map(|(key, dir, label)| {
                let option_value = value(*key, *dir);
                let selected = { let option_value = option_value.clone(); move || current() == option_value };
                view! { <option value=option_value selected=selected>{*label}</option> }
            }).collect_view()}
            // A sort from a column header that the list above does not name.
            <Show when=move || !CHOICES.iter().any(|(key, dir, _)| value(*key, *dir) == current())>
                <option value=current selected=true>"Column order"</option>
            </Show>
        </select>
    }
}
