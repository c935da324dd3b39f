// The `console` scripts see: every call is formatted the way Node formats it (deno_web's
// inspect) and appended to the current execution's record with its level; nothing is printed.

import { core } from "ext:core/mod.js";
import * as execution from "ext:actionhost_runtime/execution.js";

const { inspectArgs } = core.loadExtScript("ext:deno_web/01_console.js");
const encoder = new (core.loadExtScript("ext:deno_web/08_text_encoding.js").TextEncoder)();
const utf8 = { byteLength: (s) => core.byteLength(s), encode: (s) => encoder.encode(s) };
const options = { colors: false };

function emit(level, args) {
  execution.log(level, inspectArgs(args, options), utf8);
}

export function createConsole() {
  return Object.freeze({
    log: (...args) => emit("log", args),
    info: (...args) => emit("info", args),
    warn: (...args) => emit("warn", args),
    error: (...args) => emit("error", args),
    debug: (...args) => emit("debug", args),
    trace: (...args) => emit("debug", ["Trace:", ...args]),
    dir: (value) => emit("log", [value]),
    assert: (condition, ...args) => {
      if (!condition) emit("error", ["Assertion failed:", ...args]);
    },
  });
}

/**
 * The functions deno_web's inspect hands to a script's custom inspect methods
 * (`Deno.customInspect`, `nodejs.util.inspect.custom`): the `inspect` function itself and those
 * the options object carries (`stylize`). They are shared by every call, so the host freezes
 * them at lockdown and no script can leave data on them for a later execution. (The options
 * object is made for each call, and deno_web writes to it: it is not frozen.)
 */
export function inspectHookFunctions() {
  const found = [];
  const capture = (...args) => {
    for (const arg of args) {
      if (typeof arg === "function") found.push(arg);
      else if (arg !== null && typeof arg === "object") {
        for (const value of Object.values(arg)) if (typeof value === "function") found.push(value);
      }
    }
    return "";
  };
  inspectArgs([{ [Symbol.for("Deno.customInspect")]: capture }, { [Symbol.for("nodejs.util.inspect.custom")]: capture }], options);
  return found;
}
