//! `Cache-Control` for everything the page router answers. Built files under `/pkg`
//! carry a content hash in their names (cargo-leptos `hash-files`), so a browser may
//! keep them forever: a new build has new names. Everything generated per request
//! (pages, server-function answers, redirects, errors) carries the signed-in user's
//! data and is never stored, not even in the browser's back/forward cache of a shared
//! machine after sign-out. Other static files are revalidated (a cheap 304).

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, LAST_MODIFIED};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
const NEVER_STORE: &str = "no-store";

pub async fn cache_control(
    State(options): State<LeptosOptions>,
    request: Request,
    next: Next,
) -> Response {
    let hashed = options.hash_files && has_hashed_name(request.uri().path(), &options.site_pkg_dir);
    let mut response = next.run(request).await;
    if response.headers().contains_key(CACHE_CONTROL) {
        return response;
    }
    let status = response.status();
    let is_file = response.headers().contains_key(LAST_MODIFIED);
    let cacheable = status.is_success() || status == StatusCode::NOT_MODIFIED;
    let policy = if !cacheable {
        // A 404 for a file of the next deployment must not stick.
        NEVER_STORE
    } else if hashed {
        IMMUTABLE
    } else if is_file {
        REVALIDATE
    } else {
        NEVER_STORE
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Files under `/{pkg}/` except wasm-bindgen's `snippets/`, which cargo-leptos leaves
/// unhashed (the wasm imports them by their original names).
fn has_hashed_name(path: &str, pkg_dir: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|rest| rest.strip_prefix(pkg_dir))
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|file| !file.is_empty() && !file.starts_with("snippets/"))
}

#[cfg(test)]
mod tests {
    use super::has_hashed_name;

    #[test]
    fn only_built_files_are_hashed() {
        assert!(has_hashed_name("/pkg/sessions.Abc123.wasm", "pkg"));
        assert!(!has_hashed_name(
            "/pkg/snippets/leptos-1a2b/inline0.js",
            "pkg"
        ));
        assert!(!has_hashed_name("/pkg/", "pkg"));
        assert!(!has_hashed_name("/pkgs/x.js", "pkg"));
        assert!(!has_hashed_name("/login", "pkg"));
        assert!(!has_hashed_name("/favicon.svg", "pkg"));
    }
}
