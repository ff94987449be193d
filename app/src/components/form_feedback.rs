//! What a page says after a plain HTML form post (before its WASM has loaded, or with
//! JavaScript off). A failed post comes back to the page with the error in the URL
//! (`?__path=/rpc/…&__err=…`, put there by server_fn's form redirects and provided by
//! the router as `ServerActionError`); a successful one is redirected by the server
//! function to `?done=…&count=…` (see `server_ctx::redirect_plain_form`). The texts
//! are the same the WASM shows.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos_router::hooks::use_query_map;
use server_fn::error::ServerFnUrlError;

/// The error a plain form post to the server function at `path` (e.g. `SignIn::PATH`)
/// came back with, if that is why this page is shown.
pub fn form_error(path: &str) -> Option<AppError> {
    let error = use_context::<ServerActionError>()?;
    (error.path() == path).then(|| ServerFnUrlError::<AppError>::decode_err(error.err()))
}

/// `?done=WHAT&count=N` of a successful plain form post: `(WHAT, N)`.
pub fn form_done() -> Option<(String, u32)> {
    let query = use_query_map();
    query.with_untracked(|query| {
        let done = query.get("done")?;
        let count = query
            .get("count")
            .and_then(|count| count.parse().ok())
            .unwrap_or(0);
        Some((done, count))
    })
}

/// The query of the page a successful plain form post lands on.
pub fn done_query(what: &str, count: u32) -> String {
    format!("done={what}&count={count}")
}
