//! Where the built front end is and what its files are called: the Leptos options the
//! server renders pages with. The built binary runs as is, outside cargo-leptos: the
//! site defaults to `../site` next to the binary, `LEPTOS_*` variables override.
//!
//! With cargo-leptos `hash-files` the names under `/pkg` carry a content hash, listed in
//! `hash.txt` that cargo-leptos writes next to the binary (`target/release/hash.txt`).
//! A deployment may instead put it in the site root, beside `pkg/`. Leptos reads it
//! relative to the binary; we hand it the absolute path of the one we found, and turn
//! hashing on only when there is one (`LEPTOS_HASH_FILES` forces either way).

use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| default_site_root());
    let pkg_dir = std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into());
    let output_name = std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "sessions".into());
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    let hash_file = find_hash_file(Path::new(&site_root));
    let hash_files = match std::env::var("LEPTOS_HASH_FILES").as_deref() {
        Ok("true") => true,
        Ok("false") => false,
        _ => hash_file.is_some(),
    };
    if hash_files {
        check_hashed_files(hash_file.as_deref(), &Path::new(&site_root).join(&pkg_dir));
    }
    let builder = LeptosOptions::builder()
        .output_name(output_name)
        .site_root(site_root)
        .site_pkg_dir(pkg_dir)
        .site_addr(addr)
        .env(env)
        .hash_files(hash_files);
    match hash_file {
        Some(path) => builder
            .hash_file(std::sync::Arc::from(path.display().to_string()))
            .build(),
        None => builder.build(),
    }
}

fn default_site_root() -> String {
    match exe_dir().and_then(|dir| dir.parent().map(|target| target.join("site"))) {
        Some(site) if site.is_dir() => site.display().to_string(),
        _ => PathBuf::from("target/site").display().to_string(),
    }
}

fn exe_dir() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
}

/// The hash file in the site root, else next to the binary (where cargo-leptos writes it).
fn find_hash_file(site_root: &Path) -> Option<PathBuf> {
    let name = std::env::var("LEPTOS_HASH_FILE_NAME").unwrap_or_else(|_| "hash.txt".into());
    let beside_binary = exe_dir().map(|dir| dir.join(&name));
    [Some(site_root.join(&name)), beside_binary]
        .into_iter()
        .flatten()
        .find(|path| path.is_file())
}

/// Says loudly when the hash file names a wasm the site does not have: the pages would
/// render but never come alive. It happens when a debug binary runs against the site
/// of a later release build (both build into `target/site`), or a deployment copied one
/// without the other.
fn check_hashed_files(hash_file: Option<&Path>, pkg: &Path) {
    let Some(hash_file) = hash_file else {
        tracing::error!("LEPTOS_HASH_FILES is on but there is no hash.txt in the site root or next to the binary");
        return;
    };
    let text = std::fs::read_to_string(hash_file).unwrap_or_default();
    let wasm_hash = app::hydration::hash_of(&text, "wasm");
    let found = wasm_hash.is_some_and(|hash| {
        std::fs::read_dir(pkg)
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| {
                entry
                    .file_name()
                    .to_string_lossy()
                    .ends_with(&format!(".{hash}.wasm"))
            })
    });
    if !found {
        tracing::error!(
            hash_file = %hash_file.display(),
            pkg = %pkg.display(),
            "the front end in the site does not match this binary's hash file: pages will not hydrate; \
             rebuild with `cargo leptos build` (or `--release`) and run the binary it built"
        );
    }
}
