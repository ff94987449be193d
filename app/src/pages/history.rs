//! `/admin/history`: every ended session (who ended it and why) and every settings
//! change, newest first, with filters and pages.

use crate::any_view::IntoViewAny;
use crate::browser::{after, local_datetime_ms};
use crate::components::country_code::CountryCode;
use crate::components::flag_note::flag_note;
use crate::components::flash::Flash;
use crate::components::ip_address::IpAddress;
use crate::components::policy_views::SettingsChangesSection;
use crate::format::{agent_summary, ago, display_user, utc};
use crate::pages::{page_title, ticking_now, PageHeading, TopBar};
use crate::policy_api::{session_history, settings_changes};
use crate::sessions_api::whoami;
use leptos::prelude::*;
use leptos_meta::Title;
use sessions_core::model::{EndReason, HistoryPage, HistoryQuery, Session};

const PAGE_SIZE: u32 = 50;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let typed = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let reason = RwSignal::new(None::<EndReason>);
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    // Cursors of the pages walked so far; the last one is shown.
    let cursors = RwSignal::new(Vec::<String>::new());
    Effect::watch(
        move || (user.get(), reason.get(), from.get(), until.get()),
        move |_, _, _| cursors.set(Vec::new()),
        false,
    );
    let history = Resource::new(
        move || {
            (
                user.get(),
                reason.get(),
                from.get(),
                until.get(),
                cursors.get().last().cloned(),
            )
        },
        |(user, reason, from, until, after)| {
            let query = HistoryQuery {
                user,
                reason,
                from: local_datetime_ms(&from),
                until: local_datetime_ms(&until),
                after,
                limit: PAGE_SIZE,
            };
            session_history(query)
        },
    );
    let ledger = Resource::new(|| (), |_| settings_changes());
    // No server clock comes with the page: until the browser's clock runs (after
    // hydration) the exact time shows, so both sides render the same first frame.
    let now = ticking_now(Signal::derive(|| 0));
    let on_user = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        typed.set(value.clone());
        after(250, move || {
            if typed.get_untracked() == value {
                user.set(value);
            }
        });
    };

    view! {
        <Title text=page_title("History")/>
        <TopBar me/>
        <main class="console history" id="main" tabindex="-1">
            <PageHeading heading="History" subtitle="Ended sessions: who ended them and why"/>
            <div class="toolbar history-filters">
                <label>"User"<input type="search" class="search" prop:value=move || typed.get() on:input=on_user/></label>
                <label>"Reason"
                    <select on:change=move |event| reason.set(EndReason::parse(&event_target_value(&event)))>
                        <option value="">"All reasons"</option>
                        {EndReason::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"From"<input type="datetime-local" on:change=move |event| from.set(event_target_value(&event))/></label>
                <label>"To"<input type="datetime-local" on:change=move |event| until.set(event_target_value(&event))/></label>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading history…"</p> }>
                {move || Suspend::new(async move {
                    let _ = me.await;
                    let filtered = !(user.get_untracked().is_empty()
                        && reason.get_untracked().is_none()
                        && from.get_untracked().is_empty()
                        && until.get_untracked().is_empty());
                    match history.await {
                        Ok(page) => view! { <HistoryList page cursors now filtered/> }.into_view_any(),
                        Err(err) => {
                            let text = Flash::from_error(&err).text();
                            view! { <div class="flash failure" role="alert">{text}</div> }.into_view_any()
                        }
                    }
                })}
            </Transition>
            <SettingsChangesSection title="Settings changes" ledger/>
        </main>
    }
}

