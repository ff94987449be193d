//! `/admin/sessions`: every live session of every application, live.

use crate::api::{kill_all, kill_sessions, list_sessions, whoami};
use crate::browser::after;
use crate::components::confirm::{skips_confirmation, ActionGuard, ConfirmDialog, Confirmation};
use crate::components::filter_chips::FilterChips;
use crate::components::flash::{Flash, FlashMessage};
use crate::components::session_views::{SessionCards, SessionTable, ViewState};
use crate::console_api::{kill_app_user_sessions, kill_user_sessions, session_facets, UserTarget};
use crate::format::sessions_count;
use crate::live::{connect, LiveSignal};
use crate::pages::{ticking_now, TopBar};
use leptos::prelude::*;
use sessions_core::model::{ListFilter, ListQuery, PageAt, SessionPage, SortDir, SortKey, DEFAULT_PAGE_SIZE};
use std::collections::HashSet;

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
    // The chip counts follow `version`, so they refresh exactly when the list reloads.
    let facets = Resource::new(move || version.get(), |_| session_facets());
    let server_now = Signal::derive(move || {
        sessions.get().and_then(|page| page.ok()).map(|page| page.now).unwrap_or_default()
    });
    let now = ticking_now(server_now);

    // Live: reload the page of data and the chip counts shortly after changes (bursts
    // coalesce into one).
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

    let guard = ActionGuard {
        pending,
        flash,
        done: Callback::new(move |()| {
            selected.set(HashSet::new());
            version.update(|v| *v += 1);
        }),
    };
    let on_kill = Callback::new(move |(id, skip): (String, bool)| {
        let short: String = id.chars().take(8).collect();
        let detail = format!("Session {short} will be signed out at once.");
        guard.ask(skip, "Kill this session?".into(), detail, move || {
            let ids = vec![id.clone()];
            async move { kill_sessions(ids).await.map(|count| format!("{} ended.", sessions_count(count))) }
        });
    });
    let on_kill_user = Callback::new(move |(target, name, skip): (UserTarget, String, bool)| {
        // The admin's own current session is always spared (the server does the same).
        let mine = matches!(target, UserTarget::Account(_))
            && me.get_untracked().and_then(Result::ok).is_some_and(|me| me.username == name);
        let detail = if mine {
            format!("Every session of {name} will be signed out at once, except the one you are using now.")
        } else {
            format!("Every session of {name} will be signed out at once.")
        };
        let title = format!("Kill all sessions of {name}?");
        guard.ask(skip, title, detail, move || {
            let name = name.clone();
            let target = target.clone();
            async move {
                let count = match target {
                    UserTarget::Account(user_id) => kill_user_sessions(user_id, false).await?,
                    UserTarget::AppUser { application, user_id } => {
                        kill_app_user_sessions(application, user_id).await?
                    }
                };
                Ok(format!("Ended {} of {name}.", sessions_count(count)))
            }
        });
    });
    let kill_selected = move |event: leptos::ev::MouseEvent| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        let title = format!("Kill {} selected?", sessions_count(ids.len() as u32));
        guard.ask(skips_confirmation(&event), title, "They will be signed out at once.".into(), move || {
            let ids = ids.clone();
            async move { kill_sessions(ids).await.map(|count| format!("{} ended.", sessions_count(count))) }
        });
    };
    let kill_everything = move |event: leptos::ev::MouseEvent| {
        let mine = include_mine.get_untracked();
        let detail = if mine {
            "Every live session, yours included, will be signed out at once."
        } else {
            "Every live session except yours will be signed out at once."
        };
        guard.ask(skips_confirmation(&event), "Kill all sessions?".into(), detail.into(), move || async move {
            kill_all(mine).await.map(|count| format!("{} ended.", sessions_count(count)))
        });
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
