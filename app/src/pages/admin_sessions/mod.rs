//! `/admin/sessions`: every live session of every application, live. The view (search,
//! filters, sort, page) is in the URL; rows change in place from live events (see
//! `live_list`), so an idle console asks the server for nothing but its live channel.

mod actions;
mod list;

use crate::any_view::IntoViewAny;
use crate::browser::{after, focus_leaves, viewport_is_narrow};
use crate::components::confirm::{ActionGuard, ConfirmDialog, Confirmation};
use crate::components::console_url::{default_dir, query_from_params, query_to_search};
use crate::components::filter_chips::FilterChips;
use crate::components::flash::{Flash, FlashMessage};
use crate::components::form_feedback::form_done;
use crate::components::live_list::LiveList;
use crate::components::session_parts::{ViewState, KILL_MANY_FORM, KILL_PAGE};
use crate::console_api::session_facets;
use crate::format::sessions_count;
use crate::live::{connect, LiveSignal};
use crate::pages::{page_title, ticking_now, PageHeading, TopBar};
use crate::sessions_api::{list_sessions, whoami, KILLED};
use actions::KillActions;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
#[cfg(feature = "hydrate")]
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;
use list::{SessionList, SortPicker};
use sessions_core::model::{ListFilter, ListQuery, PageAt, SortDir, SortKey, DEFAULT_PAGE_SIZE};
use std::collections::HashSet;

/// Cards are taller than rows: a phone gets fewer per page. Ten compact cards are about
/// two screens; every card is hydrated on load, and at 20 the cards' hydration was the
/// longest task of the page on Lighthouse's mobile preset (bench/results-lighthouse.md).
const PHONE_PAGE_SIZE: u32 = 10;
/// The element whose `data-layout` tells hydration which layout the server rendered.
const LIST_ID: &str = "session-list";

/// The shape of the router's navigate function, named for the server build's `None`.
#[cfg(not(feature = "hydrate"))]
type Navigate = fn(&str, NavigateOptions);

