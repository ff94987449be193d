//! `/admin/analytics`: the KPIs of a period with their change against the previous
//! one, the plugin's "variations" over time and the distributions, for every
//! application or one. The same `Engine::analytics` report `sessions analytics` prints.
//!
//! The period and application live in the URL (`query`), set by a plain GET form that
//! works without the WASM; with it, picking a preset or an application goes there at
//! once. While the page is open, live events refresh the figures at most once per 30 s
//! (a read the page makes by itself: never the admin's activity).

pub mod charts;
pub mod kpis;
mod labels;
pub mod query;
pub mod svg;

use crate::analytics_api::{analytics_report, AnalyticsView};
use crate::any_view::IntoViewAny;
use crate::apps_api::list_applications;
use crate::components::flash::Flash;
use crate::pages::{page_title, PageHeading, TopBar};
use crate::sessions_api::whoami;
use charts::{BarChart, Line, LineChart};
use kpis::KpiCards;
use labels::{day_label, entries, hour_label, period_text};
use leptos::prelude::*;
use leptos_meta::Title;
#[cfg(feature = "hydrate")]
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;
use query::{AnalyticsQuery, Range};
use sessions_core::analytics::{Report, SeriesPoint, DAY_MS};
use sessions_core::model::{Application, Millis, CONSOLE_APP};

/// The shortest time between two refreshes caused by live events.
const LIVE_REFRESH_MS: i64 = 30_000;

