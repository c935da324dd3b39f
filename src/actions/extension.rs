//! The `actionhost_actions` extension: every module of `js_runtime/actions/` (embedded by
//! `build.rs`), whose entry `register.js` registers one runner per trigger of `triggers.js`.

/// `(module specifier, text)` of each file of `js_runtime/actions/`.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/actions_js.rs"));

/// The extension, for the engine's isolates.
pub(crate) fn extension() -> deno_core::Extension {
    crate::engine::script_extension("actionhost_actions", FILES, "ext:actionhost_actions/register.js")
}
