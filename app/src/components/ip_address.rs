//! An IP address shown masked ("•••.•••.•••.42") until asked for: a button named
//! "Show IP address" for screen readers while masked, and the address once shown
//! (clicking again hides it). Pages that list other people's sessions use it.
//! The name comes from the button's own (partly hidden) text, not an `aria-label`: a
//! label that leaves out the visible text fails WCAG 2.5.3 "label in name".

use crate::any_view::IntoViewAny;
use crate::format::mask_ip;
use leptos::prelude::*;

/// An address that keeps whether it is shown to itself (History: rows never change).
#[component]
pub fn IpAddress(ip: String) -> impl IntoView {
    let shown = RwSignal::new(false);
    view! {
        <IpToggle
            ip=Signal::stored(ip)
            shown=shown.into()
            toggle=Callback::new(move |()| shown.update(|shown| *shown = !*shown))
        />
    }
}

/// The button itself, for a list that keeps the shown addresses elsewhere (the
/// console: live updates re-render rows, and a shown address must stay shown) and
/// whose address may move while it is on screen.
#[component]
pub fn IpToggle(ip: Signal<String>, shown: Signal<bool>, toggle: Callback<()>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="ip-badge"
            class:revealed=shown
            title=move || if shown.get() { "Hide IP address" } else { "Show IP address" }
            on:click=move |_| toggle.run(())
        >
            {move || if shown.get() {
                ip.get().into_view_any()
            } else {
                view! {
                    <span class="sr-only">"Show IP address"</span>
                    <span aria-hidden="true">{ip.with(|ip| mask_ip(ip))}</span>
                }
                .into_view_any()
            }}
        </button>
    }
}
