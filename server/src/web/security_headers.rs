//! Headers every answer of the page router carries: no MIME sniffing, no referrer
//! leaving the site, no framing by other sites (clickjacking of the Kill buttons), and
//! a Content-Security-Policy.
//!
//! Pages may load scripts, styles and the wasm only from this origin, post forms only
//! here, and open sockets only to here. Inline scripts are still allowed: Leptos writes
//! the hydration bootstrap and the resolved resources inline, and its per-answer nonce
//! (`provide_nonce` in the shell) broke hydration of the async pages (a marker
//! mismatch). Script hashes computed from the rendered page would close that gap.
//! Anything that is not a page (server-function answers, files, redirects) gets a
//! policy that lets nothing run.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const PAGE_POLICY: &str =
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
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
    for (name, value) in HEADERS {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    let policy = if is_page { PAGE_POLICY } else { OTHER_POLICY };
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(policy));
    response
}
