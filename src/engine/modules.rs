//! Packages for scripts: the supervisor's side of `require`. A worker has no file system (its
//! sandbox refuses every `open`), so when a script requires a package the worker asks its
//! supervisor, which resolves the name the way Node does (with `oxc_resolver`), reads the file
//! and sends its source back (only once per worker and file version: the worker keeps the code
//! it compiled).
//!
//! What may be read is narrow: a file is served only if its real path (symlinks followed) lies
//! inside a `node_modules` folder next to or above the script's folder, or inside one of the
//! package folders the job names (the tenant's package cache), and only JavaScript (CommonJS)
//! and JSON; an ES module is sent as it is, for the worker to turn into CommonJS
//! ([`super::esm`], Node 22's `require(esm)`), and what it imports is resolved with Node's
//! `import` conditions. A script itself may only require packages: Auth0 runs each script as a
//! single file, so `./x` or `/x` from the script fails as it would there.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use oxc_resolver::{ModuleType, ResolveError, ResolveOptions, Resolver};
use serde::{Deserialize, Serialize};

/// Node 22's built-in modules (`require('module').builtinModules` without the internal ones);
/// `js_runtime/require.js` has the same list.
pub const NODE_BUILTINS: [&str; 54] = [
    "assert",
    "assert/strict",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "dns/promises",
    "domain",
    "events",
    "fs",
    "fs/promises",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "path/posix",
    "path/win32",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "readline/promises",
    "repl",
    "stream",
    "stream/consumers",
    "stream/promises",
    "stream/web",
    "string_decoder",
    "sys",
    "timers",
    "timers/promises",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "util/types",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
    "inspector/promises",
];

/// Whether `require(specifier)` names one of Node's built-in modules (`x` or `node:x`).
pub fn is_node_builtin(specifier: &str) -> bool {
    specifier.starts_with("node:") || NODE_BUILTINS.contains(&specifier)
}

/// The largest package file served, in bytes.
pub const MAX_MODULE_BYTES: u64 = 16 * 1024 * 1024;

/// Where a job's `require` may find packages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleScope {
    /// The script's folder: bare names are looked up in `node_modules` folders from here upward.
    pub search_from: PathBuf,
    /// Package folders by the name a script requires (`lodash`, or `axios@0.21.1` as Auth0's
    /// Rules write it): the name resolves inside that folder's `node_modules` first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub packages: BTreeMap<String, PathBuf>,
    /// Said after "Cannot find module …" when a package is found nowhere (which command installs it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_hint: Option<String>,
}

/// A worker's question: resolve `specifier` as required from `from` (a file the supervisor
/// served before), or from the script itself when `from` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub specifier: String,
    /// An ES module's `import` (of the file `from`): resolved with Node's `import` conditions,
    /// and a relative path must name the file whole, as Node's ES module resolver wants.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub import: bool,
}

/// How a served file is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleFormat {
    /// A CommonJS module.
    Commonjs,
    /// A JSON file (its parsed value is the module's exports).
    Json,
    /// An ES module: the worker runs the CommonJS text [`super::esm`] makes of it, whose
    /// `exports` carry `__esModule` and whose `require` calls are its imports.
    Esm,
}

/// The supervisor's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleAnswer {
    /// The file `path` (its real path). `version` changes whenever the file does; `source` is
    /// absent when this worker was already sent this version.
    Found {
        path: String,
        format: ModuleFormat,
        version: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// Why the module cannot be loaded, with Node's error code (`MODULE_NOT_FOUND`,
    /// `ERR_REQUIRE_ASYNC_MODULE`).
    Failed { code: String, message: String },
    /// The file is not valid JavaScript: thrown as a `SyntaxError` (Node gives it no code);
    /// the message names the file, line and column.
    Syntax { message: String },
}

impl ModuleAnswer {
    fn failed(code: &str, message: String) -> ModuleAnswer {
        ModuleAnswer::Failed { code: code.to_owned(), message }
    }

