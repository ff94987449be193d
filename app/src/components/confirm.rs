//! The confirmation dialog in front of destructive actions, a native modal `<dialog>`:
//! the browser takes focus into it, makes the page behind it inert, keeps Tab inside
//! and closes it on Escape; closing gives focus back to the button that opened it.
//! Ctrl/Cmd-click on that button skips the dialog (the caller checks
//! `skips_confirmation`). `ActionGuard` is the whole round trip the pages share: ask
//! (or not), run, show the result at the top, then `done`.

use crate::components::flash::Flash;
use crate::error::AppError;
use leptos::html;
use leptos::prelude::*;
use std::future::Future;
use std::sync::Arc;

/// What the dialog asks, and what to do on "Confirm".
#[derive(Clone)]
pub struct Confirmation {
    pub title: String,
    pub detail: String,
    /// A plain closure, not a `Callback`: a callback belongs to the reactive owner that
    /// made it, and the owner of a row's menu item is gone by the time "Confirm" is
    /// clicked (the menu closed), which would silently drop the action.
    pub on_confirm: Arc<dyn Fn() + Send + Sync>,
    /// When the server asked for the password again: what is typed into the field.
    pub password: Option<RwSignal<String>>,
}

pub fn skips_confirmation(event: &leptos::ev::MouseEvent) -> bool {
    event.ctrl_key() || event.meta_key()
}

/// Runs a page's destructive actions: at once when the click skips the dialog, else
/// after "Confirm"; then flashes the result (success text or the error) and calls
/// `done`.
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
            let on_confirm = Arc::new(move || self.run(action()));
            self.pending.set(Some(Confirmation {
                title,
                detail,
                on_confirm,
                password: None,
            }));
        }
    }

    /// Like `ask`, for an action that may need the password entered recently: `action`
    /// gets the password (empty at first); when the server answers that it needs one,
    /// the dialog asks for it and the action runs again with it.
    pub fn ask_with_password<F, Fut>(self, skip: bool, title: String, detail: String, action: F)
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, AppError>> + 'static,
    {
        let action = Arc::new(action);
        let retry_title = title.clone();
        self.ask(skip, title, detail, move || {
            let (action, title) = (action.clone(), retry_title.clone());
            async move {
                match action(String::new()).await {
                    Err(AppError::PasswordRequired(message)) => {
                        self.ask_password(title, message, action);
                        Err(AppError::PasswordRequired(String::new()))
                    }
                    result => result,
                }
            }
        });
    }

    fn ask_password<F, Fut>(self, title: String, detail: String, action: Arc<F>)
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, AppError>> + 'static,
    {
        let typed = RwSignal::new(String::new());
        let on_confirm = Arc::new(move || self.run(action(typed.get_untracked())));
        self.pending.set(Some(Confirmation {
            title,
            detail,
            on_confirm,
            password: Some(typed),
        }));
    }

    fn run(self, call: impl Future<Output = Result<String, AppError>> + 'static) {
        leptos::task::spawn_local(async move {
            let flash = match call.await {
                Ok(text) => Flash::Success(text),
                // The dialog is asking for the password: nothing to say yet.
                Err(AppError::PasswordRequired(_)) => return,
                Err(err) => Flash::from_error(&err),
            };
            self.flash.set(Some(flash));
            self.done.run(());
        });
    }
}

#[component]
pub fn ConfirmDialog(pending: RwSignal<Option<Confirmation>>) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let open = pending.with(Option::is_some);
        #[cfg(feature = "hydrate")]
        modal::show(dialog, open);
        #[cfg(not(feature = "hydrate"))]
        let _ = (dialog, open);
    });
    let title = move || pending.with(|p| p.as_ref().map(|p| p.title.clone()).unwrap_or_default());
    let detail = move || pending.with(|p| p.as_ref().map(|p| p.detail.clone()).unwrap_or_default());
    let confirm = move |_: ()| {
        if let Some(confirmation) = pending.get_untracked() {
            pending.set(None);
            (confirmation.on_confirm)();
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="dialog-title"
            aria-describedby="dialog-detail"
            // Escape (the browser's "cancel") and any other close end the question.
            on:close=move |_| pending.set(None)
            // A click on the backdrop lands on the dialog element itself.
            on:click=move |event| {
                if event_target::<leptos::web_sys::Element>(&event).tag_name() == "DIALOG" {
                    pending.set(None);
                }
            }
        >
            <h2 id="dialog-title">{title}</h2>
            <p id="dialog-detail">{detail}</p>
            {move || pending.with(|p| p.as_ref().and_then(|p| p.password)).map(|typed| view! {
                <label class="dialog-password">
                    "Your password"
                    <input
                        type="password"
                        autocomplete="current-password"
                        autofocus=true
                        required=true
                        prop:value=move || typed.get()
                        on:input=move |event| typed.set(event_target_value(&event))
                        on:keydown=move |event| if event.key() == "Enter" { confirm(()) }
                    />
                </label>
            })}
            <div class="dialog-actions">
                <button class="button" on:click=move |_| pending.set(None)>"Cancel"</button>
                <button class="button solid-danger" autofocus=true on:click=move |_| confirm(())>"Confirm"</button>
            </div>
        </dialog>
    }
}

#[cfg(feature = "hydrate")]
mod modal {
    use leptos::html;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::HtmlElement;

    thread_local! {
        /// The element that had focus when the dialog opened: it gets it back on close.
        static OPENER: std::cell::RefCell<Option<HtmlElement>> = const { std::cell::RefCell::new(None) };
    }

    pub fn show(dialog: NodeRef<html::Dialog>, open: bool) {
        let Some(dialog) = dialog.get_untracked() else {
            return;
        };
        if open && !dialog.open() {
            let opener = document()
                .active_element()
                .and_then(|element| element.dyn_into::<HtmlElement>().ok());
            OPENER.with(|slot| *slot.borrow_mut() = opener);
            if dialog.show_modal().is_err() {
                dialog.set_open(true);
            }
        } else if !open && dialog.open() {
            dialog.close();
            if let Some(opener) = OPENER.with(|slot| slot.borrow_mut().take()) {
                // The opener may be gone (its row ended): then focus stays where the browser puts it.
                if opener.is_connected() {
                    let _ = opener.focus();
                }
            }
        }
    }
}