#[component]
pub fn AdminSessionsPage() -> impl IntoView {
    let params = use_query_map();
    // The router's navigate function is not `Send`: keep it only in the browser, where
    // navigation happens (a local value dropped on another server thread would panic).
    #[cfg(feature = "hydrate")]
    let navigate = Some(StoredValue::new_local(use_navigate()));
    #[cfg(not(feature = "hydrate"))]
    let navigate: Option<StoredValue<Navigate, LocalStorage>> = None;
    let narrow = RwSignal::new(initial_narrow());
    let query = Memo::new(move |_| {
        let limit = if narrow.get() {
            PHONE_PAGE_SIZE
        } else {
            DEFAULT_PAGE_SIZE
        };
        params.with(|params| query_from_params(|key| params.get(key), limit))
    });
    // Goes to another view of the list; typing in the search replaces the history entry.
    let show = move |next: ListQuery, replace: bool| {
        let path = format!("/admin/sessions{}", query_to_search(&next));
        if let Some(navigate) = navigate {
            navigate.with_value(|navigate| {
                navigate(
                    &path,
                    NavigateOptions {
                        replace,
                        scroll: false,
                        ..Default::default()
                    },
                )
            });
        }
    };
    let refetches = RwSignal::new(0_u32);
    let me = Resource::new(|| (), |_| whoami());
    // The first page only, rendered on the server and hydrated. Later pages (another
    // search, filter, sort or page, a reload) are fetched by `follow_query` into `list`
    // in place: refetching a resource would rebuild the list under its `Transition`
    // while the old rows, still shown, watch `list` (a panic, "reactive value already
    // disposed", that stopped the page).
    let sessions = Resource::new(
        || (),
        move |_| {
            let query = query.get_untracked();
            async move { (query.clone(), list_sessions(query).await) }
        },
    );
    // Loaded once: later the counts move with live events, and a reload refreshes them
    // in place (`refresh_facets`). Refetching this resource would rebuild the chips
    // under their `Transition` while the old ones, still shown, watch the counts: a
    // panic ("reactive value already disposed") that stopped the page.
    let facets = Resource::new(|| (), |_| session_facets());
    let list = LiveList::default();
    // Events may have been missed (the channel was down) or held back (the "new
    // sessions" pill): fetch the page and the counts once.
    let reload = move || {
        refetches.update(|n| *n += 1);
        refresh_facets(list);
    };

    let selected = RwSignal::new(HashSet::<String>::new());
    let revealed = RwSignal::new(HashSet::<String>::new());
    let include_mine = RwSignal::new(false);
    let flash = RwSignal::new(flash_from_form_post());
    follow_query(query, refetches, list, flash);
    let pending = RwSignal::new(None::<Confirmation>);
    let open_menus = RwSignal::new(0_u32);
    let filters_open = RwSignal::new(false);

    // Nothing moves while the admin points at, works in or has chosen rows.
    let (pointer_in, focus_in) = (RwSignal::new(false), RwSignal::new(false));
    let frozen = Memo::new(move |_| {
        pointer_in.get()
            || focus_in.get()
            || !selected.with(HashSet::is_empty)
            || pending.with(Option::is_some)
            || open_menus.get() > 0
    });
    Effect::watch(
        move || frozen.get(),
        move |frozen, _, _| {
            if !*frozen {
                list.settle()
            }
        },
        false,
    );

    Effect::new(move |_| {
        let handle = connect(move |signal| match signal {
            LiveSignal::Event(event) => list.apply(&event, frozen.get_untracked()),
            LiveSignal::Resync => reload(),
        });
        on_cleanup(move || handle.stop());
    });
    // The layout follows the viewport once the page runs in the browser.
    Effect::new(move |_| {
        let follow = move || {
            if let Some(now_narrow) = viewport_is_narrow() {
                if narrow.get_untracked() != now_narrow {
                    narrow.set(now_narrow);
                }
            }
        };
        follow();
        let handle = window_event_listener(leptos::ev::resize, move |_| follow());
        on_cleanup(move || handle.remove());
    });
    // "/" jumps to the search box, as on most sites with one.
    let search_box = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |event| {
            let typing = event_target::<leptos::web_sys::Element>(&event)
                .closest("input, textarea, select, [contenteditable]")
                .ok()
                .flatten()
                .is_some();
            if event.key() == "/"
                && !typing
                && !event.ctrl_key()
                && !event.meta_key()
                && !event.alt_key()
            {
                if let Some(input) = search_box.get_untracked() {
                    event.prevent_default();
                    let _ = input.focus();
                }
            }
        });
        on_cleanup(move || handle.remove());
    });

    let server_now = Signal::derive(move || {
        sessions
            .get()
            .and_then(|(_, page)| page.ok())
            .map(|page| page.now)
            .unwrap_or_default()
    });
    let now = ticking_now(server_now);
    let current = Signal::derive(move || me.get().and_then(Result::ok).map(|me| me.session_id));

    let guard = ActionGuard {
        pending,
        flash,
        // Rows leave by the live "ended" event; nothing to fetch.
        done: Callback::new(move |()| selected.set(HashSet::new())),
    };
    let kills = KillActions {
        guard,
        list,
        current,
        me,
        selected,
        include_mine,
    };
    let on_kill = Callback::new(move |(session, skip)| kills.one(session, skip));
    let on_kill_user =
        Callback::new(move |(target, name, skip)| kills.all_of_user(target, name, skip));
    let kill_selected = move |event| kills.selected(event);
    // Effects run only in the browser: true once the WASM has taken over the page.
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    let kill_everything = move |event| kills.everything(event);

    // Search as you type, sent after a pause; the URL keeps one entry per search.
    let typed = RwSignal::new(query.get_untracked().search);
    Effect::watch(
        move || query.with(|query| query.search.clone()),
        move |search, _, _| {
            if typed.get_untracked() != *search {
                typed.set(search.clone());
            }
        },
        false,
    );
    let on_search = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        typed.set(value.clone());
        after(250, move || {
            if typed.get_untracked() == value && query.with_untracked(|query| query.search != value)
            {
                let mut next = query.get_untracked();
                next.search = value;
                next.page = PageAt::First;
                show(next, true);
            }
        });
    };
    let set_filter = Callback::new(move |filter: ListFilter| {
        let mut next = query.get_untracked();
        next.filter = filter;
        next.page = PageAt::First;
        show(next, false);
    });
    let on_sort = Callback::new(move |key: SortKey| {
        let mut next = query.get_untracked();
        next.dir = if next.sort == key {
            if next.dir == SortDir::Asc {
                SortDir::Desc
            } else {
                SortDir::Asc
            }
        } else {
            default_dir(key)
        };
        next.sort = key;
        next.page = PageAt::First;
        show(next, false);
    });
    let on_page = Callback::new(move |page: PageAt| {
        let mut next = query.get_untracked();
        next.page = page;
        show(next, false);
    });
    let filter = Signal::derive(move || query.with(|query| query.filter.clone()));
    let filter_count = move || {
        query.with(|query| {
            let f = &query.filter;
            [
                f.application.is_some(),
                f.role.is_some(),
                f.status.is_some(),
                f.country.is_some(),
                f.flagged,
            ]
            .into_iter()
            .filter(|set| *set)
            .count()
        })
    };
    let waiting = move || list.waiting.with(Vec::len);
    let any_waiting = move || waiting() > 0;
    let state = ViewState {
        now,
        current,
        selected,
        revealed,
        on_kill,
        on_kill_user,
        open_menus,
    };

    view! {
        <Title text=page_title("All sessions")/>
        <TopBar me/>
        <main class="console" id="main" tabindex="-1">
            <PageHeading heading="Sessions" subtitle="Active user connections across all apps">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let base = sessions.await.1.map(|page| page.total).unwrap_or(0);
                        // The list's Suspend sets it too (`LiveList::load`); the badge
                        // may render first on the server. Runs once: the resource
                        // never refetches.
                        list.base_total.set(base);
                        view! {
                            <span class="badge active-count" aria-live="polite">
                                {move || format!("{} Active", list.base_total.get() + list.total_change.get())}
                            </span>
                        }
                    })}
                </Transition>
            </PageHeading>
            <div class="toolbar">
                // A form so that Enter searches before the WASM has loaded (this page,
                // served with `?q=`); with it, the list follows the typing instead.
                <form class="search-form" role="search" method="get" action="/admin/sessions"
                    on:submit=|event| event.prevent_default()>
                    <input
                        node_ref=search_box
                        class="search"
                        type="search"
                        name="q"
                        aria-label="Search"
                        aria-keyshortcuts="/"
                        placeholder="Search user, IP, application or id  ( / )"
                        prop:value=move || typed.get()
                        on:input=on_search
                    />
                </form>
                <SortPicker query on_pick=Callback::new(move |(key, dir): (SortKey, SortDir)| {
                    let mut next = query.get_untracked();
                    next.sort = key;
                    next.dir = dir;
                    next.page = PageAt::First;
                    show(next, false);
                })/>
                <button
                    class="button filters-toggle"
                    aria-expanded=move || filters_open.get().to_string()
                    aria-controls="filters"
                    on:click=move |_| filters_open.update(|open| *open = !*open)
                >
                    {move || match filter_count() { 0 => "Filters".to_owned(), n => format!("Filters ({n})") }}
                </button>
                // A form to the confirm page, so both kills work before the WASM has
                // loaded (the rows' checkboxes belong to it); with it, they open the dialog.
                <form id=KILL_MANY_FORM class="toolbar-actions" method="get" action=KILL_PAGE>
                    // Enabled as served: without the WASM nothing would ever enable it.
                    <button class="button danger" type="submit"
                        disabled=move || hydrated.get() && selected.with(HashSet::is_empty) on:click=kill_selected>
                        "Kill selected"
                        {move || selected.with(|s| if s.is_empty() { String::new() } else { format!(" ({})", s.len()) })}
                    </button>
                    <label class="include-mine">
                        <input type="checkbox" name="include_mine" value="true"
                            prop:checked=move || include_mine.get() on:change=move |_| include_mine.update(|v| *v = !*v)/>
                        "Include my session"
                    </label>
                    <button class="button danger" type="submit" name="all" value="1" on:click=kill_everything>"Kill all"</button>
                </form>
            </div>
            <div id="filters" class="filters" class:open=move || filters_open.get()>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        if let Ok(loaded) = facets.await {
                            list.load_facets(loaded);
                        }
                        let counts = Signal::derive(move || list.facets.get().unwrap_or_default());
                        view! { <FilterChips facets=counts filter set_filter/> }
                    })}
                </Transition>
            </div>
            // Float above the list: a message or pill pushing the rows down would move
            // another session under the admin's pointer.
            <div class="notices">
                <FlashMessage flash/>
                <Show when=any_waiting>
                    <button class="new-pill" on:click=move |_| reload()>
                        {move || match waiting() { 1 => "1 new session — show".to_owned(), n => format!("{n} new sessions — show") }}
                    </button>
                </Show>
            </div>
            <div
                id=LIST_ID
                class="session-list"
                data-layout=move || if narrow.get() { "cards" } else { "table" }
                on:pointerenter=move |_| pointer_in.set(true)
                on:pointerleave=move |_| pointer_in.set(false)
                on:focusin=move |_| focus_in.set(true)
                on:focusout=move |event| if focus_leaves(&event) { focus_in.set(false) }
            >
                <Transition fallback=|| view! { <p class="loading">"Loading sessions…"</p> }>
                    {move || Suspend::new(async move {
                        // Awaited here so the first render (server and hydration) knows "you".
                        let _ = me.await;
                        let (loaded_query, page) = sessions.await;
                        match page {
                            Ok(page) => {
                                list.load(page, loaded_query);
                                view! { <SessionList list state narrow query on_sort on_page/> }.into_view_any()
                            }
                            Err(err) => {
                                let text = Flash::from_error(&err).text();
                                view! { <div class="flash failure" role="alert">{text}</div> }.into_view_any()
                            }
                        }
                    })}
                </Transition>
            </div>
            <ConfirmDialog pending/>
        </main>
    }
}

