// Entry point of the actionhost_runtime extension: installs what scripts see (web globals, the
// capturing console), keeps the runners that script extensions register (`registerRunner`) and
// hands the host a runner object through a one-shot global that the host takes, then locks the
// isolate down (no `Deno`, no `__bootstrap`, frozen built-ins).

import { core } from "ext:core/mod.js";
import { op_actionhost_hmac_sha256, op_actionhost_random_fill } from "ext:core/ops";
import * as execution from "ext:actionhost_runtime/execution.js";
import { cancelTimers, install as installWebGlobals, loadWebCrypto, nextTurn } from "ext:actionhost_runtime/web_globals.js";
import { createConsole, inspectHookFunctions } from "ext:actionhost_runtime/console.js";
import { createRequire, prepareBuiltins, restoreBuiltins } from "ext:actionhost_runtime/require.js";
import * as clock from "ext:actionhost_runtime/clock.js";
import * as http from "ext:actionhost_runtime/http.js";
import { describeError, toJsonText } from "ext:actionhost_runtime/json.js";
import { install as installIntl } from "ext:actionhost_runtime/intl.js";
import { CODED_ERROR_CLASSES } from "ext:actionhost_runtime/node_errors.js";
import {
  captureErrorHooks,
  guardFinalizationRegistry,
  lockdown,
  resetErrorHooks,
  restoreGlobals,
  sealGlobals,
} from "ext:actionhost_runtime/isolation.js";

installWebGlobals();
installIntl();
prepareBuiltins();
clock.install((bytes) => op_actionhost_random_fill(bytes), loadWebCrypto);
http.install(globalThis.setTimeout, globalThis.clearTimeout);
Object.defineProperty(globalThis, "console", {
  value: createConsole(),
  writable: true,
  enumerable: false,
  configurable: true,
});
Object.defineProperty(globalThis, "global", {
  value: globalThis,
  writable: true,
  enumerable: false,
  configurable: true,
});

core.setUnhandledPromiseRejectionHandler((_promise, reason) => {
  execution.fail(reason);
  return true;
});

const host = {
  createRequire,
  nextTurn,
  hmacSha256: (secret, data) => op_actionhost_hmac_sha256(String(secret), String(data)),
};

const ENGINE_INTERNALS = [
  "gc",
  "__v8x_snapshot_intrinsics",
  "__v8x_import_source",
  "__v8xTemporalTimeZone",
  "ShadowRealm",
  "__v8xPostForegroundTask",
  "__v8xAtomicsRegisterWaiter",
  "__v8xAtomicsNotifyWaiters",
  "__v8xAtomicsCancelWaiter",
  "__v8xAtomicsNumWaitersForTesting",
  "__v8xAtomicsNumUnresolvedAsyncPromisesForTesting",
];

/** Runner name → `run(wrapper, input, container, host)`, as script extensions registered them. */
const RUNNERS = { __proto__: null };
/** Runner name → `follow(input, result, filename)`, for runners whose executions can be chained. */
const FOLLOWERS = { __proto__: null };
/** Objects of the registered runners that scripts get hold of and that outlive one execution. */
const sharedObjects = [];
let baseline = null;

/**
 * Registers the runner jobs name `name`. `shared`: objects of the runner that scripts get hold
 * of and that outlive one execution (classes, prototypes), frozen at lockdown. `follow`, for a
 * runner whose executions can be chained in one job (a login's Rules): given the input the job
 * gives later executions and an execution's result (both parsed from JSON), and the next
 * script's file name, it returns the next execution's input, or null to end the chain. Only
 * before lockdown.
 */
export function registerRunner(name, run, shared = [], follow = undefined) {
  if (baseline !== null) throw new Error("runners are registered before lockdown");
  if (RUNNERS[name] !== undefined) throw new Error(`a runner named ${name} is already registered`);
  RUNNERS[name] = run;
  if (follow !== undefined) FOLLOWERS[name] = follow;
  sharedObjects.push(...shared);
}
/** Characters of JSON a runner's result may take (the Action's returned value, the Rule's user and context). */
const RESULT_LIMIT_CHARS = 8 * 1024 * 1024;
/** Per shared container, the script functions made from each compiled factory (see `run`). */
const containerFunctions = new WeakMap();

/**
 * The script's function for this execution. The host caches one compiled factory per source;
 * each call makes a new function, so nothing a script leaves on its own function
 * (`arguments.callee.x = …`) reaches the next execution. A shared container keeps one function
 * per factory, as it keeps the module.
 */
