// Node's built-in modules, from Deno's Node layer (deno_node), loaded on the first `require` of
// one (feature `node-builtins`; see src/engine/node/). Nothing here runs when an isolate starts:
// js_runtime/require.js loads this module the first time a script requires a built-in.
//
// It gives the polyfills what Deno's runtime would: a `Deno` object (bound inside each polyfill
// file at build time, never a global, so scripts and packages do not see it), deno_core's build
// information, the arguments of node:process's bootstrap, Deno's error classes. Everything the
// sandbox refuses fails like Node with a permission error: there is no file system, process,
// network or environment of the host.

import { core, internals } from "ext:core/mod.js";
import * as httpMocks from "ext:actionhost_node/http_mocks.js";
import * as state from "ext:actionhost_node/state.js";

const SANDBOX = "scripts have no file system, processes or network in actionhost";

/**
 * What a refused op (src/engine/node/allow_list.rs) or a denied permission throws: Node's shape
 * for an operation the system does not permit (`code` EPERM), saying why.
 */
class NotPermitted extends Error {
  constructor(message, options) {
    const detail = String(message ?? "").replace(/, run again with the --allow-\w+ flag$/, "");
    super(`EPERM: operation not permitted: ${SANDBOX}${detail.startsWith("this operation") ? "" : ` (${detail})`}`, options);
    this.code = "EPERM";
    this.errno = -1;
  }
}

// The error class of ops the allow-list refuses (src/engine/node/stubs.rs).
core.registerErrorClass("ActionhostNotPermitted", NotPermitted);

/** Deno's error classes (deno_runtime's 01_errors.js), registered for op errors. */
const errors = { __proto__: null };
for (const name of [
  "NotFound", "PermissionDenied", "ConnectionRefused", "ConnectionReset", "ConnectionAborted",
  "NotConnected", "AddrInUse", "AddrNotAvailable", "BrokenPipe", "AlreadyExists", "InvalidData",
  "TimedOut", "Interrupted", "WriteZero", "WouldBlock", "UnexpectedEof", "BadResource", "Http",
  "Busy", "NotSupported", "FilesystemLoop", "IsADirectory", "NetworkUnreachable", "NotADirectory",
  "NotCapable",
]) {
  const cls = { [name]: class extends Error {
    constructor(message, options) {
      super(message, options);
      this.name = name;
    }
  } }[name];
  errors[name] = cls;
  try {
    core.registerErrorClass(name, cls);
  } catch {
    // deno_core registered it already.
  }
}

function refused(what) {
  return () => {
    throw new NotPermitted(what);
  };
}

/** The execution's environment: empty at the start of every execution (`reset`). */
const env = new Map();

const Deno = {
  __proto__: null,
  args: [],
  version: { deno: "2.0.0", v8: "quickjs", typescript: "5.0.0" },
  build: { os: "linux", arch: "x86_64", target: "x86_64-unknown-linux-gnu", vendor: "unknown", env: "gnu" },
  pid: 1,
  ppid: 0,
  noColor: true,
  errors,
  mainModule: "file:///script.js",
  execPath: () => "/usr/local/bin/node",
  cwd: () => "/",
  hostname: () => "localhost",
  osRelease: () => "6.0.0",
  osUptime: () => 0,
  loadavg: () => [0, 0, 0],
  networkInterfaces: () => [],
  systemMemoryInfo: () => ({ total: 0, free: 0, available: 0, buffers: 0, cached: 0, swapTotal: 0, swapFree: 0 }),
  consoleSize: () => ({ columns: 80, rows: 24 }),
  uid: () => 0,
  gid: () => 0,
  memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0 }),
  env: {
    get: (key) => env.get(String(key)),
    has: (key) => env.has(String(key)),
    set: (key, value) => void env.set(String(key), String(value)),
    delete: (key) => void env.delete(String(key)),
    toObject: () => Object.fromEntries(env),
  },
  exit: refused("process.exit"),
  kill: refused("process.kill"),
  addSignalListener: refused("signal listeners"),
  removeSignalListener: refused("signal listeners"),
};
for (const name of [
  "statSync", "stat", "lstatSync", "lstat", "readDirSync", "readDir", "realPathSync", "realPath",
  "readLinkSync", "readLink", "removeSync", "remove", "renameSync", "rename", "chmodSync", "chmod",
  "copyFileSync", "copyFile", "symlinkSync", "symlink", "utimeSync", "utime", "watchFs",
  "readFileSync", "readFile", "readTextFileSync", "readTextFile", "writeFileSync", "writeFile",
  "openSync", "open", "mkdirSync", "mkdir", "makeTempDirSync", "makeTempDir", "resolveDns", "connect",
  "listen", "serve", "Command",
]) {
  Deno[name] = refused(`Deno.${name}`);
}

internals.actionhostDeno = Deno;
// What deno_runtime's 99_main.js stashes for node:process's deferred bootstrap.
internals.__nodeBootstrapArgs = {
  argv0: "node",
  denoArgs: [],
  denoVersion: {},
  nodeDebug: "",
  runningOnMainThread: true,
  usesLocalNodeModulesDir: true,
};
// Without it, os.arch() and process.arch throw "unreachable".
core.setBuildInfo("x86_64-unknown-linux-gnu");

// node:process's bootstrap binds Node's console to process.stdout / stderr. The scripts' console
// (js_runtime/console.js) records into the execution instead, and lockdown froze it: there is
// nothing to bind.
{
  const constructor = core.loadExtScript("ext:deno_node/internal/console/constructor.mjs");
  const bind = constructor.bindStreamsLazy;
  constructor.bindStreamsLazy = (target, process) => {
    if (!Object.isFrozen(target)) bind(target, process);
  };
}

const { getBuiltinModule } = core.createLazyLoader("node:module")();

/** The modules whose requests go through the agents of node:http and node:https (http_mocks.js). */
const HTTP_CLIENT_MODULES = new Set(["http", "https", "_http_agent", "_http_client"]);

/** Node's built-in module `specifier` (`crypto`, `node:crypto`, `fs/promises` …). */
export function load(specifier) {
  const exports = getBuiltinModule(specifier);
  if (exports === undefined) {
    const error = new Error(`No such built-in module: ${specifier}`);
    error.code = "ERR_UNKNOWN_BUILTIN_MODULE";
    throw error;
  }
  const name = specifier.replace(/^node:/, "");
  if (HTTP_CLIENT_MODULES.has(name)) httpMocks.install(getBuiltinModule);
  state.track(exports);
  return exports;
}

/**
 * Puts back what the execution changed: the environment, the built-in modules' objects (see
 * state.js). Returns why the isolate cannot be reused, or null.
 */
export function restore() {
  env.clear();
  return state.restore();
}
