//! The script that brings a server-rendered page to life, started after its first paint.
//!
//! Leptos' `<HydrationScripts>` also puts a `<link rel="preload">` in the head for the
//! main wasm, its JavaScript and (with `--split`) every chunk of the page's lazy route:
//! the console's 43 files, about 700 KB, were all being fetched before the page had
//! painted. On a slow phone those bytes share the link with the page and its
//! stylesheet, and Lighthouse counts every one that arrives before the largest paint
//! into that paint (its largest paint swung between 2.1 and 4.4 s from run to run on
//! the same build, with how many arrived first). The page is usable without the wasm
//! (its forms post), so it paints first and the wasm follows: no preloads, and the
//! script starts it after the first frame.

use leptos::config::LeptosOptions;
use leptos::prelude::*;

/// `<script type="module">` loading `/pkg/NAME.js` and `/pkg/NAME.wasm`, then hydrating.
#[component]
pub fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = built_file_names(&options);
    let pkg = &options.site_pkg_dir;
    // A frame, then a task: the task runs once that frame has painted. A hidden tab
    // paints nothing and runs no frames, so it starts at once.
    let script = format!(
        "(function (js, wasm) {{\
           const start = () => import(js).then(mod => mod.default({{ module_or_path: wasm }}).then(() => mod.hydrate()));\
           if (document.visibilityState === 'hidden') start();\
           else requestAnimationFrame(() => setTimeout(start, 0));\
         }})({:?}, {:?});",
        format!("/{pkg}/{js}.js"),
        format!("/{pkg}/{wasm}.wasm"),
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// The names (without extension) of the built JavaScript and wasm, as Leptos' own
/// `<HydrationScripts>` finds them: with cargo-leptos `hash-files`, `NAME.HASH` from
/// the hash file (relative to the binary unless absolute; server/src/site.rs finds
/// it); else the output name (`NAME_bg.wasm` when not built by cargo-leptos). Read
/// once: the built files do not change under a running server.
fn built_file_names(options: &LeptosOptions) -> (String, String) {
    static NAMES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let name = options.output_name.to_string();
            if !options.hash_files {
                let wasm = match option_env!("LEPTOS_OUTPUT_NAME") {
                    Some(_) => name.clone(),
                    None => format!("{name}_bg"),
                };
                return (name, wasm);
            }
            let hash_file = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                .unwrap_or_else(|| options.hash_file.as_ref().into());
            let hashes = std::fs::read_to_string(hash_file).unwrap_or_default();
            let hashed = |kind: &str| match hash_of(&hashes, kind) {
                Some(hash) => format!("{name}.{hash}"),
                None => name.clone(),
            };
            (hashed("js"), hashed("wasm"))
        })
        .clone()
}

/// The hash cargo-leptos wrote for one kind of built file (`js`, `wasm`, `css`…) in
/// the text of its hash file, whose lines read `KIND: HASH`.
pub fn hash_of<'a>(hashes: &'a str, kind: &str) -> Option<&'a str> {
    hashes.lines().find_map(|line| {
        let (found, hash) = line.split_once(':')?;
        (found.trim() == kind).then(|| hash.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::hash_of;

    #[test]
    fn reads_each_kind_of_the_hash_file() {
        let hashes = "js: abc\nwasm: def\n css:ghi \n";
        assert_eq!(hash_of(hashes, "js"), Some("abc"));
        assert_eq!(hash_of(hashes, "wasm"), Some("def"));
        assert_eq!(hash_of(hashes, "css"), Some("ghi"));
        assert_eq!(hash_of(hashes, "split"), None);
    }
}
