#![recursion_limit = "256"]
//! The browser entry point: hydrate the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes (app::pages::routes) need the asynchronous hydration.
    leptos::mount::hydrate_lazy(app::App);
}
