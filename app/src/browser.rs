//! The few browser facilities the pages use (timers, navigation, the clock). They do
//! nothing on the server, where event handlers and effects never run anyway.

/// Runs `work` once after `ms` milliseconds.
pub fn after(ms: u32, work: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(ms, work).forget();
    #[cfg(not(feature = "hydrate"))]
    let _ = (ms, work);
}

/// Runs `work` every `ms` milliseconds until the reactive owner it was started under
/// is cleaned up (the page's component leaves on a client-side navigation): a page left
/// behind must not keep a timer writing to its disposed signals.
pub fn every(ms: u32, work: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    if let Ok(interval) =
        leptos::prelude::set_interval_with_handle(work, std::time::Duration::from_millis(ms.into()))
    {
        leptos::prelude::on_cleanup(move || interval.clear());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ms, work);
}

/// A full page load of `path` (used when the session is gone: start clean).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// The browser's clock in Unix milliseconds (0 on the server).
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    return js_sys::Date::now() as i64;
    #[cfg(not(feature = "hydrate"))]
    0
}

/// The sign-in page, explaining why the session ended when we know.
pub fn login_path(reason: Option<sessions_core::model::EndReason>) -> String {
    match reason {
        Some(reason) => format!("/login?ended={}", reason.as_str()),
        None => "/login".into(),
    }
}

/// Marks the page as hydrated (`<body data-hydrated>`), so tests and scripts can wait
/// for the WASM to be in charge before they click.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(body) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|doc| doc.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Milliseconds since the epoch of a `datetime-local` input's value, read as the
/// browser's local time; `None` when empty or unreadable (or on the server).
pub fn local_datetime_ms(text: &str) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text)).get_time();
        (!ms.is_nan()).then_some(ms as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Whether a `focusout` moves focus out of the element listening for it (not merely to
/// another element inside it).
pub fn focus_leaves(event: &leptos::ev::FocusEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let container = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Node>().ok());
        let next = event
            .related_target()
            .and_then(|target| target.dyn_into::<web_sys::Node>().ok());
        match (container, next) {
            (Some(container), Some(next)) => !container.contains(Some(&next)),
            _ => true,
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        true
    }
}

/// Phone layout at this width and below: the CSS's own breakpoint, as a media query.
#[cfg(feature = "hydrate")]
const NARROW_MEDIA: &str = "(max-width: 640px)";

/// Whether the viewport is phone-sized; `None` on the server. Asked as a media query,
/// not `innerWidth`: on a phone a page wider than the screen (the table, say) widens
/// the layout viewport and `innerWidth` with it, so the table would never give way.
pub fn viewport_is_narrow() -> Option<bool> {
    #[cfg(feature = "hydrate")]
    return web_sys::window()?
        .match_media(NARROW_MEDIA)
        .ok()?
        .map(|query| query.matches());
    #[cfg(not(feature = "hydrate"))]
    None
}

/// The layout the server rendered (`data-layout` on an element with that id), which
/// hydration must start from; `None` on the server or when absent.
pub fn rendered_layout(element_id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return web_sys::window()?
        .document()?
        .get_element_by_id(element_id)?
        .get_attribute("data-layout");
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = element_id;
        None
    }
}

/// Tells the server, at most once a minute, that the person is working on the page
/// (pointer or keys), for pages whose own requests are all automatic and so never
/// count as activity (see `sessions_api::still_here`).
pub fn report_activity_while_open() {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        let last_sent = StoredValue::new(0_i64);
        let ping = move || {
            let now = now_ms();
            // The sign-in page has no session to keep alive (the call would be a 401).
            let signed_out = window()
                .location()
                .pathname()
                .is_ok_and(|path| path.starts_with("/login"));
            if !signed_out && now - last_sent.get_value() >= 60_000 {
                last_sent.set_value(now);
                leptos::task::spawn_local(async {
                    let _ = crate::sessions_api::still_here().await;
                });
            }
        };
        let pointer = window_event_listener(leptos::ev::pointerdown, move |_| ping());
        let keys = window_event_listener(leptos::ev::keydown, move |_| ping());
        on_cleanup(move || {
            pointer.remove();
            keys.remove();
        });
    }
}
