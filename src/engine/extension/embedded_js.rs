//! The extensions' JavaScript, embedded in the binary.
//!
//! deno_core's `extension!` records each script as a path on the build machine
//! (`LoadedFromFsDuringSnapshot`) and reads it when an isolate starts, or later for lazily loaded
//! scripts. The build script (`build.rs`) embeds the `.js` files of deno_web, deno_webidl and
//! `js_runtime/`; [`embed`] replaces every recorded path by that text, so the binary opens no
//! script file at run time and runs wherever it is copied.

use std::sync::{Arc, LazyLock};

use deno_core::{Extension, ExtensionFileSource, ExtensionFileSourceCode};

/// `(path suffix, text)`: the suffix is `<package folder>/<path inside the package>`, as in
/// `deno_web-0.291.0/00_infra.js` or `<crate folder>/js_runtime/main.js`.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_js.rs"));

/// With the feature `node-builtins`: deno_node's polyfills as `build.rs` transpiled them, and the
/// scripts of the extensions they need, by the same kind of suffix.
#[cfg(feature = "node-builtins")]
const NODE_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/node_js.rs"));
#[cfg(not(feature = "node-builtins"))]
const NODE_FILES: &[(&str, &str)] = &[];

/// The embedded texts as shared strings, made once per process.
static TEXTS: LazyLock<Vec<(&'static str, Arc<str>)>> =
    LazyLock::new(|| FILES.iter().chain(NODE_FILES).map(|&(suffix, text)| (suffix, Arc::from(text))).collect());

/// The embedded text of the script deno_core would read from `path`: the entry whose suffix
/// ends the path after a `/`.
fn text_for(path: &str) -> Option<Arc<str>> {
    TEXTS.iter().find_map(|(suffix, text)| {
        let rest = path.strip_suffix(suffix)?;
        (rest.is_empty() || rest.ends_with('/')).then(|| text.clone())
    })
}

/// Replaces each script `ext` would read from disk by its embedded text. A script missing from
/// the table (a build defect, caught by the tests) becomes one that throws on evaluation, so no
/// file is ever opened.
pub fn embed(ext: &mut Extension) {
    for files in [&mut ext.js_files, &mut ext.esm_files, &mut ext.lazy_loaded_esm_files, &mut ext.lazy_loaded_js_files]
    {
        let on_disk =
            |file: &ExtensionFileSource| matches!(file.code, ExtensionFileSourceCode::LoadedFromFsDuringSnapshot(_));
        if !files.iter().any(on_disk) {
            continue;
        }
        for file in files.to_mut().iter_mut() {
            if let ExtensionFileSourceCode::LoadedFromFsDuringSnapshot(path) = file.code {
                let text = text_for(path).unwrap_or_else(|| {
                    Arc::from(format!(
                        "throw new Error({:?});",
                        format!("{} ({path}) is not embedded in this binary", file.specifier)
                    ))
                });
                *file = ExtensionFileSource::new_computed(file.specifier, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file list of every extension, with the list's name.
    fn file_lists(ext: &Extension) -> [(&'static str, &[ExtensionFileSource]); 4] {
        [
            ("js_files", &ext.js_files),
            ("esm_files", &ext.esm_files),
            ("lazy_loaded_esm_files", &ext.lazy_loaded_esm_files),
            ("lazy_loaded_js_files", &ext.lazy_loaded_js_files),
        ]
    }

    #[test]
    fn no_extension_file_is_read_from_disk() {
        let embedded = super::super::extensions(Vec::new());
        let recorded = super::super::extensions_as_declared();
        assert_eq!(embedded.len(), recorded.len());
        let mut checked = 0;
        let mut node_checked = 0;
        for (ext, declared) in embedded.iter().zip(&recorded) {
            for ((list, files), (_, declared_files)) in file_lists(ext).into_iter().zip(file_lists(declared)) {
                assert_eq!(files.len(), declared_files.len(), "{}.{list}", ext.name);
                for (file, declared_file) in files.iter().zip(declared_files) {
                    let ExtensionFileSourceCode::Computed(text) = &file.code else {
                        panic!("{}.{list}: {} is {:?}, not embedded", ext.name, file.specifier, file.code);
                    };
                    // The independent source: the file deno_core would have read.
                    let ExtensionFileSourceCode::LoadedFromFsDuringSnapshot(path) = declared_file.code else {
                        continue;
                    };
                    assert!(text_for(path).is_some(), "{}.{list}: {path} is not in the embedded table", ext.name);
                    if NODE_FILES.iter().any(|(suffix, _)| path.ends_with(suffix)) {
                        // Transpiled at build time: not the text on disk.
                        node_checked += 1;
                        continue;
                    }
                    let on_disk = std::fs::read_to_string(path).unwrap();
                    assert!(**text == *on_disk, "{}.{list}: {} differs from {path}", ext.name, file.specifier);
                    checked += 1;
                }
            }
        }
        // deno_webidl's one script, deno_web's 26, deno_crypto's one, and those of js_runtime/.
        let own = FILES.iter().filter(|(suffix, _)| suffix.contains("/js_runtime/")).count();
        assert_eq!(checked, 28 + own);
        // With the feature node-builtins, every script of the Node extensions is embedded.
        assert_eq!(node_checked > 0, cfg!(feature = "node-builtins"));
    }

    #[test]
    fn a_path_matches_only_a_whole_suffix() {
        let (suffix, _) = FILES.iter().find(|(s, _)| s.starts_with("deno_web-")).unwrap();
        assert!(text_for(&format!("/elsewhere/{suffix}")).is_some());
        assert!(text_for(suffix).is_some());
        assert!(text_for(&format!("/elsewhere/x{suffix}")).is_none());
        assert!(text_for("/elsewhere/deno_web/unknown.js").is_none());
    }
}
