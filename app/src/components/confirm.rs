//! The confirmation dialog in front of destructive actions. Ctrl/Cmd-click on the
//! button that opens it skips it (the caller checks `skips_confirmation`).

use leptos::prelude::*;

/// What the dialog asks, and what to do on "Confirm".
#[derive(Clone)]
pub struct Confirmation {
    pub title: String,
    pub detail: String,
    pub on_confirm: Callback<()>,
}

pub fn skips_confirmation(event: &leptos::ev::MouseEvent) -> bool {
    event.ctrl_key() || event.meta_key()
}

#[component]
pub fn ConfirmDialog(pending: RwSignal<Option<Confirmation>>) -> impl IntoView {
    move || {
        pending.get().map(|confirmation| {
            let on_confirm = confirmation.on_confirm;
            view! {
                <div class="dialog-backdrop" on:click=move |_| pending.set(None)>
                    <div
                        class="dialog"
                        role="dialog"
                        aria-modal="true"
                        aria-labelledby="dialog-title"
                        on:click=|event| event.stop_propagation()
                    >
                        <h2 id="dialog-title">{confirmation.title}</h2>
                        <p>{confirmation.detail}</p>
                        <div class="dialog-actions">
                            <button class="button" on:click=move |_| pending.set(None)>"Cancel"</button>
                            <button
                                class="button danger"
                                autofocus=true
                                on:click=move |_| {
                                    pending.set(None);
                                    on_confirm.run(());
                                }
                            >
                                "Confirm"
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