    /// Node's `MODULE_NOT_FOUND` for `specifier`, with `why` after it when there is one.
    pub fn not_found(specifier: &str, why: Option<&str>) -> ModuleAnswer {
        let why = why.map(|why| format!(": {why}")).unwrap_or_default();
        ModuleAnswer::failed("MODULE_NOT_FOUND", format!("Cannot find module '{specifier}'{why}"))
    }
}

/// Something that answers a worker's module requests (the worker's pipe to its supervisor).
pub trait ModuleSource {
    fn request(&self, request: ModuleRequest) -> ModuleAnswer;
}

/// Resolves and reads modules for the supervisor's workers. One per supervisor: its resolver
/// caches what it reads of the disk, and is cleared when a job starts, so a package installed
/// or edited between two jobs is seen by the second.
pub struct ModuleBroker {
    resolver: Resolver,
    /// The same, for ES modules' imports.
    importer: Resolver,
}

impl Default for ModuleBroker {
    fn default() -> Self {
        ModuleBroker::new()
    }
}

impl ModuleBroker {
    pub fn new() -> ModuleBroker {
        let options = ResolveOptions {
            // `require` under Node 22: CommonJS conditions; `.node` add-ons cannot run here.
            condition_names: vec!["node".into(), "require".into()],
            extensions: vec![".js".into(), ".json".into()],
            node_path: false,
            module_type: true,
            builtin_modules: false,
            ..ResolveOptions::default()
        };
        let resolver = Resolver::new(options);
        let importer = resolver.clone_with_options(ResolveOptions {
            // An ES module's `import` under Node 22: import conditions, relative paths whole.
            condition_names: vec!["node".into(), "import".into()],
            fully_specified: true,
            ..resolver.options().clone()
        });
        ModuleBroker { resolver, importer }
    }

    /// Forgets what was read of the disk (called when a job starts).
    pub fn forget(&self) {
        self.resolver.clear_cache();
        self.importer.clear_cache();
    }

    /// Answers one request of a job with `scope`, whose [`allowed_roots`] are `roots` (found
    /// once per job); `sent` is what this worker already has (real path → version), updated
    /// when a source is sent.
    pub fn answer(
        &self,
        scope: &ModuleScope,
        roots: &[PathBuf],
        sent: &mut HashMap<PathBuf, String>,
        request: &ModuleRequest,
    ) -> ModuleAnswer {
        let specifier = request.specifier.as_str();
        // Node's message: the name, then the require stack; then how to install what is missing.
        let requirer = request.from.as_deref().unwrap_or("the script");
        let not_found = || {
            let hint = scope.missing_hint.as_deref().map(|hint| format!("\n({hint})")).unwrap_or_default();
            ModuleAnswer::failed(
                "MODULE_NOT_FOUND",
                format!("Cannot find module '{specifier}'\nRequire stack:\n- {requirer}{hint}"),
            )
        };
        let resolved = match &request.from {
            None => {
                if is_path_specifier(specifier) {
                    return ModuleAnswer::failed(
                        "MODULE_NOT_FOUND",
                        format!(
                            "Cannot find module '{specifier}': a script runs as a single file, as on Auth0, \
                             so it can require packages but not files"
                        ),
                    );
                }
                match self.resolve_for_script(scope, specifier) {
                    Ok(path) => path,
                    Err(Some(error)) => return resolve_failure(specifier, error, not_found),
                    Err(None) => return not_found(),
                }
            }
            Some(from) => {
                // The asking module must be one this broker may serve (its real path, so `..`
                // and links cannot dress up another), so a worker cannot start a lookup anywhere else.
                let real = std::fs::canonicalize(from).ok().filter(|real| inside_roots(real, roots));
                let Some(from) = real else {
                    return ModuleAnswer::failed(
                        "ERR_ACCESS_DENIED",
                        format!("'{from}' is not a package file actionhost serves"),
                    );
                };
                let Some(directory) = from.parent() else { return not_found() };
                let resolver = if request.import { &self.importer } else { &self.resolver };
                match resolver.resolve(directory, specifier) {
                    Ok(resolution) => (resolution.path().to_path_buf(), resolution.module_type()),
                    Err(error) => return resolve_failure(specifier, error, not_found),
                }
            }
        };
        self.serve(resolved, roots, sent, specifier)
    }

