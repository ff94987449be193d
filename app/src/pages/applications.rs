//! `/admin/applications`: the web applications that keep their sessions here through
//! the API. Adding one shows its key once; revoking one stops its key and ends its
//! live sessions.

use crate::any_view::IntoViewAny;
use crate::apps_api::{add_application, list_applications, revoke_application, AddedApplication};
use crate::browser::after;
use crate::components::confirm::{skips_confirmation, ActionGuard, ConfirmDialog, Confirmation};
use crate::components::console_url::query_to_search;
use crate::components::flash::{Flash, FlashMessage};
use crate::format::{sessions_count, utc};
use crate::live::connect;
use crate::pages::{page_title, PageHeading, TopBar};
use crate::sessions_api::whoami;
use leptos::prelude::*;
use leptos_meta::Title;
use sessions_core::model::Application;
use sessions_core::model::{ListFilter, ListQuery};

/// (application name, its live sessions, skip the confirmation)
type OnRevoke = Callback<(String, i64, bool)>;

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let version = RwSignal::new(0_u32);
    let apps = Resource::new(move || version.get(), |_| list_applications());
    let flash = RwSignal::new(None::<Flash>);
    let pending = RwSignal::new(None::<Confirmation>);
    let new_key = RwSignal::new(None::<AddedApplication>);
    let reload = move || version.update(|v| *v += 1);

    // Live: the session counts follow logins and logouts (bursts coalesce into one
    // reload), and a tab whose session ends goes to the sign-in page.
    let reload_scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        let handle = connect(move |_| {
            if !reload_scheduled.get_value() {
                reload_scheduled.set_value(true);
                after(500, move || {
                    reload_scheduled.set_value(false);
                    reload();
                });
            }
        });
        on_cleanup(move || handle.stop());
    });

    let guard = ActionGuard {
        pending,
        flash,
        done: Callback::new(move |()| reload()),
    };
    let on_revoke: OnRevoke = Callback::new(move |(name, live, skip): (String, i64, bool)| {
        let ending = match live {
            0 => "It has no live session.".to_owned(),
            1 => "Its 1 live session ends.".to_owned(),
            n => format!("Its {n} live sessions end."),
        };
        let detail = format!("The API key of {name} stops working at once. {ending}");
        guard.ask(skip, format!("Revoke {name}?"), detail, move || {
            let name = name.clone();
            async move {
                let ended = revoke_application(name.clone()).await?;
                Ok(format!(
                    "Revoked {name}: its key no longer works. {} ended.",
                    sessions_count(ended)
                ))
            }
        });
    });

    view! {
        <Title text=page_title("Applications")/>
        <TopBar me/>
        <main class="console applications" id="main" tabindex="-1">
            <FlashMessage flash/>
            <PageHeading heading="Applications" subtitle="Web applications that keep their sessions here through the API"/>
            <AddForm flash new_key on_added=Callback::new(move |()| reload())/>
            <NewKeyPanel new_key/>
            <Transition fallback=|| view! { <p class="loading">"Loading applications…"</p> }>
                {move || Suspend::new(async move {
                    let _ = me.await;
                    match apps.await {
                        Ok(list) => view! { <AppList apps=list on_revoke/> }.into_view_any(),
                        Err(err) => {
                            let text = Flash::from_error(&err).text();
                            view! { <div class="flash failure" role="alert">{text}</div> }.into_view_any()
                        }
                    }
                })}
            </Transition>
            <ConfirmDialog pending/>
        </main>
    }
}

