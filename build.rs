//! Embeds every JavaScript file the engine loads, so the binary reads none at run time.
//!
//! deno_core's `extension!` records script files by their absolute path and reads them when an
//! isolate starts (or, for lazily loaded ones, later). This script writes
//! `$OUT_DIR/embedded_js.rs`: a table of `include_str!` of the engine's own `.js` files (the top of
//! `js_runtime/`) and of those of the deno_web, deno_webidl and deno_crypto packages, found in cargo's registry
//! at the versions Cargo.lock pins; `src/engine/extension/embedded_js.rs` puts that text in place
//! of the paths. It also writes one table per folder of Auth0 scripts (`js_runtime/actions/` →
//! `actions_js.rs`, `js_runtime/rules/` → `rules_js.rs`) of `(module specifier, text)`, from which
//! `src/actions/extension.rs` and `src/rules/extension.rs` build their extensions: a file added
//! to those folders is registered without being listed anywhere.
//!
//! It also writes `fetch_js.rs`: `(module specifier, text)` of the deno_fetch scripts that give
//! `Headers`, `FormData`, `Request` and `Response` (`FETCH_SCRIPTS`, from the deno_fetch package
//! at its locked version) and of the stand-ins in `js_runtime/fetch/` (same specifier scheme,
//! `ext:deno_fetch/<file>`), for `src/engine/extension/fetch.rs`.
//!
//! It also sets `ACTIONHOST_ENGINE` (`deno_core 0.413.0, QuickJS backend`) for `--version`: the
//! deno_core version Cargo.lock pins and the backend the enabled features select.
//!
//! It also reruns the build when a file of `js_runtime/` is added or changed.
//!
//! With the feature `node-builtins`, `build/node_polyfills.rs` also transpiles Deno's Node layer
//! and writes `node_js.rs` (the polyfills and the scripts of the extensions they need), and the
//! modules of `js_runtime/node/` are listed in `node_runtime_js.rs`.

#[cfg(feature = "node-builtins")]
#[path = "build/node_polyfills.rs"]
mod node_polyfills;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The packages whose extensions read their scripts from their own source folder.
const PACKAGES: [&str; 3] = ["deno_webidl", "deno_web", "deno_crypto"];

fn main() {
    println!("cargo:rerun-if-changed=js_runtime");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    if let Err(message) = generate() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

/// One embedded file: the end of the path deno_core records for it (`<folder>/<relative path>`,
/// the folder being the package's) and where it is now.
struct Embedded {
    suffix: String,
    path: PathBuf,
}

fn generate() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let lock_path = find_lock(&manifest_dir)?;
    println!("cargo:rerun-if-changed={}", lock_path.display());
    let lock = std::fs::read_to_string(&lock_path).map_err(|e| format!("{}: cannot read: {e}", lock_path.display()))?;
    let registry = cargo_home()?.join("registry").join("src");
    let deno_core = locked_version(&lock, &lock_path, "deno_core")?;
    // deno_core's own choice: QuickJS when its `quickjs` feature is on, V8 otherwise.
    let backend = if std::env::var_os("CARGO_FEATURE_QUICKJS").is_some() { "QuickJS" } else { "V8" };
    // With the feature node-builtins, `--version` names the Node layer too (tests/js read it).
    let node = match std::env::var_os("CARGO_FEATURE_NODE_BUILTINS") {
        Some(_) => format!(", Node built-ins from deno_node {}", locked_version(&lock, &lock_path, "deno_node")?),
        None => String::new(),
    };
    println!("cargo:rustc-env=ACTIONHOST_ENGINE=deno_core {deno_core}, {backend} backend{node}");

    let mut files = Vec::new();
    for name in PACKAGES {
        let version = locked_version(&lock, &lock_path, name)?;
        let folder = package_folder(&registry, name, &version, &lock_path)?;
        let found = js_files(&folder, &folder, false, &format!("{name}-{version}"))?;
        if found.is_empty() {
            return Err(format!("{}: no .js file found for {name} {version}", folder.display()));
        }
        files.extend(found);
    }
    let own = manifest_dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{}: the crate's folder needs a UTF-8 name", manifest_dir.display()))?;
    files.extend(js_files(&manifest_dir.join("js_runtime"), &manifest_dir, false, own)?);
    write_table(&files, "embedded_js.rs")?;
    write_table(&fetch_scripts(&lock, &lock_path, &registry, &manifest_dir)?, "fetch_js.rs")?;

    for (folder, extension) in SCRIPT_FOLDERS {
        let root = manifest_dir.join("js_runtime").join(folder);
        let files = js_files(&root, &root, true, &format!("ext:{extension}"))?;
        write_table(&files, &format!("{folder}_js.rs"))?;
    }

    #[cfg(feature = "node-builtins")]
    {
        let out_dir = PathBuf::from(env("OUT_DIR")?);
        let files = node_polyfills::generate(&lock, &lock_path, &registry, &out_dir)?;
        write_table(&files, "node_js.rs")?;
        let root = manifest_dir.join("js_runtime").join("node");
        write_table(&js_files(&root, &root, true, "ext:actionhost_node")?, "node_runtime_js.rs")?;
    }
    Ok(())
}

/// The scripts of deno_fetch that `js_runtime/web_fetch.js` loads (not `26_fetch.js`, the network
/// fetch, nor `27_eventsource.js`); `22_http_client.js` is replaced by `js_runtime/fetch/`'s.
const FETCH_SCRIPTS: [&str; 5] = ["20_headers.js", "21_formdata.js", "22_body.js", "23_request.js", "23_response.js"];

