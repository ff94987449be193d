//! The confirmation dialog in front of destructive actions. Ctrl/Cmd-click on the
//! button that opens it skips it (the caller checks `skips_confirmation`).
//! `ActionGuard` is the whole round trip the pages share: ask (or not), run, show the
//! result at the top, reload.

use crate::components::flash::Flash;
use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;

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

/// Runs a page's destructive actions: at once when the click skips the dialog, else
/// after "Confirm"; then flashes the result (success text or the error) and calls
/// `done`, which reloads the page's data.
#[derive(Clone, Copy)]
pub struct ActionGuard {
    pub pending: RwSignal<Option<Confirmation>>,
    pub flash: RwSignal<Option<Flash>>,
    pub done: Callback<()>,
}

impl ActionGuard {
    /// `action` starts the call; its `Ok` text is the success message.
    pub fn ask<F, Fut>(self, skip: bool, title: String, detail: String, action: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, AppError>> + 'static,
    {
        if skip {
            self.run(action());
        } else {
            let on_confirm = Callback::new(move |()| self.run(action()));
            self.pending.set(Some(Confirmation { title, detail, on_confirm }));
        }
    }

    fn run(self, call: impl Future<Output = Result<String, AppError>> + 'static) {
        leptos::task::spawn_local(async move {
            let flash = match call.await {
                Ok(text) => Flash::Success(text),
                Err(err) => Flash::from_error(&err),
            };
            self.flash.set(Some(flash));
            self.done.run(());
        });
    }
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
