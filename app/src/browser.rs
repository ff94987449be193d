//! The few browser facilities the pages use (timers, navigation, the clock). They do
//! nothing on the server, where event handlers and effects never run anyway.

/// Runs `work` once after `ms` milliseconds.
pub fn after(ms: u32, work: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(ms, work).forget();
    #[cfg(not(feature = "hydrate"))]
    let _ = (ms, work);
}

/// Runs `work` every `ms` milliseconds for the life of the page.
pub fn every(ms: u32, work: impl FnMut() + 'static) {
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Interval::new(ms, work).forget();
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
    if let Some(body) = web_sys::window().and_then(|window| window.document()).and_then(|doc| doc.body()) {
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
