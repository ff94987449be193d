//! Inline SVG icons (no CDN, no font): browsers, systems and device classes.

use leptos::prelude::*;
use sessions_core::model::DeviceClass;

/// A round badge in the brand colour of a browser family, with its initial.
#[component]
pub fn BrowserIcon(name: String) -> impl IntoView {
    let (color, letter) = match name.as_str() {
        "Chrome" => ("#1a73e8", "C"),
        "Firefox" => ("#e66000", "F"),
        "Safari" => ("#0fb5ee", "S"),
        "Edge" => ("#0c59a4", "E"),
        "Opera" => ("#cc0f16", "O"),
        _ => ("#7a7f87", "?"),
    };
    let label = name.clone();
    view! {
        <svg class="icon" viewBox="0 0 20 20" role="img" aria-label=label>
            <title>{name}</title>
            <circle cx="10" cy="10" r="9" fill=color/>
            <text x="10" y="14" text-anchor="middle" font-size="11" font-weight="700" fill="#fff">{letter}</text>
        </svg>
    }
}

#[component]
pub fn OsIcon(name: String) -> impl IntoView {
    let lower = name.to_lowercase();
    let path = if lower.contains("windows") {
        "M2 4l7-1v7H2zM10 3l8-1v8h-8zM2 11h7v7l-7-1zM10 11h8v8l-8-1z"
    } else if lower.contains("mac")
        || lower.contains("ios")
        || lower.contains("iphone")
        || lower.contains("ipad")
    {
        "M13.5 3c.1 1.2-.4 2.3-1.1 3-.7.8-1.7 1.2-2.7 1.1-.1-1.1.5-2.3 1.1-2.9.8-.8 1.9-1.2 2.7-1.2zM16.6 14.3c-.5 1.1-.7 1.5-1.3 2.5-.9 1.3-2.1 2.9-3.6 2.9-1.3 0-1.7-.9-3.5-.9s-2.2.9-3.5.9c-1.5 0-2.6-1.5-3.5-2.8C-.9 13.4 1.3 7.5 5 7.4c1.3 0 2.2.9 3.3.9 1 0 1.8-.9 3.4-.9 1.2 0 2.5.7 3.4 1.8-3 1.7-2.5 6 .5 5.1z"
    } else if lower.contains("android") {
        "M4 8h12v7a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1zM5 7a5 4 0 0 1 10 0zM7.5 5.2a.6.6 0 1 0 0 .1zM12.5 5.2a.6.6 0 1 0 0 .1z"
    } else if lower.contains("linux") {
        "M10 2c-2 0-3 1.7-3 4 0 1.5-2.5 4-3 6.5-.4 2 .8 3.5 2.5 3.5h7c1.7 0 2.9-1.5 2.5-3.5-.5-2.5-3-5-3-6.5 0-2.3-1-4-3-4z"
    } else {
        "M3 4h14v10H3zM7 17h6"
    };
    let label = name.clone();
    view! {
        <svg class="icon os" viewBox="0 0 20 20" role="img" aria-label=label>
            <title>{name}</title>
            <path d=path fill="currentColor"/>
        </svg>
    }
}

#[component]
pub fn DeviceIcon(device: DeviceClass) -> impl IntoView {
    let (label, shape) = match device {
        DeviceClass::Phone => ("Phone", "M6 2h8a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm1 2v11h6V4z"),
        DeviceClass::Tablet => ("Tablet", "M4 2h12a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm1 2v11h10V4z"),
        DeviceClass::Bot => ("Bot", "M6 6h8a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2zm1 4v2h2v-2zm4 0v2h2v-2zM9 2h2v4H9z"),
        DeviceClass::Desktop | DeviceClass::Unknown => ("Desktop", "M2 3h16v10H2zm2 2v6h12V5zM7 15h6v2H7z"),
    };
    view! {
        <svg class="icon device" viewBox="0 0 20 20" role="img" aria-label=label>
            <title>{label}</title>
            <path d=shape fill="currentColor" fill-rule="evenodd"/>
        </svg>
    }
}
