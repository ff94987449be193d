//! `/admin/settings`: the session policy, per role, with a live preview of what saving
//! would end. Edits are drafts until "Save" sends them all in one call, which the
//! server applies all or nothing.

use crate::any_view::IntoViewAny;
use crate::browser::after;
use crate::components::confirm::{ConfirmDialog, Confirmation};
use crate::components::flash::{Flash, FlashMessage};
use crate::components::policy_views::{ImpactPanel, SettingsChangesSection};
use crate::components::setting_row::SettingRow;
use crate::components::settings_draft::{to_changes, Drafts, Preview};
use crate::error::AppError;
use crate::live::connect;
use crate::pages::{page_title, PageHeading, TopBar};
use crate::policy_api::{get_settings, preview_settings, save_settings, settings_changes};
use crate::sessions_api::whoami;
use leptos::prelude::*;
use leptos_meta::Title;
use sessions_core::catalogue::{SettingGroup, SettingScope, SETTINGS};
use sessions_core::model::Role;
use std::sync::Arc;

/// Sends the drafts. A save that ends sessions may need the password entered again:
/// then the dialog asks for it and the save is sent once more with it.
#[derive(Clone, Copy)]
struct Saver {
    drafts: RwSignal<Drafts>,
    saving: RwSignal<bool>,
    flash: RwSignal<Option<Flash>>,
    version: RwSignal<u32>,
    pending: RwSignal<Option<Confirmation>>,
}

impl Saver {
    fn save(self, password: String) {
        let changes = to_changes(&self.drafts.get_untracked());
        if changes.is_empty() {
            return;
        }
        self.saving.set(true);
        leptos::task::spawn_local(async move {
            match save_settings(changes, password).await {
                Ok(outcome) => {
                    let ended = match outcome.impact.sessions {
                        0 => "No session ended.".to_owned(),
                        1 => "1 session ended.".to_owned(),
                        n => format!("{n} sessions ended."),
                    };
                    self.flash
                        .set(Some(Flash::Success(format!("Settings saved. {ended}"))));
                    self.drafts.set(Drafts::new());
                    self.version.update(|v| *v += 1);
                }
                Err(AppError::PasswordRequired(message)) => {
                    let typed = RwSignal::new(String::new());
                    self.pending.set(Some(Confirmation {
                        title: "Save settings that end sessions?".into(),
                        detail: message,
                        on_confirm: Arc::new(move || self.save(typed.get_untracked())),
                        password: Some(typed),
                    }));
                }
                Err(err) => self.flash.set(Some(Flash::from_error(&err))),
            }
            self.saving.set(false);
        });
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let version = RwSignal::new(0_u32);
    let settings = Resource::new(move || version.get(), |_| get_settings());
    let ledger = Resource::new(move || version.get(), |_| settings_changes());
    let scope = RwSignal::new(SettingScope::Default);
    let drafts = RwSignal::new(Drafts::new());
    let preview = RwSignal::new(Preview::Idle);
    let saving = RwSignal::new(false);
    let flash = RwSignal::new(None::<Flash>);

    // The live channel sends this tab to the sign-in page if a save ends its session.
    Effect::new(move |_| {
        let handle = connect(|_| {});
        on_cleanup(move || handle.stop());
    });

    // Preview the drafts a moment after the last edit; a stale answer is dropped.
    let preview_round = StoredValue::new(0_u32);
    Effect::new(move |_| {
        let changes = to_changes(&drafts.get());
        preview_round.update_value(|round| *round += 1);
        let round = preview_round.get_value();
        if changes.is_empty() {
            preview.set(Preview::Idle);
            return;
        }
        preview.set(Preview::Checking);
        after(300, move || {
            if preview_round.get_value() != round {
                return;
            }
            leptos::task::spawn_local(async move {
                let answer = preview_settings(changes).await;
                if preview_round.get_value() == round {
                    preview.set(match answer {
                        Ok(impact) => Preview::Ready(impact),
                        Err(err) => Preview::Invalid(err.to_string()),
                    });
                }
            });
        });
    });

    let pending = RwSignal::new(None::<Confirmation>);
    let saver = Saver {
        drafts,
        saving,
        flash,
        version,
        pending,
    };
    let save = move |_| saver.save(String::new());
    let can_save = move || {
        !saving.get()
            && !drafts.with(Drafts::is_empty)
            && !matches!(preview.get(), Preview::Invalid(_) | Preview::Checking)
    };

    view! {
        <Title text=page_title("Settings")/>
        <TopBar me/>
        <main class="settings" id="main" tabindex="-1">
            <FlashMessage flash/>
            <PageHeading heading="Settings" subtitle="Session policy: how long sessions live, who may hold how many, and from where"/>
            <div class="scope-switch" role="group" aria-label="Apply to">
                <ScopeButton scope current=SettingScope::Default label="All roles"/>
                <ScopeButton scope current=SettingScope::Role(Role::Admin) label="Role: admin"/>
                <ScopeButton scope current=SettingScope::Role(Role::User) label="Role: user"/>
            </div>
            <p class="scope-help">
                {move || match scope.get() {
                    SettingScope::Default => "Defaults for every role. A role can override any of them.".to_owned(),
                    SettingScope::Role(role) => format!("Overrides for the {role} role; anything not overridden uses the default."),
                }}
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
                {move || Suspend::new(async move {
                    let _ = me.await;
                    match settings.await {
                        Ok(view_data) => {
                            let geo_note = (!view_data.geo_loaded).then(|| view! {
                                <p class="flash info">"The IP-to-country database is not installed: countries show as unknown and per-country limits do nothing."</p>
                            });
                            let values = StoredValue::new(view_data.values);
                            view! {
                                {geo_note}
                                {move || {
                                    let scope = scope.get();
                                    SettingGroup::ALL.into_iter().map(|group| view! {
                                        <section class="setting-group">
                                            <h2>{group.title()}</h2>
                                            {SETTINGS.iter().filter(|spec| spec.group == group).map(|spec| view! {
                                                <SettingRow spec scope values drafts/>
                                            }).collect_view()}
                                        </section>
                                    }).collect_view()
                                }}
                            }.into_view_any()
                        }
                        Err(err) => {
                            let text = Flash::from_error(&err).text();
                            view! { <div class="flash failure" role="alert">{text}</div> }.into_view_any()
                        }
                    }
                })}
            </Transition>
            // Shown only while there is something to save (or it is being saved).
            <div class="save-bar" hidden=move || drafts.with(Drafts::is_empty) && !saving.get()>
                <ImpactPanel preview/>
                <div class="save-actions">
                    <button class="button" disabled=move || drafts.with(Drafts::is_empty) on:click=move |_| drafts.set(Drafts::new())>
                        "Discard changes"
                    </button>
                    <button class="button primary" disabled=move || !can_save() on:click=save>
                        {move || if saving.get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </div>
            <SettingsChangesSection title="Recent changes" ledger/>
            <ConfirmDialog pending/>
        </main>
    }
}

#[component]
fn ScopeButton(
    scope: RwSignal<SettingScope>,
    current: SettingScope,
    label: &'static str,
) -> impl IntoView {
    view! {
        <button
            class="chip"
            aria-pressed=move || (scope.get() == current).to_string()
            on:click=move |_| scope.set(current)
        >
            {label}
        </button>
    }
}
