//! One setting on the settings page: label, help and the control for its kind. In a
//! role scope it shows the inherited default until the role overrides it.

use crate::any_view::IntoViewAny;
use crate::components::settings_draft::Drafts;
use leptos::prelude::*;
use sessions_core::catalogue::{SettingKey, SettingKind, SettingScope, SettingSpec, SettingValues};

#[component]
pub fn SettingRow(
    spec: &'static SettingSpec,
    scope: SettingScope,
    values: StoredValue<SettingValues>,
    drafts: RwSignal<Drafts>,
) -> impl IntoView {
    let draft_key = (scope, spec.key);
    let stored = move || values.with_value(|values| values.get(scope, spec.key).map(str::to_owned));
    let inherited = move || {
        values.with_value(|values| match scope {
            SettingScope::Default => spec.default.to_owned(),
            SettingScope::Role(_) => values
                .get(SettingScope::Default, spec.key)
                .unwrap_or(spec.default)
                .to_owned(),
        })
    };
    // What the control shows: the draft, else the stored value, else what is inherited.
    let shown = {
        Signal::derive(
            move || match drafts.with(|drafts| drafts.get(&draft_key).cloned()) {
                Some(Some(value)) => value,
                Some(None) => inherited(),
                None => stored().unwrap_or_else(inherited),
            },
        )
    };
    let overridden = {
        Signal::derive(
            move || match drafts.with(|drafts| drafts.get(&draft_key).cloned()) {
                Some(draft) => draft.is_some(),
                None => stored().is_some(),
            },
        )
    };
    let dirty = { Signal::derive(move || drafts.with(|drafts| drafts.contains_key(&draft_key))) };
    let set = {
        move |value: String| {
            let unchanged = stored().as_deref() == Some(value.as_str());
            drafts.update(|drafts| {
                if unchanged {
                    drafts.remove(&draft_key);
                } else {
                    drafts.insert(draft_key, Some(value));
                }
            });
        }
    };
    let use_default = {
        move |_| {
            drafts.update(|drafts| {
                if stored().is_some() {
                    drafts.insert(draft_key, None);
                } else {
                    drafts.remove(&draft_key);
                }
            })
        }
    };
    let id = format!(
        "setting-{}-{}",
        scope.as_str().replace('*', "all"),
        spec.key
    );
    let is_role = matches!(scope, SettingScope::Role(_));
    let control = control(spec, id.clone(), shown, set);
    let ip_warning = (spec.key == SettingKey::AllowIpChange).then(|| {
        view! {
            <Show when=move || shown.get() == "true">
                <p class="setting-warning" role="alert">
                    "Warning: allowing address changes weakens the protection against stolen session cookies: a cookie copied to another network keeps working."
                </p>
            </Show>
        }
    });
    view! {
        <div class="setting-row" class:dirty=move || dirty.get()>
            <div class="setting-text">
                <label for=id.clone()>{spec.label}</label>
                <p class="setting-help">{spec.help}</p>
                {is_role.then(|| view! {
                    <p class="setting-source">
                        {move || if overridden.get() { "Overridden for this role.".to_owned() } else { format!("Uses the default ({}).", display(spec, &inherited())) }}
                    </p>
                })}
            </div>
            <div class="setting-control">
                {control}
                {is_role.then(|| view! {
                    <Show when=move || overridden.get()>
                        <button class="button small" on:click=use_default>"Use default"</button>
                    </Show>
                })}
            </div>
            {ip_warning}
        </div>
    }
}

fn control(
    spec: &'static SettingSpec,
    id: String,
    shown: Signal<String>,
    set: impl Fn(String) + Clone + 'static,
) -> AnyView {
    match spec.kind {
        SettingKind::Number { min, max, unit } => view! {
            <span class="number-input">
                <input id=id type="number" inputmode="numeric" min=min max=max step="1" prop:value=move || shown.get()
                    on:input=move |event| set(event_target_value(&event))/>
                <span class="unit">{unit}</span>
            </span>
        }
        .into_view_any(),
        SettingKind::Limit { max } => view! {
            <span class="number-input">
                <input id=id type="number" inputmode="numeric" min="0" max=max step="1" prop:value=move || shown.get()
                    on:input=move |event| set(event_target_value(&event))/>
                <span class="unit">"0 = no limit"</span>
            </span>
        }
        .into_view_any(),
        SettingKind::Toggle => view! {
            <input id=id type="checkbox" class="toggle" prop:checked=move || shown.get() == "true"
                on:change=move |event| set(event_target_checked(&event).to_string())/>
        }
        .into_view_any(),
        SettingKind::Choice(choices) => view! {
            <select id=id prop:value=move || shown.get() on:change=move |event| set(event_target_value(&event))>
                {choices.iter().map(|(stored, label)| view! {
                    <option value=*stored selected=move || shown.get() == *stored>{*label}</option>
                }).collect_view()}
            </select>
        }
        .into_view_any(),
        SettingKind::Ranges => view! {
            <textarea id=id rows="2" placeholder="e.g. 203.0.113.0/24, 2001:db8::/32" prop:value=move || shown.get()
                on:input=move |event| set(event_target_value(&event))></textarea>
        }
        .into_view_any(),
    }
}

/// A stored value as a person reads it.
pub fn display(spec: &SettingSpec, value: &str) -> String {
    match spec.kind {
        SettingKind::Number { unit, .. } => format!("{value} {unit}"),
        SettingKind::Limit { .. } if value == "0" => "no limit".into(),
        SettingKind::Toggle => if value == "true" { "on" } else { "off" }.into(),
        SettingKind::Choice(choices) => choices
            .iter()
            .find(|(stored, _)| *stored == value)
            .map(|(_, label)| (*label).to_owned())
            .unwrap_or_else(|| value.to_owned()),
        SettingKind::Ranges if value.is_empty() => "none".into(),
        _ => value.to_owned(),
    }
}
