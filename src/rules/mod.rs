//! Legacy Auth0 Rules: the `user`, `context` and globals a rule receives and how its callback
//! reads as an outcome. The callback protocol itself lives in `js_runtime/rules/`.

mod extension;
pub mod rule;

pub(crate) use extension::extension;
