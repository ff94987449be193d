//! Read-only views of the policy: what a change would end, and the ledger of changes.

use crate::any_view::IntoViewAny;
use crate::components::setting_row::display;
use crate::components::settings_draft::Preview;
use crate::error::AppError;
use crate::format::utc;
use leptos::prelude::*;
use sessions_core::catalogue::{spec, SettingScope, SettingsChangeRecord};
use sessions_core::model::Impact;

const USERS_SHOWN: usize = 10;

#[component]
pub fn ImpactPanel(preview: RwSignal<Preview>) -> impl IntoView {
    move || match preview.get() {
        Preview::Idle => view! { <p class="impact">"No unsaved changes."</p> }.into_view_any(),
        Preview::Checking => {
            view! { <p class="impact">"Checking what saving would do…"</p> }.into_view_any()
        }
        Preview::Invalid(message) => {
            view! { <p class="impact invalid" role="alert">{message}</p> }.into_view_any()
        }
        Preview::Ready(impact) if impact.sessions == 0 => view! {
            <div class="impact" data-ended="0">
                <p>"Saving ends no session now."</p>
                <ObservingNotes impact/>
            </div>
        }
        .into_view_any(),
        Preview::Ready(impact) => {
            let count = impact.sessions;
            let headline = if count == 1 {
                "Saving will end 1 session".to_owned()
            } else {
                format!("Saving will end {count} sessions")
            };
            let hidden = impact.users.len().saturating_sub(USERS_SHOWN);
            let users = impact
                .users
                .iter()
                .take(USERS_SHOWN)
                .map(|(name, n)| format!("{name} ({n})"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = (hidden > 0).then(|| format!(" and {hidden} more"));
            let reasons = impact
                .reasons
                .iter()
                .map(|(reason, n)| format!("{}: {n}", reason.label()))
                .collect::<Vec<_>>()
                .join(", ");
            let own = if impact.includes_own {
                view! { <strong class="own-affected">"Your own session is among them: you will be signed out."</strong> }.into_view_any()
            } else {
                view! { <span>"Your own session is not affected."</span> }.into_view_any()
            };
            view! {
                <div class="impact warning" role="status" data-ended=count.to_string()>
                    <p><strong>{headline}</strong>" of "{users}{more}"."</p>
                    <p class="impact-reasons">{reasons}</p>
                    <p>{own}</p>
                    <ObservingNotes impact/>
                </div>
            }
            .into_view_any()
        }
    }
}

/// What the rules left in observe mode do not do: they end and refuse nothing, only
/// report, so "ends no session" is not read as "the rule is on".
#[component]
fn ObservingNotes(impact: Impact) -> impl IntoView {
    impact
        .observing
        .into_iter()
        .map(|sentence| view! { <p class="impact-observing">{sentence}</p> })
        .collect_view()
}

/// The ledger of settings changes under a heading, loaded by `ledger`.
#[component]
pub fn SettingsChangesSection(
    title: &'static str,
    ledger: Resource<Result<Vec<SettingsChangeRecord>, AppError>>,
) -> impl IntoView {
    view! {
        <section class="setting-group">
            <h2>{title}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match ledger.await {
                        Ok(records) => view! { <SettingsChangeList records/> }.into_view_any(),
                        Err(err) => view! { <p class="flash failure">{err.to_string()}</p> }.into_view_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn SettingsChangeList(records: Vec<SettingsChangeRecord>) -> impl IntoView {
    if records.is_empty() {
        return view! { <p class="empty">"No setting has been changed yet."</p> }.into_view_any();
    }
    view! {
        <ul class="change-list">
            {records.into_iter().map(|record| {
                let setting = spec(&record.key);
                let label = setting.map(|spec| spec.label.to_owned()).unwrap_or_else(|| record.key.clone());
                let shown = move |value: Option<String>| match (setting, value) {
                    (Some(spec), Some(value)) => display(spec, &value),
                    (None, Some(value)) => value,
                    (_, None) => "default".to_owned(),
                };
                let scope = match record.scope {
                    SettingScope::Default => " (all roles)".to_owned(),
                    SettingScope::Role(role) => format!(" ({role})"),
                };
                view! {
                    <li>
                        <span class="when">{utc(record.at)}</span>
                        <span class="who">{record.actor}</span>
                        <span class="what">{label}{scope}": "{shown(record.old_value)}" → "{shown(record.new_value)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_view_any()
}
