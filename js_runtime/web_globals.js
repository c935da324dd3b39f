// Web globals from deno_web (timers, URL, encoding, base64, structuredClone), installed on
// globalThis. Timers are wrapped so that each execution's timers can be cancelled when it ends,
// string callbacks are refused (as Node does), and a throwing callback fails the execution that
// started it instead of the event loop.

import { core } from "ext:core/mod.js";
import * as execution from "ext:actionhost_runtime/execution.js";

const web = {
  ...core.loadExtScript("ext:deno_web/00_url.js"),
  ...core.loadExtScript("ext:deno_web/05_base64.js"),
  ...core.loadExtScript("ext:deno_web/08_text_encoding.js"),
  ...core.loadExtScript("ext:deno_web/02_structured_clone.js"),
};
const {
  setTimeout: webSetTimeout,
  setInterval: webSetInterval,
  clearTimeout: webClearTimeout,
  clearInterval: webClearInterval,
  defer,
} = core.loadExtScript("ext:deno_web/02_timers.js");

function checkCallback(callback) {
  if (typeof callback !== "function") {
    throw new TypeError(
      `The "callback" argument must be of type function. Received ${callback === null ? "null" : typeof callback}`,
    );
  }
}

function guarded(callback, rec) {
  return function (...args) {
    try {
      callback(...args);
    } catch (error) {
      if (execution.current() === rec) execution.fail(error);
    }
  };
}

function setTimeout(callback, delay, ...args) {
  checkCallback(callback);
  const rec = execution.current();
  const id = webSetTimeout(guarded(callback, rec), delay, ...args);
  rec?.timers.add(id);
  return id;
}

function setInterval(callback, delay, ...args) {
  checkCallback(callback);
  const rec = execution.current();
  const id = webSetInterval(guarded(callback, rec), delay, ...args);
  rec?.timers.add(id);
  return id;
}

function clearTimeout(id) {
  execution.current()?.timers.delete(id);
  webClearTimeout(id);
}

function clearInterval(id) {
  execution.current()?.timers.delete(id);
  webClearInterval(id);
}

/** Cancels every timer the given execution started and left pending. */
export function cancelTimers(rec) {
  for (const id of rec.timers) webClearInterval(id);
  rec.timers.clear();
}

/** Runs `callback` on the next turn of the event loop, after pending promise jobs (host use). */
export const nextTurn = (callback) => defer(callback);

export function install() {
  const globals = {
    URL: web.URL,
    URLSearchParams: web.URLSearchParams,
    atob: web.atob,
    btoa: web.btoa,
    TextEncoder: web.TextEncoder,
    TextDecoder: web.TextDecoder,
    structuredClone: web.structuredClone,
    setTimeout,
    setInterval,
    clearTimeout,
    clearInterval,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, {
      value,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
}
