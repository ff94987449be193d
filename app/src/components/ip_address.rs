//! An IP address shown masked ("•••.•••.•••.42") until asked for: a button named
//! "Show IP address" for screen readers while masked, and the address once shown
//! (clicking again hides it). Pages that list other people's sessions use it.

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
            aria-label=move || (!shown.get()).then_some("Show IP address")
            title=move || if shown.get() { "Hide IP address" } else { "Show IP address" }
            on:click=move |_| shown.update(|shown| *shown = !*shown)
        >
            {move || if shown.get() { ip.clone() } else { masked.clone() }}
        </button>
    }
}