/// The shape of the router's navigate function, named for the server build's `None`.
#[cfg(not(feature = "hydrate"))]
type Navigate = fn(&str, NavigateOptions);

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|params| AnalyticsQuery::from_params(|key| params.get(key)))
    });
    #[cfg(feature = "hydrate")]
    let navigate = Some(StoredValue::new_local(use_navigate()));
    #[cfg(not(feature = "hydrate"))]
    let navigate: Option<StoredValue<Navigate, LocalStorage>> = None;
    let show = move |next: AnalyticsQuery| {
        let path = format!("/admin/analytics{}", next.to_search());
        if let Some(navigate) = navigate {
            let options = NavigateOptions {
                scroll: false,
                ..Default::default()
            };
            navigate.with_value(|navigate| navigate(&path, options));
        }
    };
    let refreshes = RwSignal::new(0_u32);
    let data = Resource::new(
        move || (query.get(), refreshes.get()),
        |(query, _)| analytics_report(query),
    );
    let applications = Resource::new(
        || (),
        |_| async { list_applications().await.map(application_choices) },
    );
    Effect::new(move |_| refresh_on_live_events(query, refreshes));

    view! {
        <Title text=page_title("Analytics")/>
        <TopBar me/>
        <main class="console analytics" id="main" tabindex="-1">
            <PageHeading heading="Analytics" subtitle="How sessions behave over time"/>
            <PeriodForm query applications on_show=Callback::new(show)/>
            <Transition fallback=|| view! { <p class="loading">"Loading analytics…"</p> }>
                {move || Suspend::new(async move {
                    let _ = me.await;
                    match data.await {
                        Ok(view) => view! { <Dashboard view/> }.into_view_any(),
                        Err(err) => {
                            let text = Flash::from_error(&err).text();
                            view! { <div class="flash failure" role="alert">{text}</div> }.into_view_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
}

/// Live events mean the current figures moved: refetch, but at most once per
/// `LIVE_REFRESH_MS`, and only when the period reaches the present.
fn refresh_on_live_events(query: Memo<AnalyticsQuery>, refreshes: RwSignal<u32>) {
    use crate::browser::{after, now_ms};
    use std::cell::Cell;
    use std::rc::Rc;
    let scheduled = Rc::new(Cell::new(false));
    let last = Rc::new(Cell::new(now_ms()));
    let handle = crate::live::connect(move |_| {
        let reaches_now = query.with_untracked(|q| q.range != Range::Custom || q.until.is_empty());
        if scheduled.get() || !reaches_now {
            return;
        }
        scheduled.set(true);
        let wait = (last.get() + LIVE_REFRESH_MS - now_ms()).max(1_000);
        let (scheduled, last) = (scheduled.clone(), last.clone());
        after(wait as u32, move || {
            scheduled.set(false);
            last.set(now_ms());
            refreshes.update(|n| *n += 1);
        });
    });
    on_cleanup(move || handle.stop());
}

/// The period picker and the application filter: a GET form to this page.
#[component]
fn PeriodForm(
    query: Memo<AnalyticsQuery>,
    applications: Resource<Result<Vec<String>, crate::error::AppError>>,
    on_show: Callback<AnalyticsQuery>,
) -> impl IntoView {
    let draft = RwSignal::new(query.get_untracked());
    // The back button (or a shared link) sets the URL: the fields follow.
    Effect::watch(
        move || query.get(),
        move |now, _, _| draft.set(now.clone()),
        false,
    );
    let on_range = move |event: leptos::ev::Event| {
        let range = Range::parse(&event_target_value(&event)).unwrap_or_default();
        draft.update(|draft| draft.range = range);
        if range != Range::Custom {
            on_show.run(draft.get_untracked());
        }
    };
    let on_app = move |event: leptos::ev::Event| {
        draft.update(|draft| draft.app = event_target_value(&event));
        on_show.run(draft.get_untracked());
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        on_show.run(draft.get_untracked());
    };
    let range_options = Range::ALL
        .into_iter()
        .map(|range| {
            let selected = move || query.with(|q| q.range == range);
            view! { <option value=range.as_str() selected=selected>{range.label()}</option> }
        })
        .collect_view();
    let date_input = move |label: &'static str,
                           name: &'static str,
                           pick: fn(&AnalyticsQuery) -> String| {
        let value = move || draft.with(pick);
        let on_change = move |event: leptos::ev::Event| {
            let text = event_target_value(&event);
            draft.update(|draft| match name {
                "since" => draft.since = text,
                _ => draft.until = text,
            });
        };
        view! { <label>{label}<input type="date" name=name value=value prop:value=value on:change=on_change/></label> }
    };
    view! {
        <form class="toolbar analytics-filters" method="get" action="/admin/analytics" on:submit=on_submit>
            <label>"Period"
                <select name="range" prop:value=move || draft.with(|d| d.range.as_str()) on:change=on_range>
                    {range_options}
                </select>
            </label>
            <span class="custom-dates">
                {date_input("From (UTC)", "since", |q| q.since.clone())}
                {date_input("To (UTC)", "until", |q| q.until.clone())}
            </span>
            <Suspense fallback=move || view! { <AppSelect names=Vec::new() query on_app=|_| {}/> }>
                {move || Suspend::new(async move {
                    let names = applications.await.unwrap_or_default();
                    view! { <AppSelect names query on_app/> }
                })}
            </Suspense>
            <button class="button small" type="submit">"Show"</button>
        </form>
    }
}

#[component]
fn AppSelect(
    names: Vec<String>,
    query: Memo<AnalyticsQuery>,
    on_app: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let options = names
        .into_iter()
        .map(|name| {
            let selected = {
                let name = name.clone();
                move || query.with(|q| q.app.eq_ignore_ascii_case(&name))
            };
            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
        })
        .collect_view();
    view! {
        <label>"Application"
            <select name="app" on:change=on_app>
                <option value="" selected=move || query.with(|q| q.app.is_empty())>"All applications"</option>
                {options}
            </select>
        </label>
    }
}

#[component]
fn Dashboard(view: AnalyticsView) -> impl IntoView {
    let AnalyticsView { report, now: _ } = view;
    let period_text = period_text(&report);
    let Report {
        kpis,
        series,
        distributions,
        bucket_ms,
        ..
    } = report;
    let starts: Vec<Millis> = series.iter().map(|point| point.start).collect();
    let label_of: fn(Millis) -> String = if bucket_ms >= DAY_MS {
        day_label
    } else {
        hour_label
    };
    let line = |label: &'static str, pick: fn(&SeriesPoint) -> Option<f64>| Line {
        label,
        values: series.iter().map(pick).collect(),
        gauge: false,
    };
    let gauge = |label: &'static str, pick: fn(&SeriesPoint) -> Option<f64>| Line {
        gauge: true,
        ..line(label, pick)
    };
    let sign_ins = vec![
        line("Successful", |p| count(p.sign_ins_successful)),
        line("Failed", |p| count(p.sign_ins_failed)),
        line("Blocked", |p| count(p.sign_ins_blocked)),
        line("Logouts", |p| count(p.logouts)),
    ];
    let sessions = vec![
        gauge("Active (average)", |p| p.active_average),
        line("Expired", |p| count(p.ended_expired)),
        line("Evicted", |p| count(p.ended_evicted)),
        line("Idle", |p| count(p.ended_idle)),
        line("Killed", |p| count(p.ended_killed)),
    ];
    let users = vec![
        gauge("All", |p| p.users_all.map(|n| n as f64)),
        gauge("Active", |p| p.users_active.map(|n| n as f64)),
    ];
    let accounts = vec![
        line("Created", |p| count(p.accounts_created)),
        line("Deleted", |p| count(p.accounts_deleted)),
    ];
    let passwords = vec![line("Password changes", |p| count(p.password_changes))];
    let dist = |name: &str| entries(&distributions, name);
    view! {
        <p class="period">{period_text}</p>
        <section class="analytics-section" aria-labelledby="kpi-heading">
            <h2 id="kpi-heading">"Key figures"</h2>
            <KpiCards kpis/>
        </section>
        <section class="analytics-section" aria-labelledby="time-heading">
            <h2 id="time-heading">"Over time"</h2>
            <div class="charts lines">
                <LineChart id="chart-sign-ins" title="Sign-ins and logouts" starts=starts.clone() label_of lines=sign_ins/>
                <LineChart id="chart-sessions" title="Sessions" starts=starts.clone() label_of lines=sessions/>
                <LineChart id="chart-users" title="Users" starts=starts.clone() label_of lines=users/>
                <LineChart id="chart-accounts" title="Accounts" starts=starts.clone() label_of lines=accounts/>
                <LineChart id="chart-passwords" title="Password changes" starts label_of lines=passwords/>
            </div>
        </section>
        <section class="analytics-section" aria-labelledby="share-heading">
            <h2 id="share-heading">"Breakdowns"</h2>
            <div class="charts bars">
                <BarChart id="chart-outcomes" title="Sign-ins by outcome" category="Outcome" entries=dist("sign_ins")/>
                <BarChart id="chart-cleaned" title="Cleaned sessions by reason" category="Reason" entries=dist("cleaned")/>
                <BarChart id="chart-browser" title="New sessions by browser" category="Browser" entries=dist("browser")/>
                <BarChart id="chart-os" title="New sessions by OS" category="OS" entries=dist("os")/>
                <BarChart id="chart-device" title="New sessions by device" category="Device" entries=dist("device")/>
                <BarChart id="chart-country" title="New sessions by country" category="Country" entries=dist("country")/>
                <BarChart id="chart-application" title="New sessions by application" category="Application" entries=dist("application")/>
            </div>
        </section>
    }
}

fn count(n: i64) -> Option<f64> {
    Some(n as f64)
}

/// The application filter's choices: the console first, then every application by
/// name, revoked ones too (their history stays).
fn application_choices(applications: Vec<Application>) -> Vec<String> {
    let others = applications
        .into_iter()
        .map(|app| app.name)
        .filter(|name| name != CONSOLE_APP);
    std::iter::once(CONSOLE_APP.to_owned())
        .chain(others)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(name: &str, revoked: bool) -> Application {
        Application {
            name: name.into(),
            key_prefix: "k".into(),
            created_at: 0,
            created_by: "admin".into(),
            revoked_at: revoked.then_some(1),
            revoked_by: revoked.then(|| "admin".into()),
            live_sessions: 0,
        }
    }

    #[test]
    fn the_console_comes_first_once_and_revoked_applications_stay() {
        let listed = vec![
            app("billing", false),
            app(CONSOLE_APP, false),
            app("old", true),
        ];
        assert_eq!(
            application_choices(listed),
            [CONSOLE_APP, "billing", "old"].map(String::from)
        );
        assert_eq!(application_choices(Vec::new()), [CONSOLE_APP.to_owned()]);
    }
}
