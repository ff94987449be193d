//! `/admin/sessions`: every live session of every application, live.

use crate::api::{kill_all, kill_sessions, list_sessions, whoami};
use crate::browser::after;
use crate::components::confirm::{skips_confirmation, ConfirmDialog, Confirmation};
use crate::components::filter_chips::FilterChips;
use crate::policy_api::{kill_user_sessions, session_facets};
use crate::components::flash::{Flash, FlashMessage};
use crate::components::session_views::{SessionCards, SessionTable, ViewState};
use crate::live::{connect, LiveSignal};
use crate::pages::{ticking_now, TopBar};
use leptos::prelude::*;
use sessions_core::model::{ListFilter, ListQuery, PageAt, SessionPage, SortDir, SortKey, DEFAULT_PAGE_SIZE};
use std::collections::HashSet;

/// What the console does with a confirmed (or Ctrl-clicked) action.
#[derive(Clone)]
enum Kill {
    Sessions(Vec<String>),
    User { id: i64, name: String },
    All { include_mine: bool },
}

#[component]
pub fn AdminSessionsPage() -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let filter = RwSignal::new(ListFilter::default());
    let sort = RwSignal::new(SortKey::Created);
    let dir = RwSignal::new(SortDir::Desc);
    let page = RwSignal::new(PageAt::First);
    let version = RwSignal::new(0_u32);
    let selected = RwSignal::new(HashSet::<String>::new());
    let revealed = RwSignal::new(HashSet::<String>::new());
    let include_mine = RwSignal::new(false);
    let flash = RwSignal::new(None::<Flash>);
    let pending = RwSignal::new(None::<Confirmation>);

    // A new search or order starts again at the first page.
    Effect::watch(
        move || (search.get(), filter.get(), sort.get(), dir.get()),
        move |_, _, _| page.set(PageAt::First),
        false,
    );

    let me = Resource::new(|| (), |_| whoami());
    let sessions = Resource::new(
        move || (search.get(), filter.get(), sort.get(), dir.get(), page.get(), version.get()),
        |(search, filter, sort, dir, page, _)| {
            list_sessions(ListQuery { search, filter, sort, dir, page, limit: DEFAULT_PAGE_SIZE })
        },
    );
    let facets = Resource::new(move || version.get(), |_| session_facets());
    let server_now = Signal::derive(move || {
        sessions.get().and_then(|page| page.ok()).map(|page| page.now).unwrap_or_default()
    });
    let now = ticking_now(server_now);

    // Live: reload the page of data shortly after changes (bursts coalesce into one).
    let reload_scheduled = StoredValue::new(false);
    let schedule_reload = move || {
        if !reload_scheduled.get_value() {
            reload_scheduled.set_value(true);
            after(250, move || {
                reload_scheduled.set_value(false);
                version.update(|v| *v += 1);
            });
        }
    };
    Effect::new(move |_| {
        let handle = connect(move |signal| match signal {
            LiveSignal::Event(_) | LiveSignal::Resync => schedule_reload(),
        });
        on_cleanup(move || handle.stop());
    });

    let run_kill = move |kill: Kill| {
        leptos::task::spawn_local(async move {
            let sessions = |count: u32| format!("{count} session{}", if count == 1 { "" } else { "s" });
            let result = match kill {
                Kill::Sessions(ids) => kill_sessions(ids).await.map(|count| format!("{} ended.", sessions(count))),
                Kill::User { id, name } => {
                    kill_user_sessions(id).await.map(|count| format!("Ended {} of {name}.", sessions(count)))
                }
                Kill::All { include_mine } => kill_all(include_mine).await.map(|count| format!("{} ended.", sessions(count))),
            };
            flash.set(Some(match result {
                Ok(text) => Flash::Success(text),
                Err(err) => Flash::from_error(&err),
            }));
            selected.set(HashSet::new());
            version.update(|v| *v += 1);
        });
    };
    let ask = move |kill: Kill, skip: bool, title: String, detail: String| {
        if skip {
            run_kill(kill);
        } else {
            let on_confirm = Callback::new(move |()| run_kill(kill.clone()));
            pending.set(Some(Confirmation { title, detail, on_confirm }));
        }
    };
    let on_kill = Callback::new(move |(id, skip): (String, bool)| {
        let short: String = id.chars().take(8).collect();
        ask(Kill::Sessions(vec![id]), skip, "Kill this session?".into(), format!("Session {short} will be signed out at once."));
    });
    let on_kill_user = Callback::new(move |(id, name, skip): (i64, String, bool)| {
        let mine = me.get_untracked().and_then(Result::ok).is_some_and(|me| me.username == name);
        let detail = if mine {
            format!("Every session of {name} will be signed out at once, except the one you are using.")
        } else {
            format!("Every session of {name} will be signed out at once.")
        };
        ask(Kill::User { id, name: name.clone() }, skip, format!("Kill all sessions of {name}?"), detail);
    });
    let kill_selected = move |event: leptos::ev::MouseEvent| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        let count = ids.len();
        ask(Kill::Sessions(ids), skips_confirmation(&event), format!("Kill {count} selected session{}?", if count == 1 { "" } else { "s" }), "They will be signed out at once.".into());
    };
    let kill_everything = move |event: leptos::ev::MouseEvent| {
        let mine = include_mine.get_untracked();
        let detail = if mine {
            "Every live session, yours included, will be signed out at once.".to_owned()
        } else {
            "Every live session except yours will be signed out at once.".to_owned()
        };
        ask(Kill::All { include_mine: mine }, skips_confirmation(&event), "Kill all sessions?".into(), detail);
    };
    let on_search = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        typed.set(value.clone());
        after(200, move || {
            if typed.get_untracked() == value {
                search.set(value);
            }
        });
    };

    let current = Signal::derive(move || me.get().and_then(|me| me.ok()).map(|me| me.session_id));
    let state = ViewState { now, current, selected, revealed, on_kill, on_kill_user };

    view! {
        <TopBar me/>
        <main class="console">
            <FlashMessage flash/>
            <div class="page-head">
                <div>
                    <h1>"Sessions"</h1>
                    <p class="subtitle">"Active user connections across all apps"</p>
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let total = sessions.await.map(|page| page.total).unwrap_or(0);
                        view! { <span class="badge active-count">{format!("{total} Active")}</span> }
                    })}
                </Transition>
            </div>
            <div class="toolbar">
                <input
                    class="search"
                    type="search"
                    aria-label="Search"
                    placeholder="Search user, IP, application or session id"
                    prop:value=move || typed.get()
                    on:input=on_search
                />
                <div class="toolbar-actions">
                    <button class="button danger" disabled=move || selected.with(HashSet::is_empty) on:click=kill_selected>
                        "Kill selected"
                        {move || selected.with(|s| if s.is_empty() { String::new() } else { format!(" ({})", s.len()) })}
                    </button>
                    <label class="include-mine">
                        <input type="checkbox" prop:checked=move || include_mine.get() on:change=move |_| include_mine.update(|v| *v = !*v)/>
                        "Include my session"
                    </label>
                    <button class="button danger" on:click=kill_everything>"Kill all"</button>
                </div>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    facets.await.ok().map(|facets| view! { <FilterChips facets filter/> })
                })}
            </Transition>
            <Transition fallback=|| view! { <p class="loading">"Loading sessions…"</p> }>
                {move || Suspend::new(async move {
                    // Awaited here so the first render (server and hydration) knows "you".
                    let _ = me.await;
                    match sessions.await {
                        Ok(page_data) => view! { <SessionList data=page_data state sort dir page/> }.into_any(),
                        Err(err) => {
                            let text = Flash::from_error(&err).text();
                            view! { <div class="flash failure" role="alert">{text}</div> }.into_any()
                        }
                    }
                })}
            </Transition>
            <ConfirmDialog pending/>
        </main>
    }
}

#[component]
fn SessionList(
    data: SessionPage,
    state: ViewState,
    sort: RwSignal<SortKey>,
    dir: RwSignal<SortDir>,
    page: RwSignal<PageAt>,
) -> impl IntoView {
    if data.sessions.is_empty() {
        return view! { <p class="empty">"No live session matches."</p> }.into_any();
    }
    let SessionPage { sessions, total, next, prev, .. } = data;
    let shown = sessions.len();
    view! {
        <SessionTable sessions=sessions.clone() state sort dir/>
        <SessionCards sessions state/>
        <nav class="pager" aria-label="Pages">
            <span>{format!("{shown} of {total}")}</span>
            <button class="button small" disabled=prev.is_none() on:click={
                let prev = prev.clone();
                move |_| if let Some(cursor) = prev.clone() { page.set(PageAt::Before(cursor)) }
            }>"Previous"</button>
            <button class="button small" disabled=next.is_none() on:click={
                let next = next.clone();
                move |_| if let Some(cursor) = next.clone() { page.set(PageAt::After(cursor)) }
            }>"Next"</button>
        </nav>
    }
    .into_any()
}
