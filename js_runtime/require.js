// `require` for user scripts: Node's CommonJS loader over the packages the host serves (see
// src/engine/modules.rs). Each name is resolved by the host, which reads the file and sends its
// source once per worker and file version; the code compiled from it is kept here for the
// worker's life, and each execution makes its own module instances from it (a shared container
// keeps them, as it keeps the script's module), so nothing one execution does to a package
// reaches the next. Node's built-in modules come from js_runtime/node/ when the binary was built
// with them (feature `node-builtins`), loaded on the first `require` of one; otherwise requiring
// one fails, naming it.
//
// ES modules follow Node 22's `require(esm)`: an ES module the host sends arrives here as the
// CommonJS text the worker made of it (src/engine/esm.rs), whose `require` calls are its
// imports. Requiring one gives its namespace (sorted, closed, `__esModule` when it has a default
// export, or its `"module.exports"` export); importing gives an ES module's exports, and anything
// else as Node imports CommonJS: `default` is the whole `module.exports`, its keys are the named
// exports.

import { core } from "ext:core/mod.js";
import { op_actionhost_has_node_builtins, op_actionhost_require } from "ext:core/ops";

const evalContext = core.evalContext;
const { parse } = JSON;

/** Compiled package files by real path: `{version, factory | json | error}`. */
const compiled = new Map();

/** Node 22's built-in modules (`require('module').builtinModules` without the internal ones);
 * src/engine/modules.rs has the same list. */
const BUILTINS = new Set([
  "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
  "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises",
  "http", "http2", "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32",
  "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises", "repl", "stream",
  "stream/consumers", "stream/promises", "stream/web", "string_decoder", "sys", "timers", "timers/promises",
  "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
  "inspector/promises",
]);

function isBuiltin(specifier) {
  return specifier.startsWith("node:") || BUILTINS.has(specifier);
}

/** `ext:actionhost_node/setup.js` once a built-in was required; null before. */
let nodeBuiltins = null;

/** Node's built-in module `specifier`, loaded on first use. */
function builtin(specifier) {
  if (nodeBuiltins === null) {
    if (!op_actionhost_has_node_builtins()) {
      throw moduleError(
        "MODULE_NOT_FOUND",
        `Cannot find module '${specifier}': this actionhost was built without Node's built-in modules (cargo feature node-builtins)`,
      );
    }
    nodeBuiltins = core.createLazyLoader("ext:actionhost_node/setup.js")();
  }
  return nodeBuiltins.load(specifier);
}

/** Node's globals that are built-in modules' objects: each loads its module on first use. */
const LAZY_GLOBALS = {
  Buffer: () => builtin("buffer").Buffer,
  process: () => builtin("process"),
};

/** Called by set-up before lockdown. */
export function prepareBuiltins() {
  if (!op_actionhost_has_node_builtins()) return;
  for (const [name, get] of Object.entries(LAZY_GLOBALS)) {
    Object.defineProperty(globalThis, name, { get, enumerable: false, configurable: true });
  }
}

/**
 * After an execution: puts back what it changed in the built-in modules. Returns why the
 * isolate cannot be reused, or null.
 */
export function restoreBuiltins() {
  return nodeBuiltins === null ? null : nodeBuiltins.restore();
}

function moduleError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

