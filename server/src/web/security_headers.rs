//! Headers every answer of the page router carries: no MIME sniffing, no referrer
//! leaving the site, no framing by other sites (clickjacking of the Kill buttons), and
//! a Content-Security-Policy.
//!
//! Pages may load scripts, styles and the wasm only from this origin, post forms only
//! here, and open sockets only to here. The only inline scripts that run are the ones
//! Leptos wrote for this answer (the hydration bootstrap, resolved resources): they
//! carry the answer's nonce, which the page hands over in `SCRIPT_NONCE_HEADER`
//! (app/src/script_nonce.rs); a page without one runs no inline script at all.
//! Anything that is not a page (server-function answers, files, redirects) gets a
//! policy that lets nothing run.

use app::script_nonce::SCRIPT_NONCE_HEADER;
use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// A page's policy but its script sources: this origin, the wasm, and `extra`.
fn page_policy(extra_script_src: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {extra_script_src}'wasm-unsafe-eval'; \
        style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
        object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of a page whose inline scripts carry `nonce` (none run without one).
fn page_policy_for(nonce: Option<&HeaderValue>) -> Option<HeaderValue> {
    let nonce = nonce.and_then(|value| value.to_str().ok()).filter(|nonce| {
        nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='))
    });
    let extra = nonce.map_or(String::new(), |nonce| format!("'nonce-{nonce}' "));
    HeaderValue::from_str(&page_policy(&extra)).ok()
}
pub const OTHER_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const HEADERS: [(HeaderName, &str); 4] = [
    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (REFERRER_POLICY, "same-origin"),
    (X_FRAME_OPTIONS, "DENY"),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
];

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let headers = response.headers_mut();
    let nonce = headers.remove(SCRIPT_NONCE_HEADER);
    for (name, value) in HEADERS {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    let policy = if is_page {
        page_policy_for(nonce.as_ref())
    } else {
        None
    };
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(policy.unwrap_or(HeaderValue::from_static(OTHER_POLICY)));
    response
}
