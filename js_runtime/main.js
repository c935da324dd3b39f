// Entry point of the actionhost_runtime extension: installs what scripts see (web globals, the
// capturing console) and hands the host a runner object through a one-shot global that the host
// takes, then locks the isolate down (no `Deno`, no `__bootstrap`, frozen built-ins).

import { core } from "ext:core/mod.js";
import { op_actionhost_hmac_sha256, op_actionhost_random_fill } from "ext:core/ops";
import * as execution from "ext:actionhost_runtime/execution.js";
import { cancelTimers, install as installWebGlobals, nextTurn } from "ext:actionhost_runtime/web_globals.js";
import { createConsole } from "ext:actionhost_runtime/console.js";
import { createRequire } from "ext:actionhost_runtime/require.js";
import * as clock from "ext:actionhost_runtime/clock.js";
import * as http from "ext:actionhost_runtime/http.js";
import { describeError, toJsonText } from "ext:actionhost_runtime/json.js";
import { lockdown, restoreGlobals, sealGlobals } from "ext:actionhost_runtime/isolation.js";
import { runPostLogin } from "ext:actionhost_runtime/actions/post_login_runner.js";
import { runRule } from "ext:actionhost_runtime/rules/rule_runner.js";
import { UnauthorizedError } from "ext:actionhost_runtime/rules/rule_globals.js";

installWebGlobals();
clock.install((bytes) => op_actionhost_random_fill(bytes));
http.install(globalThis.setTimeout);
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

const RUNNERS = { "post-login": runPostLogin, rule: runRule };
let baseline = null;

const runner = {
  /** Runs one execution: JSON text in, a promise of the runner's result as JSON text out. */
  run(kind, wrapper, inputJson, container) {
    const input = JSON.parse(inputJson);
    try {
      clock.configure(input);
      http.configure(input.http);
    } catch (error) {
      return Promise.resolve(toJsonText({ ok: false, error: describeError(error, "thrown", false) }));
    }
    return RUNNERS[kind](wrapper, input, container, host).then(toJsonText);
  },
  /** Starts a new execution record (before the script is compiled: compiling can run its code). */
  begin() {
    execution.begin();
  },
  /** Ends the current execution: its logs, commands and late failure as JSON text; cancels its timers, restores globals. */
  finish() {
    // Settle what the execution left queued, so a rejection nobody handled is reported
    // whether or not the handler returned before the event loop got to it.
    core.processTicksAndRejections();
    const rec = execution.current();
    const snapshot = execution.snapshot();
    if (rec !== null) cancelTimers(rec);
    restoreGlobals(baseline);
    clock.configure({});
    http.configure([]);
    return JSON.stringify(snapshot);
  },
  /** Removes host access and freezes built-ins; called once by the host after start-up. */
  lockdown() {
    delete globalThis.Deno;
    delete globalThis.__bootstrap;
    // Engine internals Node does not have: forcing GC, posting platform tasks, new realms.
    for (const name of ENGINE_INTERNALS) delete globalThis[name];
    lockdown([UnauthorizedError]);
    baseline = sealGlobals();
  },
};

globalThis.__actionhostRunner = runner;
