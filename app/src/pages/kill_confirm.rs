//! `/admin/sessions/kill` (`session_parts::KILL_PAGE`): "Kill this session?" as a page of
//! its own. The console's kills are small forms that land here when its WASM has not
//! loaded yet (a slow phone) or JavaScript is off; with the WASM, they open the dialog
//! instead. `?id=…` is one row's Kill (or Kill selected with one row ticked), `?id=…&id=…`
//! Kill selected, `?all=1[&include_mine=true]` Kill all.

use crate::any_view::IntoViewAny;
use crate::components::flash::Flash;
use crate::components::form_feedback::form_error;
use crate::components::kill_text::{
    kill_all_title, kill_detail, kill_selected_title, kill_title, KILL_ALL_DETAIL,
    KILL_SELECTED_DETAIL,
};
use crate::console_api::{live_session, session_facets};
use crate::error::AppError;
use crate::pages::{page_title, TopBar};
use crate::sessions_api::{whoami, KillAll, KillSessions, Me};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use server_fn::ServerFn;

/// What the console asked to kill.
enum Asked {
    One(String),
    Selected(Vec<String>),
    All { include_mine: bool },
}

impl Asked {
    fn from_query(query: &ParamsMap) -> Self {
        if query.get("all").is_some() {
            return Asked::All {
                include_mine: query.get("include_mine").as_deref() == Some("true"),
            };
        }
        let mut ids = query.get_all("id").unwrap_or_default();
        if ids.len() == 1 {
            Asked::One(ids.remove(0))
        } else {
            Asked::Selected(ids)
        }
    }
}

#[component]
pub fn KillConfirmPage() -> impl IntoView {
    let asked = use_query_map().with_untracked(Asked::from_query);
    let me = Resource::new(|| (), |_| whoami());
    // A kill that failed comes back here with its error, shown above the question
    // asked again (a refusal to ask says why by itself).
    let failed = form_error(KillSessions::PATH)
        .or_else(|| form_error(KillAll::PATH))
        .map(|err| err.to_string());
    let question = match asked {
        Asked::One(id) => view! { <KillOne id me failed/> }.into_view_any(),
        Asked::Selected(ids) if ids.is_empty() => {
            refusal(&AppError::BadRequest("No session was selected.".into()))
        }
        Asked::Selected(ids) => {
            let title = kill_selected_title(ids.len());
            let fields = ids
                .into_iter()
                .enumerate()
                .map(|(index, id)| (format!("ids[{index}]"), id))
                .collect();
            let question = Question {
                title,
                detail: KILL_SELECTED_DETAIL,
                failed,
            };
            confirm_box(question, KillSessions::PATH, fields)
        }
        Asked::All { include_mine } => {
            view! { <KillAllQuestion include_mine failed/> }.into_view_any()
        }
    };
    view! {
        <Title text=page_title("Kill sessions")/>
        <TopBar me/>
        <main class="console kill-confirm" id="main" tabindex="-1">
            <h1>"Kill sessions"</h1>
            {question}
        </main>
    }
}

/// One session, named: whose, which application, which device.
#[component]
fn KillOne(
    id: String,
    me: Resource<Result<Me, AppError>>,
    failed: Option<String>,
) -> impl IntoView {
    let session = Resource::new(move || id.clone(), live_session);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let failed = failed.clone();
                Suspend::new(async move {
                let mine = me.await.ok().map(|me| me.session_id);
                match session.await {
                    Ok(session) => {
                        let detail = kill_detail(mine.as_deref() == Some(session.id.as_str()));
                        let fields = vec![("ids[0]".to_owned(), session.id.clone())];
                        let question = Question { title: kill_title(&session), detail, failed };
                        confirm_box(question, KillSessions::PATH, fields)
                    }
                    Err(err) => refusal(&err),
                }
            })}}
        </Suspense>
    }
}

/// Every live session, counted as the console's badge counts them.
#[component]
fn KillAllQuestion(include_mine: bool, failed: Option<String>) -> impl IntoView {
    let facets = Resource::new(|| (), |_| session_facets());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let failed = failed.clone();
                Suspend::new(async move {
                match facets.await {
                    Ok(facets) => {
                        let fields = vec![("include_mine".to_owned(), include_mine.to_string())];
                        let title = kill_all_title(facets.total(), include_mine);
                        let question = Question { title, detail: KILL_ALL_DETAIL, failed };
                        confirm_box(question, KillAll::PATH, fields)
                    }
                    Err(err) => refusal(&err),
                }
            })}}
        </Suspense>
    }
}

/// What the admin is asked, and why the last try failed, if it did.
struct Question {
    title: String,
    detail: &'static str,
    failed: Option<String>,
}

/// The question, and a form that posts the kill to `action` with `fields`.
fn confirm_box(question: Question, action: &'static str, fields: Vec<(String, String)>) -> AnyView {
    let Question {
        title,
        detail,
        failed,
    } = question;
    let fields = fields
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        {failed.map(|text| view! { <div class="flash failure" role="alert">{text}</div> })}
        <section class="confirm-box">
            <p class="confirm-question">{title}</p>
            <p>{detail}</p>
            <form method="post" action=action class="dialog-actions">
                {fields}
                <a class="button" href="/admin/sessions">"Cancel"</a>
                <button class="button solid-danger" type="submit">"Kill"</button>
            </form>
        </section>
    }
    .into_view_any()
}

fn refusal(err: &AppError) -> AnyView {
    view! {
        <div class="flash failure" role="alert">{Flash::from_error(err).text()}</div>
        <a class="button" href="/admin/sessions">"Back to all sessions"</a>
    }
    .into_view_any()
}