    /// A script's bare `require`: the job's named package folder first, then Node's search
    /// from the script's folder. `Err(None)`: found nowhere.
    fn resolve_for_script(
        &self,
        scope: &ModuleScope,
        specifier: &str,
    ) -> Result<(PathBuf, Option<ModuleType>), Option<ResolveError>> {
        let (package, rest) = split_versioned(specifier);
        let name = package_name(package);
        if let Some(folder) = scope.packages.get(package) {
            match self.resolver.resolve(folder, &format!("{name}{rest}")) {
                Ok(resolution) => return Ok((resolution.path().to_path_buf(), resolution.module_type())),
                Err(ResolveError::NotFound(_)) => {}
                Err(error) => return Err(Some(error)),
            }
        }
        if name != package {
            // `name@version` that the cache does not hold: Node has no such package either.
            return Err(None);
        }
        match self.resolver.resolve(&scope.search_from, specifier) {
            Ok(resolution) => Ok((resolution.path().to_path_buf(), resolution.module_type())),
            Err(ResolveError::NotFound(_)) => Err(None),
            Err(error) => Err(Some(error)),
        }
    }

    fn serve(
        &self,
        (path, module_type): (PathBuf, Option<ModuleType>),
        roots: &[PathBuf],
        sent: &mut HashMap<PathBuf, String>,
        specifier: &str,
    ) -> ModuleAnswer {
        let Ok(real) = std::fs::canonicalize(&path) else {
            return ModuleAnswer::not_found(specifier, None);
        };
        if !inside_roots(&real, roots) {
            return ModuleAnswer::failed(
                "ERR_ACCESS_DENIED",
                format!(
                    "'{specifier}' resolves to {}, outside every node_modules folder a script may read",
                    real.display()
                ),
            );
        }
        let format = match real.extension().and_then(|e| e.to_str()) {
            Some("json") => ModuleFormat::Json,
            Some("mjs") => ModuleFormat::Esm,
            Some("js") if module_type == Some(ModuleType::Module) => ModuleFormat::Esm,
            Some("node") => {
                return ModuleAnswer::failed(
                    "ERR_DLOPEN_FAILED",
                    format!("'{specifier}' is a native add-on ({}); scripts cannot load native code", real.display()),
                )
            }
            // Node loads every other extension as CommonJS.
            _ => ModuleFormat::Commonjs,
        };
        let metadata = match std::fs::metadata(&real) {
            Ok(metadata) if metadata.len() <= MAX_MODULE_BYTES => metadata,
            Ok(metadata) => {
                return ModuleAnswer::failed(
                    "ERR_FS_FILE_TOO_LARGE",
                    format!(
                        "{} is {} bytes; actionhost loads files of at most {MAX_MODULE_BYTES}",
                        real.display(),
                        metadata.len()
                    ),
                )
            }
            Err(error) => return ModuleAnswer::failed("MODULE_NOT_FOUND", format!("{}: {error}", real.display())),
        };
        let version = file_version(&metadata);
        let source = if sent.get(&real) == Some(&version) {
            None
        } else {
            match std::fs::read(&real).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    sent.insert(real.clone(), version.clone());
                    Some(text)
                }
                Ok(Err(_)) => {
                    return ModuleAnswer::failed("ERR_INVALID_CHAR", format!("{} is not UTF-8 text", real.display()))
                }
                Err(error) => return ModuleAnswer::failed("MODULE_NOT_FOUND", format!("{}: {error}", real.display())),
            }
        };
        ModuleAnswer::Found { path: real.display().to_string(), format, version, source }
    }
}

