//! A row's overflow menu ("⋯"): secondary actions that must not crowd the row, such as
//! "Kill all sessions of this user". Opens on click, closes on Escape, on choosing an
//! item or when focus leaves it.

use leptos::prelude::*;

/// One entry: its text and what it does (the click event tells whether Ctrl/Cmd was held).
#[derive(Clone)]
pub struct MenuItem {
    pub label: String,
    pub on_choose: Callback<leptos::ev::MouseEvent>,
}

#[component]
pub fn RowMenu(
    /// The accessible name of the "⋯" button, naming the row ("More actions for …").
    label: String,
    items: Vec<MenuItem>,
    /// Raised while the menu is open, so the list holds still.
    open_menus: RwSignal<u32>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let toggle = NodeRef::<leptos::html::Button>::new();
    let set_open = move |value: bool| {
        if open.get_untracked() != value {
            open.set(value);
            open_menus.update(|n| {
                if value {
                    *n += 1
                } else {
                    *n = n.saturating_sub(1)
                }
            });
        }
    };
    on_cleanup(move || {
        if open.get_untracked() {
            open_menus.update(|n| *n = n.saturating_sub(1));
        }
    });
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() {
            event.stop_propagation();
            set_open(false);
        }
    };
    // Focus moving outside the menu closes it (keyboard users tabbing away, clicks elsewhere).
    let on_focusout = move |event: leptos::ev::FocusEvent| {
        if crate::browser::focus_leaves(&event) {
            set_open(false);
        }
    };
    let items = StoredValue::new(items);
    let entries = move || {
        items
            .get_value()
            .into_iter()
            .map(|item| {
                view! {
                    <li role="none">
                        <button
                            role="menuitem"
                            class="menu-item"
                            on:click=move |event| {
                                // Focus goes back to "⋯" before the item disappears, so a
                                // dialog this opens returns it there, not to the page top.
                                if let Some(toggle) = toggle.get_untracked() {
                                    let _ = toggle.focus();
                                }
                                set_open(false);
                                item.on_choose.run(event);
                            }
                        >
                            {item.label.clone()}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="row-menu" on:keydown=on_keydown on:focusout=on_focusout>
            <button
                node_ref=toggle
                class="button small icon-button"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-label=label.clone()
                title=label
                on:click=move |_| set_open(!open.get_untracked())
            >
                "⋯"
            </button>
            <Show when=move || open.get()>
                <ul class="row-menu-list" role="menu">{entries}</ul>
            </Show>
        </div>
    }
}