/// After the first page: fetches the page of each new view (the query in the URL
/// changed) or reload (`refetches` moved) and shows it in `list`, in the browser. Only
/// the answer to the latest request is shown; a failure is a flash message and the
/// rows stay.
fn follow_query(
    query: Memo<ListQuery>,
    refetches: RwSignal<u32>,
    list: LiveList,
    flash: RwSignal<Option<Flash>>,
) {
    let latest = StoredValue::new(0_u64);
    Effect::watch(
        move || (query.get(), refetches.get()),
        move |(query, _), _, _| {
            latest.update_value(|n| *n += 1);
            let (ticket, query) = (latest.get_value(), query.clone());
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                let answer = list_sessions(query.clone()).await;
                if latest.get_value() != ticket {
                    return;
                }
                match answer {
                    Ok(page) => list.load(page, query),
                    Err(err) => flash.set(Some(Flash::from_error(&err))),
                }
            });
            #[cfg(not(feature = "hydrate"))]
            let _ = (ticket, query, list, flash);
        },
        false,
    );
}

/// Fetches the chip counts again and puts them in `list`, in the browser.
fn refresh_facets(list: LiveList) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        if let Ok(loaded) = session_facets().await {
            list.load_facets(loaded);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = list;
}

/// What the console says first when a Kill posted without the WASM brought it here.
fn flash_from_form_post() -> Option<Flash> {
    match form_done()? {
        (what, count) if what == KILLED => {
            Some(Flash::Success(format!("{} ended.", sessions_count(count))))
        }
        _ => None,
    }
}

/// The layout the first render uses: on the server from the browser's kind, in the
/// browser the one the server chose (hydration must match it); the viewport decides
/// after that.
fn initial_narrow() -> bool {
    #[cfg(feature = "ssr")]
    return crate::server_ctx::request_from_phone();
    #[cfg(not(feature = "ssr"))]
    return crate::browser::rendered_layout(LIST_ID).as_deref() == Some("cards");
}
