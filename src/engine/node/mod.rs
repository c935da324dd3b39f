//! Node's built-in modules (`require('crypto')`, `node:buffer` …), from Deno's Node layer
//! deno_node, under the cargo feature `node-builtins`.
//!
//! The extensions are created with every isolate, but nothing of theirs runs then: all of their
//! scripts are lazily loaded ones (deno_core keeps their text and evaluates a module the first
//! time it is imported), transpiled at build time (`build/node_polyfills.rs`) and embedded
//! (`super::extension::embedded_js`). The first `require` of a built-in loads
//! `ext:actionhost_node/setup.js` (`js_runtime/node/`), which loads node:module and answers from
//! it. Underneath: permissions that deny everything (`permissions`), an allow-list of deno_node's
//! ops with every other op replaced by one that throws (`allow_list`), stub ops for the imports
//! of crates left out (`stubs`), a module loader that refuses scripts' dynamic imports
//! (`imports`), and the worker process's OS sandbox.

mod allow_list;
mod imports;
mod permissions;
mod stubs;

use std::borrow::Cow;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use deno_core::{Extension, ExtensionFileSource};
use sys_traits::impls::RealSys;

pub use imports::EngineModulesOnly;
use permissions::{NoNpmPackages, NoPackageFolders};

/// `(path inside js_runtime/node/, text)` of actionhost's own modules for the Node layer.
const OWN_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/node_runtime_js.rs"));

/// The text of `js_runtime/node/<name>`.
fn own(name: &str) -> Arc<str> {
    let key = format!("ext:actionhost_node/{name}");
    let (_, text) = OWN_FILES.iter().find(|(k, _)| *k == key).unwrap_or_else(|| panic!("{key} is embedded"));
    Arc::from(*text)
}

/// The extensions deno_node needs, then deno_node, then actionhost's `actionhost_node`, as
/// declared (scripts named by their path on the build machine; `embedded_js` replaces them).
pub fn extensions_as_declared() -> Vec<Extension> {
    let fs: deno_fs::FileSystemRc = Rc::new(deno_fs::RealFs);
    let mut extensions = vec![
        // No standard input, output or error: the worker's are the supervisor's pipes.
        deno_io::deno_io::init(None),
        deno_fs::deno_fs::init(fs.clone()),
        deno_os::deno_os::init(None),
        deno_process::deno_process::init(None),
        deno_net::deno_net::init(None, None),
        deno_node_crypto::deno_node_crypto::init(),
        deno_node::deno_node::init::<NoNpmPackages, NoPackageFolders, RealSys>(None, fs),
    ];
    extensions.push(actionhost_node(governed_ops(&extensions)));
    extensions
}

/// Names of the ops the allow-list governs: those of deno_node and of the extensions that
/// reach the system (deno_fs, deno_io, deno_os, deno_process, deno_net).
fn governed_ops(extensions: &[Extension]) -> HashSet<&'static str> {
    const GOVERNED: [&str; 6] = ["deno_node", "deno_fs", "deno_io", "deno_os", "deno_process", "deno_net"];
    extensions
        .iter()
        .filter(|ext| GOVERNED.contains(&ext.name))
        .flat_map(|ext| ext.ops.iter().map(|op| op.name))
        .collect()
}

#[cfg(test)]
fn governed_op_names() -> HashSet<&'static str> {
    governed_ops(&extensions_as_declared())
}

/// actionhost's extension over deno_node: the stub ops, the allow-list, deny-all permissions,
/// the stand-ins for deno_telemetry and deno_runtime modules the polyfills import, and
/// `ext:actionhost_node/setup.js`; all lazily loaded.
fn actionhost_node(governed: HashSet<&'static str>) -> Extension {
    let lazy_esm = vec![
        ExtensionFileSource::new_computed("ext:actionhost_node/setup.js", own("setup.js")),
        ExtensionFileSource::new_computed("ext:actionhost_node/state.js", own("state.js")),
        ExtensionFileSource::new_computed("ext:actionhost_node/http_mocks.js", own("http_mocks.js")),
        ExtensionFileSource::new_computed("ext:runtime/98_global_scope_shared.js", own("global_scope_shared.js")),
    ];
    let lazy_js = vec![
        ExtensionFileSource::new_computed("ext:deno_telemetry/telemetry.ts", own("telemetry.js")),
        ExtensionFileSource::new_computed("ext:deno_telemetry/util.ts", own("telemetry_util.js")),
    ];
    Extension {
        name: "actionhost_node",
        deps: &["deno_node"],
        ops: Cow::Owned(stubs::ops()),
        lazy_loaded_esm_files: Cow::Owned(lazy_esm),
        lazy_loaded_js_files: Cow::Owned(lazy_js),
        middleware_fn: Some(Box::new(allow_list::middleware(governed))),
        op_state_fn: Some(Box::new(|state: &mut deno_core::OpState| state.put(permissions::deny_all()))),
        ..Default::default()
    }
}