function scriptFunction(factory, container) {
  if (container === undefined) return factory();
  let functions = containerFunctions.get(container);
  if (functions === undefined) containerFunctions.set(container, (functions = new Map()));
  let fn = functions.get(factory);
  if (fn === undefined) functions.set(factory, (fn = factory()));
  return fn;
}

/** The runner's result as JSON text for the host, or an error result when the host could not read it. */
function resultText(result) {
  const text = toJsonText(result);
  let problem = null;
  if (text.length > RESULT_LIMIT_CHARS) {
    problem = `the result is ${text.length} characters of JSON; actionhost reads at most ${RESULT_LIMIT_CHARS}`;
  } else if (text.length > 2 * execution.VALUE_DEPTH_LIMIT) {
    const depth = execution.jsonDepth(text);
    if (depth > execution.VALUE_DEPTH_LIMIT + 3) {
      problem = `the result is nested ${depth} levels deep; actionhost reads values nested at most ${execution.VALUE_DEPTH_LIMIT} levels`;
    }
  }
  if (problem === null) return text;
  const what = result?.callback !== undefined ? "what the rule passed to callback" : "the handler's returned value";
  return JSON.stringify({ ok: false, error: { name: "RangeError", message: `${what} cannot be reported: ${problem}` } });
}

const runner = {
  /**
   * Runs one execution: its input (JSON text, or the object `next` made), a promise of the
   * runner's result as JSON text out.
   */
  run(kind, factory, inputJson, container) {
    const input = typeof inputJson === "string" ? JSON.parse(inputJson) : inputJson;
    try {
      clock.configure(input);
      http.configure(input.http);
    } catch (error) {
      return Promise.resolve(toJsonText({ ok: false, error: describeError(error, "thrown", false) }));
    }
    let wrapper;
    try {
      wrapper = scriptFunction(factory, container);
    } catch (error) {
      return Promise.resolve(toJsonText({ ok: false, error: describeError(error) }));
    }
    const run = RUNNERS[kind];
    if (run === undefined) {
      return Promise.resolve(toJsonText({ ok: false, error: { name: "Error", message: `no runner named ${kind}` } }));
    }
    return run(wrapper, input, container, host).then(resultText);
  },
  /**
   * Between two executions of a chain: the next one's input, from the input the job gives
   * later executions and the last execution's result (JSON text the engine made), or null when
   * the chain ends there. Parses and copies plain data only, so no script code runs.
   */
  next(kind, inputJson, resultJson, filename) {
    const follow = FOLLOWERS[kind];
    if (follow === undefined) return null;
    return follow(JSON.parse(inputJson), JSON.parse(resultJson), filename) ?? null;
  },
  /** Starts a new execution record (before the script is compiled: compiling can run its code). */
  begin() {
    resetErrorHooks();
    execution.begin();
  },
  /**
   * Ends the current execution: its logs, commands and late failure as JSON text, plus
   * `retire` (why the isolate cannot be reused, or null); cancels its timers, restores globals.
   * `drain` runs what the execution left queued first (script code: the host keeps the limits
   * armed); after a termination the host passes false, and what is queued dies with the isolate.
   */
  finish(drain) {
    // Settle what the execution left queued, so a rejection nobody handled is reported
    // whether or not the handler returned before the event loop got to it.
    if (drain) core.processTicksAndRejections();
    resetErrorHooks();
    const rec = execution.current();
    execution.end();
    if (rec !== null) cancelTimers(rec);
    const damage = restoreGlobals(baseline) ?? restoreBuiltins();
    clock.configure({});
    http.configure([]);
    const snapshot = execution.snapshotText();
    return `${snapshot.slice(0, -1)},"retire":${JSON.stringify(damage)}}`;
  },
  /** Removes host access and freezes built-ins; called once by the host after start-up. */
  lockdown() {
    delete globalThis.Deno;
    delete globalThis.__bootstrap;
    // Engine internals Node does not have: forcing GC, posting platform tasks, new realms.
    for (const name of ENGINE_INTERNALS) delete globalThis[name];
    captureErrorHooks();
    guardFinalizationRegistry(execution.currentId);
    lockdown([...sharedObjects, ...inspectHookFunctions(), ...CODED_ERROR_CLASSES]);
    // Frozen now; the sample objects that led to them need not stay alive.
    sharedObjects.length = 0;
    baseline = sealGlobals();
  },
};

globalThis.__actionhostRunner = runner;