/// The `fetch_js.rs` table: deno_fetch's scripts of `FETCH_SCRIPTS` and the stand-ins of
/// `js_runtime/fetch/`, each under its `ext:deno_fetch/` specifier.
fn fetch_scripts(lock: &str, lock_path: &Path, registry: &Path, manifest_dir: &Path) -> Result<Vec<Embedded>, String> {
    let version = locked_version(lock, lock_path, "deno_fetch")?;
    let folder = package_folder(registry, "deno_fetch", &version, lock_path)?;
    let mut files = Vec::new();
    for name in FETCH_SCRIPTS {
        let path = folder.join(name);
        if !path.is_file() {
            return Err(format!("{}: missing from deno_fetch {version}", path.display()));
        }
        files.push(Embedded { suffix: format!("ext:deno_fetch/{name}"), path });
    }
    let own = manifest_dir.join("js_runtime").join("fetch");
    files.extend(js_files(&own, &own, false, "ext:deno_fetch")?);
    Ok(files)
}

/// Folders of `js_runtime/` holding Auth0 scripts, and the extension each becomes.
const SCRIPT_FOLDERS: [(&str, &str); 2] = [("actions", "actionhost_actions"), ("rules", "actionhost_rules")];

/// Writes `$OUT_DIR/<name>`: `&[(key, include_str!(path)), …]`.
fn write_table(files: &[Embedded], name: &str) -> Result<(), String> {
    let mut out = String::from("&[\n");
    for file in files {
        let path = file.path.to_str().ok_or_else(|| format!("{}: not UTF-8", file.path.display()))?;
        writeln!(out, "    ({:?}, include_str!({path:?})),", file.suffix).unwrap();
    }
    out.push_str("]\n");
    let target = PathBuf::from(env("OUT_DIR")?).join(name);
    std::fs::write(&target, out).map_err(|e| format!("{}: cannot write: {e}", target.display()))
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("cargo did not set {name}"))
}

/// Cargo.lock of the crate, or of the workspace it belongs to.
fn find_lock(manifest_dir: &Path) -> Result<PathBuf, String> {
    manifest_dir
        .ancestors()
        .map(|dir| dir.join("Cargo.lock"))
        .find(|lock| lock.is_file())
        .ok_or_else(|| format!("no Cargo.lock in {} or above it", manifest_dir.display()))
}

/// `$CARGO_HOME`, by default `~/.cargo`.
fn cargo_home() -> Result<PathBuf, String> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").ok_or("neither CARGO_HOME nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cargo"))
}

/// The version Cargo.lock records for package `name`, which must come from a registry.
fn locked_version(lock: &str, lock_path: &Path, name: &str) -> Result<String, String> {
    let field = |block: &str, key: &str| {
        block.lines().find_map(|line| {
            let value = line.strip_prefix(key)?.trim_start().strip_prefix('=')?.trim();
            Some(value.trim_matches('"').to_owned())
        })
    };
    let entries: Vec<(String, Option<String>)> = lock
        .split("[[package]]")
        .filter(|block| field(block, "name").as_deref() == Some(name))
        .map(|block| (field(block, "version").unwrap_or_default(), field(block, "source")))
        .collect();
    match entries.as_slice() {
        [(version, Some(source))] if source.starts_with("registry+") || source.starts_with("sparse+") => {
            Ok(version.clone())
        }
        [(version, source)] => Err(format!(
            "{}: {name} {version} comes from {}; its JavaScript can be embedded only from a registry \
             package",
            lock_path.display(),
            source.as_deref().unwrap_or("a path"),
        )),
        [] => Err(format!("{}: no package {name}", lock_path.display())),
        _ => Err(format!("{}: more than one version of {name}", lock_path.display())),
    }
}

/// `<registry>/<index>/<name>-<version>`, where cargo unpacked the package.
fn package_folder(registry: &Path, name: &str, version: &str, lock_path: &Path) -> Result<PathBuf, String> {
    let folder_name = format!("{name}-{version}");
    let mut indexes: Vec<PathBuf> = std::fs::read_dir(registry)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    indexes.sort();
    indexes
        .into_iter()
        .map(|index| index.join(&folder_name))
        .find(|folder| folder.join("Cargo.toml").is_file())
        .ok_or_else(|| {
            format!(
                "{name} {version} (the version {} pins) is not in {}/*/{folder_name}; fetch the \
                 dependencies (`cargo fetch`) or set CARGO_HOME to the cargo home holding them",
                lock_path.display(),
                registry.display(),
            )
        })
}

/// The `.js` files of `dir` (and its subfolders when `recursive`), in a stable order, each with
/// the suffix `<prefix>/<path relative to root>`.
fn js_files(dir: &Path, root: &Path, recursive: bool, prefix: &str) -> Result<Vec<Embedded>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            if recursive {
                files.extend(js_files(&path, root, recursive, prefix)?);
            }
        } else if path.extension().is_some_and(|ext| ext == "js") {
            let relative = path.strip_prefix(root).expect("listed under its root");
            let relative: Vec<_> = relative.iter().map(|part| part.to_string_lossy()).collect();
            files.push(Embedded { suffix: format!("{prefix}/{}", relative.join("/")), path });
        }
    }
    Ok(files)
}
