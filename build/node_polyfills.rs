//! Build step of the `node-builtins` feature: the JavaScript of Deno's Node layer, ready to embed.
//!
//! deno_node's polyfills are TypeScript (208 files) that deno_core would hand, at every isolate
//! creation, to an extension transpiler. This step does that work once, at build time: every
//! `.ts` / `.mts` / `.js` / `.mjs` file of `deno_node-<v>/polyfills/` (`.d.ts` excepted) is
//! transpiled with deno_ast (types stripped), the `__NODE_VERSION__` token deno_node's own
//! snapshot build replaces is replaced, and the free name `Deno` is bound inside the file (see
//! [`bind_deno`]); the result is written under `$OUT_DIR/node/` and listed in
//! `$OUT_DIR/node_js.rs` with the top-level scripts of the extensions deno_node needs (deno_io,
//! deno_fs, deno_os, deno_process, deno_net), for `src/engine/node/sources.rs` to put
//! in place of the paths deno_core records.

use std::path::{Path, PathBuf};

use super::{locked_version, package_folder, Embedded};

/// The Node version `process.version` reports: Auth0's runtime is Node 22.
const NODE_VERSION: &str = "22.12.0";

/// Packages whose top-level scripts the node extensions declare.
const PLAIN_PACKAGES: [&str; 5] = ["deno_io", "deno_fs", "deno_os", "deno_process", "deno_net"];

/// The name under which `src/engine/node/` hands the polyfills their `Deno` object.
const DENO_BINDING: &str = "__bootstrap.internals.actionhostDeno";

/// Transpiles and lists the files; returns the table's entries.
pub fn generate(lock: &str, lock_path: &Path, registry: &Path, out_dir: &Path) -> Result<Vec<Embedded>, String> {
    let mut files = Vec::new();
    let version = locked_version(lock, lock_path, "deno_node")?;
    let folder = package_folder(registry, "deno_node", &version, lock_path)?;
    let polyfills = folder.join("polyfills");
    let target_root = out_dir.join("node");
    let mut sources = Vec::new();
    list(&polyfills, &mut sources)?;
    for path in sources {
        let relative = path.strip_prefix(&polyfills).expect("listed under its root");
        let relative = relative.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let js =
            if relative.ends_with(".ts") || relative.ends_with(".mts") { transpile(&relative, text)? } else { text };
        let js = bind_deno(&js.replace("__NODE_VERSION__", NODE_VERSION));
        let target = target_root.join(&relative);
        std::fs::create_dir_all(target.parent().expect("a file has a folder"))
            .map_err(|e| format!("{}: cannot create: {e}", target.display()))?;
        write_if_changed(&target, &js)?;
        files.push(Embedded { suffix: format!("deno_node-{version}/polyfills/{relative}"), path: target });
    }
    for name in PLAIN_PACKAGES {
        let version = locked_version(lock, lock_path, name)?;
        let folder = package_folder(registry, name, &version, lock_path)?;
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("{}: cannot list: {e}", folder.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|ext| ext == "js"))
            .collect();
        entries.sort();
        for path in entries {
            let file = path.file_name().expect("a file").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            let target = target_root.join(format!("{name}-{version}")).join(&file);
            std::fs::create_dir_all(target.parent().expect("a file has a folder"))
                .map_err(|e| format!("{}: cannot create: {e}", target.display()))?;
            write_if_changed(&target, &bind_deno(&text))?;
            files.push(Embedded { suffix: format!("{name}-{version}/{file}"), path: target });
        }
    }
    Ok(files)
}

/// Every script file under `dir`, in a stable order.
fn list(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: cannot list: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().expect("a listed entry").to_string_lossy();
        if path.is_dir() {
            list(&path, found)?;
        } else if !name.ends_with(".d.ts") && [".ts", ".mts", ".js", ".mjs"].iter().any(|ext| name.ends_with(ext)) {
            found.push(path);
        }
    }
    Ok(())
}

fn write_if_changed(target: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(target).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(target, text).map_err(|e| format!("{}: cannot write: {e}", target.display()))
}

/// TypeScript → JavaScript (types removed, imports used only as types removed).
fn transpile(relative: &str, text: String) -> Result<String, String> {
    let specifier = deno_ast::ModuleSpecifier::parse(&format!("ext:deno_node/{relative}"))
        .map_err(|e| format!("{relative}: {e}"))?;
    let media_type =
        if relative.ends_with(".mts") { deno_ast::MediaType::Mts } else { deno_ast::MediaType::TypeScript };
    let parsed = deno_ast::parse_module(deno_ast::ParseParams {
        specifier,
        text: text.into(),
        media_type,
        capture_tokens: false,
        scope_analysis: false,
        maybe_syntax: None,
    })
    .map_err(|e| format!("{relative}: {e}"))?;
    let emitted = parsed
        .transpile(
            &deno_ast::TranspileOptions {
                imports_not_used_as_values: deno_ast::ImportsNotUsedAsValues::Remove,
                ..Default::default()
            },
            &deno_ast::TranspileModuleOptions::default(),
            &deno_ast::EmitOptions { source_map: deno_ast::SourceMapOption::None, ..Default::default() },
        )
        .map_err(|e| format!("{relative}: {e}"))?;
    Ok(emitted.into_source().text)
}

/// The polyfills call a global `Deno` (`Deno.build`, `Deno.env`, `Deno.errors` …), which scripts
/// must not see (packages test `typeof Deno` to pick their platform). A file that names it gets
/// a binding of its own to the object `src/engine/node/` makes: a lazily loaded script (an
/// `(function () { … })` evaluated with the `__bootstrap` parameter) gets a `const Deno` at the
/// top of that function; a module imports deno_core's `internals` on its first line. Line
/// numbers stay as they were.
fn bind_deno(js: &str) -> String {
    if !mentions_deno(js) {
        return js.to_owned();
    }
    if let Some(start) = script_body_start(js) {
        return format!("{} const Deno = {DENO_BINDING};{}", &js[..start], &js[start..]);
    }
    format!(
        "import {{ internals as __actionhostInternals }} from \"ext:core/mod.js\"; const Deno = \
         __actionhostInternals.actionhostDeno; {js}"
    )
}

fn mentions_deno(js: &str) -> bool {
    let bytes = js.as_bytes();
    js.match_indices("Deno").any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + 4).copied();
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        !before.is_some_and(|b| ident(b) || b == b'.') && !after.is_some_and(ident)
    })
}

/// Where the body of a lazily loaded script's `(function () {` starts (just after its `{`), or
/// None when the file is a module.
fn script_body_start(js: &str) -> Option<usize> {
    let mut rest = js;
    loop {
        let trimmed = rest.trim_start();
        if let Some(after) = trimmed.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i + 1..]);
        } else if let Some(after) = trimmed.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else if trimmed.starts_with("\"use strict\";") || trimmed.starts_with("'use strict';") {
            rest = &trimmed[13..];
        } else if trimmed.starts_with("(function") {
            let offset = js.len() - trimmed.len();
            return trimmed.find('{').map(|i| offset + i + 1);
        } else {
            return None;
        }
    }
}