/// A resolver failure as Node reports it: an unexported subpath with Node's code, the rest as not found.
fn resolve_failure(specifier: &str, error: ResolveError, not_found: impl Fn() -> ModuleAnswer) -> ModuleAnswer {
    match error {
        ResolveError::PackagePathNotExported { subpath, package_json_path, .. } => ModuleAnswer::failed(
            "ERR_PACKAGE_PATH_NOT_EXPORTED",
            format!("Package subpath '{subpath}' is not defined by \"exports\" in {}", package_json_path.display()),
        ),
        ResolveError::NotFound(_) => not_found(),
        other => ModuleAnswer::not_found(specifier, Some(&other.to_string())),
    }
}

/// Whether `specifier` names a file rather than a package (`./x`, `../x`, `/x`).
fn is_path_specifier(specifier: &str) -> bool {
    specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier.starts_with('/')
        || specifier == "."
        || specifier == ".."
}

/// `axios@0.21.1/lib/x` → (`axios@0.21.1`, `/lib/x`); `@scope/name@1/x` → (`@scope/name@1`, `/x`).
pub fn split_versioned(specifier: &str) -> (&str, &str) {
    let segments = if specifier.starts_with('@') { 2 } else { 1 };
    let mut end = 0;
    for (index, segment) in specifier.split('/').enumerate() {
        if index == segments {
            break;
        }
        end += segment.len() + usize::from(index > 0);
    }
    specifier.split_at(end.min(specifier.len()))
}

/// `axios@0.21.1` → (`axios`, `0.21.1`); `@auth0/x@1` → (`@auth0/x`, `1`); `lodash` → (`lodash`, none).
pub fn split_version(package: &str) -> (&str, Option<&str>) {
    let from = usize::from(package.starts_with('@'));
    match package[from..].find('@') {
        Some(at) => (&package[..from + at], Some(&package[from + at + 1..])),
        None => (package, None),
    }
}

/// The package name of `name` or `name@version`.
fn package_name(package: &str) -> &str {
    split_version(package).0
}

/// The folders whose files may be served: every `node_modules` from the script's folder
/// upward and each named package folder's `node_modules`, as real paths.
pub fn allowed_roots(scope: &ModuleScope) -> Vec<PathBuf> {
    let upward = scope.search_from.ancestors().map(|folder| folder.join("node_modules"));
    let named = scope.packages.values().map(|folder| folder.join("node_modules"));
    upward.chain(named).filter_map(|folder| std::fs::canonicalize(folder).ok()).collect()
}

fn inside_roots(path: &Path, roots: &[PathBuf]) -> bool {
    roots.iter().any(|root| path.starts_with(root))
}

