// `require` for user scripts: Node's CommonJS loader over the packages the host serves (see
// src/engine/modules.rs). Each name is resolved by the host, which reads the file and sends its
// source once per worker and file version; the code compiled from it is kept here for the
// worker's life, and each execution makes its own module instances from it (a shared container
// keeps them, as it keeps the script's module), so nothing one execution does to a package
// reaches the next. Node's built-in modules come from js_runtime/node/ when the binary was built
// with them (feature `node-builtins`), loaded on the first `require` of one; otherwise requiring
// one fails, naming it.

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
  // A hashbang is only valid at the very start of a script, and the wrapper comes before it.
  const text = unmarked.startsWith("#!") ? `//${unmarked.slice(2)}` : unmarked;
  const wrapped = `() => (function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const [factory, failure] = evalContext(wrapped, `file://${encodeURI(path)}`);
  if (failure !== null) return { version, error: failure.thrown };
  return { version, factory };
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

/** `registry`: the execution's modules by file name (Node's `require.cache`); `parent`: the requiring module. */
function makeRequire(from, registry, parent) {
  function resolveFile(specifier) {
    if (typeof specifier !== "string") {
      throw new TypeError(`The "id" argument must be of type string. Received ${specifier === null ? "null" : typeof specifier}`);
    }
    if (specifier === "") {
      throw moduleError("ERR_INVALID_ARG_VALUE", "The argument 'id' must be a non-empty string. Received ''");
    }
    if (isBuiltin(specifier)) return { builtin: specifier };
    const answer = op_actionhost_require(from === null ? { specifier } : { from, specifier });
    if (answer.failed !== undefined) throw moduleError(answer.failed.code, answer.failed.message);
    return answer.found;
  }

  function require(specifier) {
    const found = resolveFile(specifier);
    if (found.builtin !== undefined) return builtin(found.builtin);
    const path = found.path;
    const kept = registry[path];
    if (kept !== undefined) {
      if (parent !== undefined && !parent.children.includes(kept)) parent.children.push(kept);
      return kept.exports;
    }
    const code = codeOf(found);
    const module = { id: path, path: dirname(path), filename: path, loaded: false, exports: {}, children: [], paths: [] };
    const moduleRequire = makeRequire(path, registry, module);
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
    return module.exports;
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
 * A script's `require`. `container`: the shared container the execution runs in, whose module
 * instances it keeps; without one, the execution's modules are its own.
 */
export function createRequire(container) {
  const registry = container === undefined ? { __proto__: null } : (container.packages ??= { __proto__: null });
  return makeRequire(null, registry, undefined);
}
