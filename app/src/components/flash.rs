//! The message at the top of a page after an action: success or failure.

use crate::browser::{go_to, login_path};
use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Flash {
    Success(String),
    Failure(String),
}

impl Flash {
    /// The flash for a failed call; a lost session goes straight to the sign-in page.
    pub fn from_error(err: &AppError) -> Flash {
        if let AppError::Unauthenticated { reason, .. } = err {
            go_to(&login_path(*reason));
        }
        Flash::Failure(err.to_string())
    }

    pub fn text(self) -> String {
        match self {
            Flash::Success(text) | Flash::Failure(text) => text,
        }
    }
}

#[component]
pub fn FlashMessage(flash: RwSignal<Option<Flash>>) -> impl IntoView {
    move || {
        flash.get().map(|message| {
            let (class, role, text) = match message {
                Flash::Success(text) => ("flash success", "status", text),
                Flash::Failure(text) => ("flash failure", "alert", text),
            };
            view! {
                <div class=class role=role>
                    <span>{text}</span>
                    <button class="flash-close" aria-label="Dismiss" on:click=move |_| flash.set(None)>"×"</button>
                </div>
            }
        })
    }
}