function dirname(path) {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/** Compiles one served file; a file that does not compile fails the same way every time. */
function compile(path, format, version, source) {
  // Node strips a byte order mark from both.
  const unmarked = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (format === "json") return { version, json: unmarked };
  const esm = format === "esm";
  // A hashbang is only valid at the very start of a script, and the wrapper comes before it.
  const text = unmarked.startsWith("#!") ? `//${unmarked.slice(2)}` : unmarked;
  const wrapped = `() => (function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const [factory, failure] = evalContext(wrapped, `file://${encodeURI(path)}`);
  if (failure !== null) return { version, error: failure.thrown };
  return { version, factory, esm };
}

/** The code of the answer's file, compiled once per version. */
function codeOf({ path, format, version, source }) {
  let code = compiled.get(path);
  if (code === undefined || code.version !== version) {
    if (source === undefined) {
      throw moduleError("MODULE_NOT_FOUND", `Cannot find module '${path}': its source was not sent`);
    }
    code = compile(path, format, version, source);
    compiled.set(path, code);
  }
  if (code.error !== undefined) throw code.error;
  return code;
}

const { create, defineProperty, keys, preventExtensions } = Object;
const { toStringTag } = Symbol;

/** Closes a namespace object the way an ES module namespace is closed. */
function closeNamespace(namespace) {
  defineProperty(namespace, toStringTag, { value: "Module" });
  return preventExtensions(namespace);
}

/** The ES modules among the loaded modules, with their namespace once `require` gave it. */
const esModules = new WeakMap();

/** What `require` gives for the ES module `module`: its namespace, as Node's `require(esm)`. */
function namespaceOf(module) {
  const given = esModules.get(module);
  if (given !== null) return given;
  const exports = module.exports;
  const names = keys(exports);
  if (names.includes("module.exports")) {
    esModules.set(module, exports["module.exports"]);
    return exports["module.exports"];
  }
  const namespace = create(null);
  // The CommonJS made of an ES module always marks its exports `__esModule` (not enumerable);
  // Node's namespace lists it only beside a default export.
  if (names.includes("default") && !names.includes("__esModule")) names.push("__esModule");
  for (const name of names.sort()) defineProperty(namespace, name, { get: () => exports[name], enumerable: true });
  esModules.set(module, closeNamespace(namespace));
  return namespace;
}

/**
 * What an ES module's `import` gives for CommonJS exports or a built-in module: a namespace whose
 * `default` is the whole value and whose other names are its keys, marked `__esModule` (not
 * enumerable) for the import code. One per value and execution (`views`).
 */
function importView(views, exports) {
  if ((typeof exports !== "object" && typeof exports !== "function") || exports === null) return exports;
  let view = views.get(exports);
  if (view !== undefined) return view;
  view = create(null);
  defineProperty(view, "__esModule", { value: true });
  const names = keys(exports).filter((name) => name !== "default" && name !== "__esModule");
  for (const name of [...names, "default"].sort()) {
    const get = name === "default" ? () => exports : () => exports[name];
    defineProperty(view, name, { get, enumerable: true });
  }
  closeNamespace(view);
  views.set(exports, view);
  return view;
}

/**
 * `loader`: the execution's (or shared container's) `registry` of modules by file name (Node's
 * `require.cache`), its import `views`, and its `resolutions`: what each name required from each
 * file resolved to, kept as Node keeps them, so that requiring a loaded module again asks the host
 * nothing. `from`: the requiring file, or null for the script; `script`: the script's file name
 * (a script's names resolve by its own folder and packages, and a container may hold several
 * scripts); `parent`: the requiring module; `importing`: whether this is an ES module's
 * `require` (its imports).
 */
function makeRequire(from, script, loader, parent, importing) {
  const { registry, views, resolutions } = loader;
  function resolveFile(specifier) {
    if (typeof specifier !== "string") {
      throw new TypeError(`The "id" argument must be of type string. Received ${specifier === null ? "null" : typeof specifier}`);
    }
    if (specifier === "") {
      throw moduleError("ERR_INVALID_ARG_VALUE", "The argument 'id' must be a non-empty string. Received ''");
    }
    if (isBuiltin(specifier)) return { builtin: specifier };
    const key = `${importing ? "import" : "require"}\0${from ?? `script:${script}`}\0${specifier}`;
    const known = resolutions.get(key);
    // A module taken out of `require.cache` is asked for again, as its file may have changed.
    if (known !== undefined && registry[known.path] !== undefined) return known;
    const request = { specifier };
    if (from !== null) request.from = from;
    if (importing) request.import = true;
    const answer = op_actionhost_require(request);
    if (answer.failed !== undefined) throw moduleError(answer.failed.code, answer.failed.message);
    if (answer.syntax !== undefined) throw new SyntaxError(answer.syntax.message);
    const { path, format, version } = answer.found;
    resolutions.set(key, { path, format, version });
    return answer.found;
  }

  /** What this `require` gives for a loaded module. */
  function exportsOf(module) {
    if (esModules.has(module)) return importing ? module.exports : namespaceOf(module);
    return importing ? importView(views, module.exports) : module.exports;
  }

  function require(specifier) {
    const found = resolveFile(specifier);
    if (found.builtin !== undefined) {
      const exports = builtin(found.builtin);
      return importing ? importView(views, exports) : exports;
    }
    const path = found.path;
    const kept = registry[path];
    if (kept !== undefined) {
      if (parent !== undefined && !parent.children.includes(kept)) parent.children.push(kept);
      return exportsOf(kept);
    }
    const code = codeOf(found);
    const module = { id: path, path: dirname(path), filename: path, loaded: false, exports: {}, children: [], paths: [] };
    if (code.esm) esModules.set(module, null);
    const moduleRequire = makeRequire(path, script, loader, module, code.esm === true);
    module.require = moduleRequire;
    registry[path] = module;
    parent?.children.push(module);
    try {
      if (code.json !== undefined) {
        module.exports = parse(code.json);
      } else {
        code.factory().call(module.exports, module.exports, moduleRequire, module, path, dirname(path));
      }
    } catch (error) {
      delete registry[path];
      if (parent !== undefined) parent.children.splice(parent.children.indexOf(module), 1);
      if (code.json !== undefined && error instanceof SyntaxError) error.message = `${path}: ${error.message}`;
      throw error;
    }
    module.loaded = true;
    return exportsOf(module);
  }
  const resolve = (specifier) => {
    const found = resolveFile(specifier);
    return found.builtin ?? found.path;
  };
  // Where the loader looks, as Node lists it; null for a built-in module.
  resolve.paths = (specifier) => (isBuiltin(String(specifier)) ? null : nodeModulesPaths(from));
  require.resolve = resolve;
  require.cache = registry;
  require.main = undefined;
  return require;
}

function nodeModulesPaths(from) {
  if (from === null) return [];
  const paths = [];
  for (let folder = dirname(from); ; folder = dirname(folder)) {
    if (!folder.endsWith("/node_modules")) paths.push(`${folder === "/" ? "" : folder}/node_modules`);
    if (folder === "/") return paths;
  }
}

/**
 * The `require` of the script `script` (its file name). `container`: the shared container the
 * execution runs in, whose module instances it keeps; without one, the execution's modules are
 * its own.
 */
export function createRequire(container, script) {
  const fresh = () => ({ registry: { __proto__: null }, views: new WeakMap(), resolutions: new Map() });
  const loader = container === undefined ? fresh() : (container.loader ??= fresh());
  return makeRequire(null, String(script), loader, undefined, false);
}
