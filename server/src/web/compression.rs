//! Compression of what the page router answers (HTML, `/rpc` answers, `/pkg` files),
//! brotli or gzip as the client accepts. The application API is nested outside this
//! layer: its answers are a few hundred bytes and its check is every application's
//! hot path. Files cargo-leptos precompressed (`--precompress`: `.br`/`.gz` beside
//! them, at the best quality) are served as they are by the static file handler; the
//! layer leaves responses that already have a `Content-Encoding` alone.

use axum::http::{Extensions, HeaderMap, StatusCode, Version};
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Compresses bodies over 32 bytes except images and event streams (tower-http's
/// defaults), and never a protocol switch: the `/live` WebSocket upgrade has no body to
/// encode, and a `Content-Encoding` on it would only confuse proxies.
pub fn layer() -> CompressionLayer<impl Predicate> {
    let not_an_upgrade = |status: StatusCode, _: Version, _: &HeaderMap, _: &Extensions| {
        status != StatusCode::SWITCHING_PROTOCOLS
    };
    CompressionLayer::new()
        // Default levels (brotli 4 in tower-http, gzip 6): fast enough per request.
        .quality(CompressionLevel::Default)
        .compress_when(DefaultPredicate::new().and(not_an_upgrade))
}