/// Changes whenever the file is replaced or written (inode, size, modification time).
fn file_version(metadata: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!("{}-{}-{}.{}", metadata.ino(), metadata.len(), metadata.mtime(), metadata.mtime_nsec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One request, with the scope's roots found as the supervisor finds them for a job.
    fn ask(
        broker: &ModuleBroker,
        scope: &ModuleScope,
        sent: &mut HashMap<PathBuf, String>,
        request: &ModuleRequest,
    ) -> ModuleAnswer {
        broker.answer(scope, &allowed_roots(scope), sent, request)
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A repository with a script folder and a package `pkg` (main `lib/main.js`, which requires `./util`).
    fn repository() -> (tempfile::TempDir, ModuleScope) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("node_modules/pkg/package.json"), r#"{"name":"pkg","main":"lib/main.js"}"#);
        write(&root.join("node_modules/pkg/lib/main.js"), "module.exports = require('./util');");
        write(&root.join("node_modules/pkg/lib/util.js"), "module.exports = 1;");
        write(&root.join("secret.js"), "secret");
        std::fs::create_dir_all(root.join("actions/gate")).unwrap();
        let scope = ModuleScope { search_from: root.join("actions/gate"), ..ModuleScope::default() };
        (dir, scope)
    }

    fn script_asks(specifier: &str) -> ModuleRequest {
        ModuleRequest { from: None, specifier: specifier.into(), import: false }
    }

    fn found_path(answer: &ModuleAnswer) -> &str {
        match answer {
            ModuleAnswer::Found { path, .. } => path,
            ModuleAnswer::Failed { message, .. } | ModuleAnswer::Syntax { message } => panic!("not found: {message}"),
        }
    }

    fn failure(answer: &ModuleAnswer) -> (String, String) {
        match answer {
            ModuleAnswer::Failed { code, message } => (code.clone(), message.clone()),
            ModuleAnswer::Found { path, .. } => panic!("served {path}"),
            ModuleAnswer::Syntax { message } => panic!("syntax error: {message}"),
        }
    }

    #[test]
    fn a_package_above_the_script_is_found_like_node_and_sent_once() {
        let (dir, scope) = repository();
        let broker = ModuleBroker::new();
        let mut sent = HashMap::new();
        let answer = ask(&broker, &scope, &mut sent, &script_asks("pkg"));
        let main = found_path(&answer).to_owned();
        assert!(main.ends_with("node_modules/pkg/lib/main.js"), "{main}");
        assert!(
            matches!(&answer, ModuleAnswer::Found { source: Some(s), format: ModuleFormat::Commonjs, .. } if s.contains("./util"))
        );
        // The package's own relative require resolves beside it.
        let util = ask(
            &broker,
            &scope,
            &mut sent,
            &ModuleRequest { from: Some(main.clone()), specifier: "./util".into(), import: false },
        );
        assert!(found_path(&util).ends_with("pkg/lib/util.js"));
        // The same version again: no source.
        let again = ask(&broker, &scope, &mut sent, &script_asks("pkg"));
        assert!(matches!(again, ModuleAnswer::Found { source: None, .. }));
        // Edited: sent again.
        write(&dir.path().join("node_modules/pkg/lib/main.js"), "module.exports = 2; // longer");
        broker.forget();
        let edited = ask(&broker, &scope, &mut sent, &script_asks("pkg"));
        assert!(matches!(edited, ModuleAnswer::Found { source: Some(s), .. } if s.contains("longer")));
        // JSON files are JSON.
        let json = ask(&broker, &scope, &mut sent, &script_asks("pkg/package.json"));
        assert!(matches!(json, ModuleAnswer::Found { format: ModuleFormat::Json, .. }));
    }

    #[test]
    fn nothing_outside_node_modules_is_served() {
        let (dir, scope) = repository();
        let broker = ModuleBroker::new();
        let mut sent = HashMap::new();
        // The script cannot require files (Auth0 scripts are single files).
        let (code, message) = failure(&ask(&broker, &scope, &mut sent, &script_asks("../../secret.js")));
        assert_eq!(code, "MODULE_NOT_FOUND");
        assert!(message.contains("single file"), "{message}");
        // A package file cannot reach out of node_modules.
        let main = dir.path().join("node_modules/pkg/lib/main.js").canonicalize().unwrap().display().to_string();
        let escape = ModuleRequest { from: Some(main.clone()), specifier: "../../../secret.js".into(), import: false };
        assert_eq!(failure(&ask(&broker, &scope, &mut sent, &escape)).0, "ERR_ACCESS_DENIED");
        // Nor through a symlink inside node_modules.
        std::os::unix::fs::symlink(dir.path().join("secret.js"), dir.path().join("node_modules/pkg/lib/link.js"))
            .unwrap();
        let link = ModuleRequest { from: Some(main), specifier: "./link".into(), import: false };
        assert_eq!(failure(&ask(&broker, &scope, &mut sent, &link)).0, "ERR_ACCESS_DENIED");
        // A lookup cannot start from a file the broker would not serve.
        let outside = ModuleRequest {
            from: Some(dir.path().join("secret.js").display().to_string()),
            specifier: "./node_modules/pkg".into(),
            import: false,
        };
        assert_eq!(failure(&ask(&broker, &scope, &mut sent, &outside)).0, "ERR_ACCESS_DENIED");
        // Nor from a path that only looks inside (`..` back out of node_modules): not even
        // whether a file exists there is told.
        let dressed = ModuleRequest {
            from: Some(dir.path().join("node_modules/../secret.js").display().to_string()),
            specifier: "./no-such-file".into(),
            import: false,
        };
        assert_eq!(failure(&ask(&broker, &scope, &mut sent, &dressed)).0, "ERR_ACCESS_DENIED");
        assert!(sent.is_empty(), "nothing was sent: {sent:?}");
    }

    #[test]
    fn named_package_folders_hold_versioned_names_and_missing_ones_say_how_to_install() {
        let (dir, mut scope) = repository();
        let cache = dir.path().join(".actionhost/packages/pkg@1.0.0");
        write(&cache.join("node_modules/pkg/package.json"), r#"{"name":"pkg","version":"1.0.0"}"#);
        write(&cache.join("node_modules/pkg/index.js"), "module.exports = 'cached';");
        scope.packages.insert("pkg@1.0.0".into(), cache.clone());
        scope.missing_hint = Some("run `actionhost deps install`".into());
        let broker = ModuleBroker::new();
        let mut sent = HashMap::new();
        let versioned = ask(&broker, &scope, &mut sent, &script_asks("pkg@1.0.0"));
        assert!(found_path(&versioned).contains(".actionhost/packages/pkg@1.0.0/node_modules/pkg/index.js"));
        // The bare name still finds the repository's node_modules.
        assert!(found_path(&ask(&broker, &scope, &mut sent, &script_asks("pkg"))).ends_with("pkg/lib/main.js"));
        // A version the cache lacks is not silently replaced by another.
        let (code, message) = failure(&ask(&broker, &scope, &mut sent, &script_asks("pkg@2.0.0")));
        assert_eq!(code, "MODULE_NOT_FOUND");
        assert_eq!(
            message,
            "Cannot find module 'pkg@2.0.0'\nRequire stack:\n- the script\n(run `actionhost deps install`)"
        );
        // A declared name maps to its folder ahead of the search.
        scope.packages.insert("pkg".into(), cache);
        assert!(found_path(&ask(&broker, &scope, &mut sent, &script_asks("pkg")))
            .ends_with("pkg@1.0.0/node_modules/pkg/index.js"));
    }

    #[test]
    fn es_modules_are_sent_as_such_and_native_add_ons_refused_with_node_codes() {
        let (dir, scope) = repository();
        write(&dir.path().join("node_modules/esm/package.json"), r#"{"name":"esm","type":"module","main":"index.js"}"#);
        write(&dir.path().join("node_modules/esm/index.js"), "import './util.js';\nexport default 1;");
        write(&dir.path().join("node_modules/esm/util.js"), "export const util = 1;");
        write(&dir.path().join("node_modules/mjs/index.mjs"), "export const a = 1;");
        write(&dir.path().join("node_modules/addon/package.json"), r#"{"name":"addon","main":"build/a.node"}"#);
        write(&dir.path().join("node_modules/addon/build/a.node"), "\x7fELF");
        let broker = ModuleBroker::new();
        let mut sent = HashMap::new();
        let esm = ask(&broker, &scope, &mut sent, &script_asks("esm"));
        let ModuleAnswer::Found { format: ModuleFormat::Esm, source: Some(code), path, .. } = esm else {
            panic!("an ES module was not sent as one: {esm:?}")
        };
        assert_eq!(code, "import './util.js';\nexport default 1;");
        // Its imports: Node's ES module resolver wants relative paths whole.
        let import =
            |specifier: &str| ModuleRequest { from: Some(path.clone()), specifier: specifier.into(), import: true };
        assert!(found_path(&ask(&broker, &scope, &mut sent, &import("./util.js"))).ends_with("esm/util.js"));
        assert_eq!(failure(&ask(&broker, &scope, &mut sent, &import("./util"))).0, "MODULE_NOT_FOUND");
        let required = ModuleRequest { from: Some(path.clone()), specifier: "./util".into(), import: false };
        assert!(found_path(&ask(&broker, &scope, &mut sent, &required)).ends_with("esm/util.js"));
        // `.mjs` is an ES module wherever it is; a CommonJS package's `.js` is not.
        let mjs = ask(&broker, &scope, &mut sent, &script_asks("mjs/index.mjs"));
        assert!(matches!(mjs, ModuleAnswer::Found { format: ModuleFormat::Esm, .. }), "{mjs:?}");
        let cjs = ask(&broker, &scope, &mut sent, &script_asks("pkg"));
        assert!(matches!(cjs, ModuleAnswer::Found { format: ModuleFormat::Commonjs, .. }), "{cjs:?}");
        assert_eq!(failure(&ask(&broker, &scope, &mut sent, &script_asks("addon"))).0, "ERR_DLOPEN_FAILED");
    }

    #[test]
    fn imports_take_the_import_condition_and_requires_the_require_one() {
        let (dir, scope) = repository();
        let dual = r#"{"name":"dual","exports":{"import":"./i.mjs","require":"./r.js"}}"#;
        write(&dir.path().join("node_modules/dual/package.json"), dual);
        write(&dir.path().join("node_modules/dual/i.mjs"), "export default 'import';");
        write(&dir.path().join("node_modules/dual/r.js"), "module.exports = 'require';");
        let broker = ModuleBroker::new();
        let mut sent = HashMap::new();
        let main = dir.path().join("node_modules/pkg/lib/main.js").canonicalize().unwrap().display().to_string();
        let asks = |import| ModuleRequest { from: Some(main.clone()), specifier: "dual".into(), import };
        assert!(found_path(&ask(&broker, &scope, &mut sent, &asks(true))).ends_with("dual/i.mjs"));
        assert!(found_path(&ask(&broker, &scope, &mut sent, &asks(false))).ends_with("dual/r.js"));
        assert!(found_path(&ask(&broker, &scope, &mut sent, &script_asks("dual"))).ends_with("dual/r.js"));
    }

    #[test]
    fn the_javascript_loader_knows_the_same_built_in_modules() {
        let loader = include_str!("../../js_runtime/require.js");
        let start = loader.find("const BUILTINS = new Set([").expect("the list") + "const BUILTINS = new Set([".len();
        let list = &loader[start..start + loader[start..].find("]);").expect("its end")];
        let mut javascript: Vec<&str> =
            list.split(',').map(|name| name.trim().trim_matches('"')).filter(|n| !n.is_empty()).collect();
        javascript.sort_unstable();
        let mut rust = NODE_BUILTINS.to_vec();
        rust.sort_unstable();
        assert_eq!(javascript, rust);
        assert!(is_node_builtin("node:anything") && is_node_builtin("fs/promises") && !is_node_builtin("lodash"));
    }

    #[test]
    fn versioned_names_split_like_auth0_rules_write_them() {
        assert_eq!(split_versioned("axios@0.21.1"), ("axios@0.21.1", ""));
        assert_eq!(split_versioned("axios@0.21.1/lib/x"), ("axios@0.21.1", "/lib/x"));
        assert_eq!(split_versioned("@auth0/rule-utilities@0.2.0/x"), ("@auth0/rule-utilities@0.2.0", "/x"));
        assert_eq!(package_name("@auth0/rule-utilities@0.2.0"), "@auth0/rule-utilities");
        assert_eq!(package_name("axios@0.21.1"), "axios");
        assert_eq!(package_name("lodash"), "lodash");
    }
}
