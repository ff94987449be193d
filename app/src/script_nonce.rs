//! The Content-Security-Policy of a page names the one nonce its inline scripts carry,
//! so no other inline script runs. leptos_axum makes a fresh nonce per answer and puts
//! it on every inline script it writes (the hydration bootstrap, resolved resources);
//! the shell hands it to the server's security-headers layer in this header, which
//! writes the policy and drops the header.

use http::{HeaderName, HeaderValue};
use leptos::nonce::use_nonce;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// Carries the answer's nonce from the page to the security-headers layer; never
/// reaches the browser.
pub const SCRIPT_NONCE_HEADER: &str = "x-sessions-script-nonce";

/// Called while the shell renders, in the answer's own reactive context.
pub fn hand_nonce_to_headers() {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    match HeaderValue::from_str(&nonce) {
        Ok(value) => response.insert_header(HeaderName::from_static(SCRIPT_NONCE_HEADER), value),
        Err(_) => tracing::error!("the page's script nonce is not a header value"),
    }
}
