//! The isolate's module loader when the Node layer is built in. deno_node registers every
//! `node:` module as a lazily loaded one, and deno_core answers a dynamic `import("node:fs")` from
//! that registry once the specifier resolves; a script would then reach the modules outside
//! `require` (outside what `js_runtime/node/state.js` restores, before the polyfills' set-up).
//! This loader refuses every dynamic import whose importer is not one of the engine's own
//! modules (`ext:` or `node:`), as the default loader refuses to load any file.

use deno_core::{
    resolve_import, ModuleLoadOptions, ModuleLoadReferrer, ModuleLoadResponse, ModuleLoader, ModuleResolveResponse,
    ModuleSpecifier, ResolutionKind,
};
use deno_error::JsErrorBox;

/// Resolves as deno_core's `NoopModuleLoader`, but refuses scripts' dynamic imports.
pub struct EngineModulesOnly;

impl ModuleLoader for EngineModulesOnly {
    fn resolve(&self, specifier: &str, referrer: &str, kind: ResolutionKind) -> ModuleResolveResponse {
        let internal = referrer.starts_with("ext:") || referrer.starts_with("node:");
        if matches!(kind, ResolutionKind::DynamicImport) && !internal {
            return Err(JsErrorBox::type_error(format!(
                "Cannot import '{specifier}': scripts load modules with require"
            )));
        }
        resolve_import(specifier, referrer).map_err(JsErrorBox::from_err)
    }

    fn load(
        &self,
        _specifier: &ModuleSpecifier,
        _referrer: Option<&ModuleLoadReferrer>,
        _options: ModuleLoadOptions,
    ) -> ModuleLoadResponse {
        ModuleLoadResponse::Sync(Err(JsErrorBox::generic("Module loading is not supported.")))
    }
}
