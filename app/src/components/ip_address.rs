//! An IP address shown masked ("•••.•••.•••.42") until asked for: a button named
//! "Show IP address" for screen readers while masked, and the address once shown
//! (clicking again hides it). Pages that list other people's sessions use it.
//! The name comes from the button's own (partly hidden) text, not an `aria-label`: a
//! label that leaves out the visible text fails WCAG 2.5.3 "label in name".

use crate::format::mask_ip;
use leptos::prelude::*;

#[component]
pub fn IpAddress(ip: String) -> impl IntoView {
    let shown = RwSignal::new(false);
    let masked = mask_ip(&ip);
    view! {
        <button
            type="button"
            class="ip-badge"
            class:revealed=move || shown.get()
            title=move || if shown.get() { "Hide IP address" } else { "Show IP address" }
            on:click=move |_| shown.update(|shown| *shown = !*shown)
        >
            {move || if shown.get() {
                ip.clone().into_any()
            } else {
                view! {
                    <span class="sr-only">"Show IP address"</span>
                    <span aria-hidden="true">{masked.clone()}</span>
                }
                .into_any()
            }}
        </button>
    }
}