#[component]
fn AddForm(
    flash: RwSignal<Option<Flash>>,
    new_key: RwSignal<Option<AddedApplication>>,
    on_added: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        let wanted = name.get_untracked();
        leptos::task::spawn_local(async move {
            match add_application(wanted).await {
                Ok(added) => {
                    flash.set(Some(Flash::Success(format!(
                        "Added {}. Copy its API key below.",
                        added.name
                    ))));
                    new_key.set(Some(added));
                    name.set(String::new());
                    on_added.run(());
                }
                Err(err) => flash.set(Some(Flash::from_error(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="setting-group add-app">
            <h2>"Add application"</h2>
            <form on:submit=submit>
                <label for="app-name">"Name"</label>
                <input id="app-name" class="search" type="text" autocomplete="off" spellcheck="false"
                    placeholder="shop, billing-api, intranet…" required=true maxlength="200"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
                <button class="button primary" type="submit" disabled=move || busy.get()>"Add application"</button>
            </form>
            <p class="setting-help">"Letters, digits, '-', '_' or '.', up to 40 characters. A name is never reused, even after it is revoked."</p>
        </section>
    }
}

/// The key of the application just added: the only time anyone sees it.
#[component]
fn NewKeyPanel(new_key: RwSignal<Option<AddedApplication>>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let key_ref = NodeRef::<leptos::html::Code>::new();
    move || {
        new_key.get().map(|AddedApplication { name, key }| {
            let curl = format!("curl -H \"Authorization: Bearer {key}\" {}/api/v1/sessions", origin());
            let copy = {
                let key = key.clone();
                move |_| copy_key(&key, key_ref, Callback::new(move |ok| copied.set(Some(ok))))
            };
            view! {
                <section class="key-panel" aria-label="New API key">
                    <h2>{format!("API key of {name}")}</h2>
                    <p>"Copy it now: it is shown only this once. Sessions keeps only a hash of it."</p>
                    <div class="key-row">
                        <code class="api-key" node_ref=key_ref>{key}</code>
                        <button class="button small" on:click=copy>
                            {move || match copied.get() { Some(true) => "Copied", _ => "Copy" }}
                        </button>
                    </div>
                    {move || (copied.get() == Some(false)).then(|| view! {
                        <p class="key-copy-failed" role="alert">"The browser did not allow copying: the key is selected, press Ctrl+C."</p>
                    })}
                    <p class="curl-hint">"Try it: "<code>{curl}</code></p>
                    <button class="button small" on:click=move |_| { copied.set(None); new_key.set(None); }>"Done"</button>
                </section>
            }
        })
    }
}

#[component]
fn AppList(apps: Vec<Application>, on_revoke: OnRevoke) -> impl IntoView {
    if apps.is_empty() {
        return view! { <p class="empty">"No application yet. Add one to get its API key."</p> }
            .into_view_any();
    }
    let rows = apps
        .iter()
        .map(|app| {
            let facts = Facts::new(app, on_revoke);
            view! {
                <tr class:revoked=facts.revoked data-app=app.name.clone()>
                    <td class="user-name">{app.name.clone()}</td>
                    <td class="key-prefix">{facts.key.clone()}</td>
                    <td title=facts.created_exact.clone()>{facts.created.clone()}</td>
                    <td>{app.created_by.clone()}</td>
                    <td class="live-count">{live_link(&app.name, app.live_sessions)}</td>
                    <td>{facts.status()}</td>
                    <td class="actions">{facts.revoke()}</td>
                </tr>
            }
        })
        .collect_view();
    let cards = apps.iter().map(|app| {
        let facts = Facts::new(app, on_revoke);
        view! {
            <li class="session-card" class:revoked=facts.revoked data-app=app.name.clone()>
                <div class="card-head">
                    <div class="card-user"><span class="user-name">{app.name.clone()}</span></div>
                    {facts.status()}
                </div>
                <dl class="card-facts">
                    <dt>"Key"</dt><dd class="key-prefix">{facts.key.clone()}</dd>
                    <dt>"Created"</dt><dd title=facts.created_exact.clone()>{facts.created.clone()}</dd>
                    <dt>"Created by"</dt><dd>{app.created_by.clone()}</dd>
                    <dt>"Live sessions"</dt><dd class="live-count">{live_link(&app.name, app.live_sessions)}</dd>
                </dl>
                {facts.revoke().map(|button| view! { <div class="card-actions">{button}</div> })}
            </li>
        }
    }).collect_view();
    view! {
        <div class="table-wrap">
            <table class="sessions-table apps-table">
                <thead><tr>
                    <th>"Name"</th><th>"Key"</th><th>"Created"</th><th>"Created by"</th>
                    <th>"Live sessions"</th><th>"Status"</th><th class="actions"><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <ul class="session-cards">{cards}</ul>
    }
    .into_view_any()
}

/// The live count, linking to the console filtered by this application.
fn live_link(name: &str, live: i64) -> impl IntoView {
    let filter = ListQuery {
        filter: ListFilter {
            application: Some(name.to_owned()),
            ..ListFilter::default()
        },
        ..ListQuery::default()
    };
    let href = format!("/admin/sessions{}", query_to_search(&filter));
    view! { <a href=href title=format!("Live sessions of {name} in the console")>{live}</a> }
}

/// One application as text, shared by its row and its card.
struct Facts {
    name: String,
    live: i64,
    revoked: bool,
    key: String,
    created: String,
    created_exact: String,
    revoked_at: Option<i64>,
    revoked_by: Option<String>,
    on_revoke: OnRevoke,
}

impl Facts {
    fn new(app: &Application, on_revoke: OnRevoke) -> Facts {
        let created_exact = utc(app.created_at);
        Facts {
            name: app.name.clone(),
            live: app.live_sessions,
            revoked: app.revoked_at.is_some(),
            key: format!("{}…", app.key_prefix),
            created: created_exact[..16].to_owned(),
            created_exact,
            revoked_at: app.revoked_at,
            revoked_by: app.revoked_by.clone(),
            on_revoke,
        }
    }

    fn status(&self) -> AnyView {
        match self.revoked_at {
            None => {
                view! { <span class="badge status-authenticated">"Active"</span> }.into_view_any()
            }
            Some(at) => {
                let by = self
                    .revoked_by
                    .as_ref()
                    .map(|by| format!(" by {by}"))
                    .unwrap_or_default();
                let title = format!("{}{by}", utc(at));
                view! { <span class="badge status-guest" title=title>{format!("Revoked {}", &utc(at)[..10])}</span> }.into_view_any()
            }
        }
    }

    fn revoke(&self) -> Option<AnyView> {
        if self.revoked {
            return None;
        }
        let (name, live, on_revoke) = (self.name.clone(), self.live, self.on_revoke);
        let label = format!("Revoke {name}");
        Some(view! {
            <button class="button small danger" aria-label=label title="Ctrl/Cmd-click to skip the confirmation"
                on:click=move |event| on_revoke.run((name.clone(), live, skips_confirmation(&event)))>
                "Revoke"
            </button>
        }.into_view_any())
    }
}

/// The address this console is reached at, for the curl hint.
fn origin() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|window| window.location().origin().ok()) {
        return origin;
    }
    "http://HOST".to_owned()
}

/// Copies `key` to the clipboard; where the browser refuses (no secure context), selects
/// the key on screen instead. `done` says whether the copy worked.
fn copy_key(key: &str, shown: NodeRef<leptos::html::Code>, done: Callback<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::{Function, Promise, Reflect};
        use wasm_bindgen::{closure::Closure, JsCast, JsValue};
        let get = |target: &JsValue, name: &str| {
            Reflect::get(target, &JsValue::from_str(name))
                .ok()
                .filter(|v| !v.is_undefined())
        };
        let select_shown = move || {
            let selection = web_sys::window().and_then(|w| get(&w, "getSelection").map(|f| (w, f)));
            if let (Some((window, get_selection)), Some(element)) =
                (selection, shown.get_untracked())
            {
                let Ok(function) = get_selection.dyn_into::<Function>() else {
                    return;
                };
                if let Ok(selection) = function.call0(&window) {
                    if let Some(Ok(select_all)) =
                        get(&selection, "selectAllChildren").map(|f| f.dyn_into::<Function>())
                    {
                        let _ = select_all.call1(&selection, &element);
                    }
                }
            }
        };
        let clipboard = web_sys::window()
            .and_then(|w| get(&w, "navigator"))
            .and_then(|n| get(&n, "clipboard"));
        let promise = clipboard.and_then(|clipboard| {
            let write = get(&clipboard, "writeText")?.dyn_into::<Function>().ok()?;
            write
                .call1(&clipboard, &JsValue::from_str(key))
                .ok()?
                .dyn_into::<Promise>()
                .ok()
        });
        match promise {
            Some(promise) => {
                let ok = Closure::<dyn FnMut(JsValue)>::new(move |_| done.run(true));
                let failed = Closure::<dyn FnMut(JsValue)>::new(move |_| {
                    select_shown();
                    done.run(false);
                });
                let _ = promise.then2(&ok, &failed);
                // Each runs at most once; a click is rare enough not to mind the leak.
                ok.forget();
                failed.forget();
            }
            None => {
                // No clipboard API (plain http away from localhost): the old way, which
                // works inside the click that asked for it.
                select_shown();
                let copied = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| {
                        get(&d, "execCommand")
                            .and_then(|f| f.dyn_into::<Function>().ok())
                            .map(|f| (d, f))
                    })
                    .and_then(|(document, exec)| {
                        exec.call1(&document, &JsValue::from_str("copy")).ok()
                    })
                    .is_some_and(|answer| answer.is_truthy());
                done.run(copied);
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, shown, done);
}