#[component]
fn HistoryList(
    page: HistoryPage,
    cursors: RwSignal<Vec<String>>,
    now: Signal<i64>,
    filtered: bool,
) -> impl IntoView {
    let HistoryPage {
        sessions,
        total,
        next,
    } = page;
    let heading = if total == 1 {
        "1 ended session".to_owned()
    } else {
        format!("{total} ended sessions")
    };
    if sessions.is_empty() {
        let empty = if filtered {
            "No ended session matches."
        } else {
            "No ended sessions yet."
        };
        return view! { <p class="history-total">{heading}</p><p class="empty">{empty}</p> }
            .into_view_any();
    }
    let rows = sessions
        .iter()
        .map(|session| {
            let facts = EndFacts::new(session);
            let ended = {
                let facts = facts.clone();
                move || facts.ended(now.get())
            };
            view! {
                <tr data-session-id=session.id.clone()>
                    <td>{facts.user.clone()}" "{flag_note(&session.flags)}</td>
                    <td>{session.application.clone()}</td>
                    <td>{session.role.as_str()}</td>
                    <td class="ended" title=facts.ended_exact.clone()>{ended}</td>
                    <td class="reason">{facts.reason}</td>
                    <td>{facts.ended_by.clone()}</td>
                    <td class="ip"><IpAddress ip=session.last_ip.clone()/></td>
                    <td><CountryCode code=session.country.clone()/></td>
                    <td class="agent-text">{agent_summary(session)}</td>
                </tr>
            }
        })
        .collect_view();
    let cards = sessions.iter().map(|session| {
        let facts = EndFacts::new(session);
        let ended = {
            let facts = facts.clone();
            move || facts.ended(now.get())
        };
        view! {
            <li class="session-card" data-session-id=session.id.clone()>
                <div class="card-head">
                    <div class="card-user">{facts.user}<span class="card-app">{session.application.clone()}</span></div>
                    <span class="badge reason">{facts.reason}</span>
                </div>
                {flag_note(&session.flags)}
                <dl class="card-facts">
                    <dt>"Ended"</dt><dd title=facts.ended_exact.clone()>{ended}</dd>
                    <dt>"Ended by"</dt><dd>{facts.ended_by}</dd>
                    <dt>"IP"</dt><dd><IpAddress ip=session.last_ip.clone()/>" "<CountryCode code=session.country.clone()/></dd>
                    <dt>"Device"</dt><dd>{agent_summary(session)}</dd>
                </dl>
            </li>
        }
    }).collect_view();
    let walked = move || !cursors.with(Vec::is_empty);
    view! {
        <p class="history-total">{heading}</p>
        <div class="table-wrap">
            <table class="sessions-table history-table">
                <thead><tr>
                    <th>"User"</th><th>"Application"</th><th>"Role"</th><th>"Ended"</th><th>"Reason"</th>
                    <th>"Ended by"</th><th>"IP"</th><th>"Country"</th><th>"Device"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <ul class="session-cards">{cards}</ul>
        <nav class="pager" aria-label="Pages">
            <button class="button small" disabled=move || !walked() on:click=move |_| cursors.set(Vec::new())>"First page"</button>
            <button class="button small" disabled=next.is_none() on:click={
                let next = next.clone();
                move |_| if let Some(cursor) = next.clone() { cursors.update(|c| c.push(cursor)) }
            }>"Next page"</button>
        </nav>
    }
    .into_view_any()
}

/// The end of one session, as text.
#[derive(Clone)]
struct EndFacts {
    user: String,
    ended_at: i64,
    ended_exact: String,
    reason: &'static str,
    ended_by: String,
}

impl EndFacts {
    fn new(session: &Session) -> EndFacts {
        let ended_at = session.ended_at.unwrap_or_default();
        EndFacts {
            user: display_user(session),
            ended_at,
            ended_exact: utc(ended_at),
            reason: session.end_reason.map(EndReason::label).unwrap_or("—"),
            ended_by: session.ended_by.clone().unwrap_or_default(),
        }
    }

    /// "5 min ago" once the browser's clock runs, the exact time before.
    fn ended(&self, now: i64) -> String {
        if now == 0 {
            self.ended_exact.clone()
        } else {
            ago(self.ended_at, now)
        }
    }
}
