//! deno_fetch's JavaScript for `Headers`, `FormData`, `Request` and `Response`, as lazily loaded
//! scripts of the `actionhost_runtime` extension under deno_fetch's own specifiers
//! (`ext:deno_fetch/20_headers.js` …), so they load each other as they do in Deno.
//!
//! Only the classes are taken: deno_fetch's network `fetch` (`26_fetch.js`, its ops, its HTTP
//! client) is not embedded and none of its Rust is called, so a script has no way to the network
//! through them; `js_runtime/http.js` answers `fetch` from the execution's HTTP mocks.
//! `build.rs` writes the table (`fetch_js.rs`): the five scripts from the deno_fetch package at
//! the version Cargo.lock pins, and the stand-ins of `js_runtime/fetch/` (Deno's HTTP client,
//! which needs deno_net). `js_runtime/web_fetch.js` loads them on first use.

use std::sync::Arc;

use deno_core::{Extension, ExtensionFileSource};

/// `(specifier, text)` of each script, as `build.rs` embedded it.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/fetch_js.rs"));

/// `extension` with deno_fetch's scripts added to its lazily loaded scripts.
pub fn with_fetch_scripts(mut extension: Extension) -> Extension {
    let scripts = FILES.iter().map(|&(specifier, text)| ExtensionFileSource::new_computed(specifier, Arc::from(text)));
    extension.lazy_loaded_js_files.to_mut().extend(scripts);
    extension
}

#[cfg(test)]
mod tests {
    use super::FILES;

    #[test]
    fn the_classes_scripts_and_the_stand_in_are_embedded_but_not_the_network_fetch() {
        let specifiers: Vec<&str> = FILES.iter().map(|(specifier, _)| *specifier).collect();
        for file in
            ["20_headers.js", "21_formdata.js", "22_body.js", "22_http_client.js", "23_request.js", "23_response.js"]
        {
            assert!(specifiers.contains(&format!("ext:deno_fetch/{file}").as_str()), "{file} in {specifiers:?}");
        }
        assert!(!specifiers.iter().any(|s| s.ends_with("26_fetch.js")), "{specifiers:?}");
        // The stand-in, not Deno's client (which loads deno_net's TLS script and calls an op that connects).
        let (_, client) = FILES.iter().find(|(s, _)| s.ends_with("22_http_client.js")).unwrap();
        assert!(!client.contains("loadExtScript") && !client.contains("core.ops"), "{client}");
    }
}
