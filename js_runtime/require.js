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

/** Node 22's built-in modules (`require('module').builtinModules`, without the internal ones). */
const BUILTINS = new Set([
  "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto",
  "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https",
  "inspector", "module", "net", "os", "path", "perf_hooks", "process", "punycode", "querystring",
  "readline", "repl", "stream", "string_decoder", "sys", "timers", "tls", "trace_events", "tty",
  "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib",
]);

function isBuiltin(specifier) {
  if (specifier.startsWith("node:")) return true;
  const slash = specifier.indexOf("/");
  return BUILTINS.has(slash === -1 ? specifier : specifier.slice(0, slash)) &&
    (slash === -1 || specifier.startsWith("assert/") || specifier.startsWith("dns/") ||
      specifier.startsWith("fs/") || specifier.startsWith("path/") || specifier.startsWith("stream/") ||
      specifier.startsWith("timers/") || specifier.startsWith("util/") || specifier.startsWith("readline/"));
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

/**
 * deno_web scripts the built-ins load that add to objects lockdown freezes (09_file.js adds
 * `URL.createObjectURL` / `revokeObjectURL`): evaluated at set-up, before lockdown, when the
 * binary has the built-ins.
 */
const PATCHING_SCRIPTS = ["ext:deno_web/09_file.js"];

/** Node's globals that are built-in modules' objects: each loads its module on first use. */
const LAZY_GLOBALS = {
  Buffer: () => builtin("buffer").Buffer,
  process: () => builtin("process"),
  setImmediate: () => builtin("timers").setImmediate,
  clearImmediate: () => builtin("timers").clearImmediate,
};

/** Called by set-up before lockdown. */
export function prepareBuiltins() {
  if (!op_actionhost_has_node_builtins()) return;
  for (const specifier of PATCHING_SCRIPTS) core.loadExtScript(specifier);
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
  if (format === "json") return { version, json: source };
  // A hashbang is only valid at the very start of a script, and the wrapper comes before it.
  const text = source.startsWith("#!") ? `//${source.slice(2)}` : source;
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

function makeRequire(from, registry) {
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
    const kept = registry.get(found.path);
    if (kept !== undefined) return kept.exports;
    const code = codeOf(found);
    const path = found.path;
    const module = { id: path, path: dirname(path), filename: path, loaded: false, exports: {}, children: [] };
    registry.set(path, module);
    try {
      if (code.json !== undefined) {
        module.exports = parse(code.json);
      } else {
        code.factory().call(module.exports, module.exports, makeRequire(path, registry), module, path, dirname(path));
      }
    } catch (error) {
      registry.delete(path);
      if (code.json !== undefined && error instanceof SyntaxError) error.message = `${path}: ${error.message}`;
      throw error;
    }
    module.loaded = true;
    return module.exports;
  }
  require.resolve = (specifier) => {
    const found = resolveFile(specifier);
    return found.builtin ?? found.path;
  };
  return require;
}

/**
 * A script's `require`. `container`: the shared container the execution runs in, whose module
 * instances it keeps; without one, the execution's modules are its own.
 */
export function createRequire(container) {
  const registry = container === undefined ? new Map() : (container.packages ??= new Map());
  return makeRequire(null, registry);
}
