//! `/admin/sessions/kill?id=…` (`session_parts::KILL_PAGE`): "Kill this session?" as a page of its own. A row's Kill
//! is a small form that lands here when the console's WASM has not loaded yet (a slow
//! phone) or JavaScript is off; with the WASM, Kill opens the dialog instead.

use crate::any_view::IntoViewAny;
use crate::components::flash::Flash;
use crate::components::form_feedback::form_error;
use crate::components::kill_text::{kill_detail, kill_title};
use crate::console_api::live_session;
use crate::pages::{page_title, TopBar};
use crate::sessions_api::{whoami, KillSessions};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

#[component]
pub fn KillConfirmPage() -> impl IntoView {
    let query = use_query_map();
    let id = move || query.with(|query| query.get("id").unwrap_or_default());
    let me = Resource::new(|| (), |_| whoami());
    let session = Resource::new(id, live_session);
    // A Kill that failed comes back here with its error.
    let failed = form_error(KillSessions::PATH).map(|err| err.to_string());
    view! {
        <Title text=page_title("Kill session")/>
        <TopBar me/>
        <main class="console kill-confirm" id="main" tabindex="-1">
            <h1>"Kill session"</h1>
            {failed.map(|text| view! { <div class="flash failure" role="alert">{text}</div> })}
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let mine = me.await.ok().map(|me| me.session_id);
                    match session.await {
                        Ok(session) => {
                            let detail = kill_detail(mine.as_deref() == Some(session.id.as_str()));
                            view! {
                                <section class="confirm-box">
                                    <p class="confirm-question">{kill_title(&session)}</p>
                                    <p>{detail}</p>
                                    <form method="post" action=KillSessions::PATH class="dialog-actions">
                                        <input type="hidden" name="ids[0]" value=session.id.clone()/>
                                        <a class="button" href="/admin/sessions">"Cancel"</a>
                                        <button class="button solid-danger" type="submit">"Kill"</button>
                                    </form>
                                </section>
                            }
                            .into_view_any()
                        }
                        Err(err) => view! {
                            <div class="flash failure" role="alert">{Flash::from_error(&err).text()}</div>
                            <a class="button" href="/admin/sessions">"Back to all sessions"</a>
                        }
                        .into_view_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
