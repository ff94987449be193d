//! Headers every answer of the page router carries: no MIME sniffing, no referrer
//! leaving the site, no framing by other sites (clickjacking of the Kill buttons), and
//! a Content-Security-Policy.
//!
//! Pages may load scripts, styles and the wasm only from this origin, post forms only
//! here, and open sockets only to here. The only inline scripts that run are the ones
//! Leptos wrote for this answer (the hydration bootstrap, resolved resources): leptos_axum
//! makes a fresh nonce per answer and puts it on each of them, and this layer reads it
//! from the page and names it in the policy; a page without one runs no inline script.
//! Anything that is not a page (server-function answers, files, redirects) gets a
//! policy that lets nothing run.
//!
//! The nonce is read from the page rather than handed over from the render (an earlier
//! way, through a response header the shell set): that hand-over was missing in about
//! one in four browser loads right after sign-in, and the page then did not hydrate.
//! Reading the page costs nothing a person sees: every page but /login and the 404 is
//! rendered whole (`SsrMode::Async`) before its first byte anyway.

use axum::body::Body;
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
    let mut nonce = None;
    if is_page {
        (response, nonce) = nonce_from_body(response).await;
    }
    let headers = response.headers_mut();
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

/// The largest page read whole to find its nonce.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The nonce Leptos wrote on the page's first inline script, read from the page itself
/// (the page is passed on unchanged).
async fn nonce_from_body(response: Response) -> (Response, Option<HeaderValue>) {
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "could not read a page to find its script nonce");
            return (Response::from_parts(parts, Body::empty()), None);
        }
    };
    let nonce = first_script_nonce(&bytes).and_then(|nonce| HeaderValue::from_str(nonce).ok());
    (Response::from_parts(parts, Body::from(bytes)), nonce)
}

/// `X` of the first `<script … nonce="X"` in `html`.
fn first_script_nonce(html: &[u8]) -> Option<&str> {
    let html = std::str::from_utf8(html).ok()?;
    let script = html.find("<script")?;
    let tag = &html[script..script + html[script..].find('>')?];
    let start = tag.find("nonce=\"")? + "nonce=\"".len();
    let end = start + tag[start..].find('"')?;
    Some(&tag[start..end])
}

#[cfg(test)]
mod tests {
    use super::first_script_nonce;

    #[test]
    fn the_nonce_of_the_first_inline_script_is_found() {
        let page = br#"<html><head><script type="module" nonce="a-b_C1">x</script></head>"#;
        assert_eq!(first_script_nonce(page), Some("a-b_C1"));
        assert_eq!(first_script_nonce(b"<html><script>x</script>"), None);
        assert_eq!(first_script_nonce(b"<html>no script</html>"), None);
    }
}
