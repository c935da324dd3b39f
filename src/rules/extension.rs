//! The `actionhost_rules` extension: every module of `js_runtime/rules/` (embedded by
//! `build.rs`), whose entry `register.js` registers the `rule` runner.

/// `(module specifier, text)` of each file of `js_runtime/rules/`.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rules_js.rs"));

/// The extension, for the engine's isolates.
pub(crate) fn extension() -> deno_core::Extension {
    crate::engine::script_extension("actionhost_rules", FILES, "ext:actionhost_rules/register.js")
}
