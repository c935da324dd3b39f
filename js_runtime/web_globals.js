// Web globals from deno_web (timers, URL, encoding, base64, structuredClone, events and
// AbortController, Blob and File, streams, compression streams), installed on globalThis as
// Node 22 has them, with Node's `setImmediate`. Timers are wrapped so that each execution's timers
// can be cancelled when it ends, string callbacks are refused (as Node does), and a throwing
// callback fails the execution that started it instead of the event loop; `AbortSignal.timeout`
// and `setImmediate` use those timers, so nothing an execution schedules runs in the next one.
// The streams (deno_web's largest script, about 15 ms to evaluate on QuickJS) load when a script
// first names one or calls `Blob#stream`, and are frozen then, as lockdown froze the rest.

import { core } from "ext:core/mod.js";
import * as execution from "ext:actionhost_runtime/execution.js";
import { harden } from "ext:actionhost_runtime/isolation.js";
import { codedError, nodeConstructor, rewriteErrors } from "ext:actionhost_runtime/node_errors.js";
import { nodeAtob, nodeBtoa } from "ext:actionhost_runtime/base64.js";

const web = {
  ...core.loadExtScript("ext:deno_web/00_url.js"),
  ...core.loadExtScript("ext:deno_web/05_base64.js"),
  ...core.loadExtScript("ext:deno_web/08_text_encoding.js"),
  ...core.loadExtScript("ext:deno_web/02_structured_clone.js"),
  ...core.loadExtScript("ext:deno_web/02_event.js"),
  ...core.loadExtScript("ext:deno_web/03_abort_signal.js"),
  // Before lockdown in every build: it adds `URL.createObjectURL` / `revokeObjectURL` to `URL`.
  ...core.loadExtScript("ext:deno_web/09_file.js"),
};

/** The globals the streams provide (`TextEncoderStream` and `TextDecoderStream` build on them). */
const STREAM_GLOBALS = [
  "ReadableStream",
  "ReadableStreamDefaultReader",
  "ReadableStreamBYOBReader",
  "ReadableStreamBYOBRequest",
  "ReadableByteStreamController",
  "ReadableStreamDefaultController",
  "TransformStream",
  "TransformStreamDefaultController",
  "WritableStream",
  "WritableStreamDefaultWriter",
  "WritableStreamDefaultController",
  "ByteLengthQueuingStrategy",
  "CountQueuingStrategy",
  "TextEncoderStream",
  "TextDecoderStream",
  "CompressionStream",
  "DecompressionStream",
];

let streams = null;

/** The stream classes, loaded and frozen on first use (with what only their instances reach). */
export function loadStreams() {
  if (streams === null) {
    const loaded = {
      ...core.loadExtScript("ext:deno_web/06_streams.js"),
      ...core.loadExtScript("ext:deno_web/14_compression.js"),
      TextEncoderStream: web.TextEncoderStream,
      TextDecoderStream: web.TextDecoderStream,
    };
    streams = Object.fromEntries(STREAM_GLOBALS.map((name) => [name, loaded[name]]));
    const iterator = Object.getPrototypeOf(new loaded.ReadableStream().values());
    harden([...Object.values(streams), iterator, Object.getPrototypeOf(iterator)]);
  }
  return streams;
}

let webCrypto = null;

/**
 * Web Crypto (`crypto.subtle`, `CryptoKey`, `SubtleCrypto`) from deno_crypto, loaded and frozen
 * on first use: most scripts never touch it, and its script would cost every worker's start.
 */
export function loadWebCrypto() {
  if (webCrypto === null) {
    const loaded = core.loadExtScript("ext:deno_crypto/00_crypto.js");
    const subtle = loaded.crypto.subtle;
    webCrypto = { CryptoKey: loaded.CryptoKey, SubtleCrypto: loaded.SubtleCrypto, subtle };
    harden([loaded.Crypto, loaded.CryptoKey, loaded.SubtleCrypto, subtle]);
  }
  return webCrypto;
}

const { DOMException } = core.loadExtScript("ext:deno_web/01_dom_exception.js");
// Ops (deno_web's and deno_crypto's) fail with errors of these classes: the script sees the
// DOMException of that name (a class without a builder would reach it as `undefined`).
const OP_DOM_EXCEPTIONS = [
  "DataError",
  "IndexSizeError",
  "InvalidAccessError",
  "InvalidCharacterError",
  "InvalidStateError",
  "NotSupportedError",
  "OperationError",
  "QuotaExceededError",
  "SyntaxError",
  "TypeMismatchError",
];
for (const name of OP_DOM_EXCEPTIONS) {
  core.registerErrorBuilder(`DOMException${name}`, (message) => new DOMException(message, name));
}
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

/** Node's `Immediate`: what `setImmediate` returns and `clearImmediate` takes. */
class Immediate {
  #id;
  constructor(id) {
    this.#id = id;
  }
  static idOf(immediate) {
    return immediate !== null && typeof immediate === "object" && #id in immediate ? immediate.#id : undefined;
  }
  hasRef() {
    return true;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
}

function setImmediate(callback, ...args) {
  checkCallback(callback);
  return new Immediate(setTimeout(callback, 0, ...args));
}

function clearImmediate(immediate) {
  const id = Immediate.idOf(immediate);
  if (id !== undefined) clearTimeout(id);
}

/**
 * Node's errors for URL's: a plain `TypeError: Invalid URL` with `code` ERR_INVALID_URL, the
 * `input` and (when one was given) the `base` as strings, where Deno says `Invalid URL: '…'
 * with base '…'`; Node's ERR_MISSING_ARGS when the URL is missing.
 */
const URL_ERRORS = [
  [/^Invalid URL: /, (_m, args) => Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL", ...urlFields(args) })],
  [/^Failed to (construct 'URL'|execute 'URL\.\w+'): 1 argument required/, () => codedError(TypeError, "ERR_MISSING_ARGS", 'The "url" argument must be specified')],
];

function urlFields([input, base]) {
  return base === undefined ? { input: `${input}` } : { input: `${input}`, base: `${base}` };
}

/** deno_web's URL with Node's errors (`URL_ERRORS`) from its constructor, `canParse` and `parse`. */
function nodeUrl(URL) {
  for (const name of ["canParse", "parse"]) rewriteErrors(URL, name, URL_ERRORS);
  return nodeConstructor(URL, URL_ERRORS, "URL");
}

/** How Node's ERR_INVALID_ARG_TYPE describes the value it received. */
function received(value) {
  if (value === null || value === undefined) return `Received ${value}`;
  if (typeof value === "function") return `Received function ${value.name}`;
  if (typeof value === "object") return `Received an instance of ${value.constructor?.name ?? "Object"}`;
  const shown = typeof value === "string" ? `'${value.length > 25 ? `${value.slice(0, 25)}...` : value}'` : String(value);
  return `Received type ${typeof value} (${shown})`;
}

/** `AbortSignal.timeout` on the execution's own timers (deno_web's would outlive it), with Node's checks. */
function timeoutSignal(delay) {
  if (typeof delay !== "number") {
    throw codedError(TypeError, "ERR_INVALID_ARG_TYPE", `The "delay" argument must be of type number. ${received(delay)}`);
  }
  if (!Number.isInteger(delay)) {
    throw codedError(RangeError, "ERR_OUT_OF_RANGE", `The value of "delay" is out of range. It must be an integer. Received ${delay}`);
  }
  if (delay < 0 || delay > 4294967295) {
    throw codedError(RangeError, "ERR_OUT_OF_RANGE", `The value of "delay" is out of range. It must be >= 0 && <= 4294967295. Received ${delay}`);
  }
  const controller = new web.AbortController();
  setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), delay);
  return controller.signal;
}

/** Cancels every timer the given execution started and left pending. */
export function cancelTimers(rec) {
  for (const id of rec.timers) webClearInterval(id);
  rec.timers.clear();
}

/** Runs `callback` on the next turn of the event loop, after pending promise jobs (host use). */
export const nextTurn = (callback) => defer(callback);

/** Node's reason for an abort given none (deno_web's says "The signal has been aborted"). */
const defaultAbortReason = () => new DOMException("This operation was aborted", "AbortError");

/** `object[name]` (an abort taking a reason) given Node's default reason when called without one. */
function withNodeAbortReason(object, name) {
  const abort = object[name];
  const wrapped = {
    [name](reason) {
      return abort.call(this, reason === undefined ? defaultAbortReason() : reason);
    },
  }[name];
  Object.defineProperty(object, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
}

/** Globals `names` that read `load()[name]`: what they name is loaded (and frozen) on first read. */
export function installLazyGlobals(names, load) {
  for (const name of names) {
    Object.defineProperty(globalThis, name, { get: () => load()[name], enumerable: false, configurable: true });
  }
}

export function install() {
  Object.defineProperty(web.AbortSignal, "timeout", { value: timeoutSignal, writable: true, enumerable: false, configurable: true });
  withNodeAbortReason(web.AbortSignal, "abort");
  withNodeAbortReason(web.AbortController.prototype, "abort");
  const globals = {
    Event: web.Event,
    EventTarget: web.EventTarget,
    CustomEvent: web.CustomEvent,
    DOMException,
    AbortController: web.AbortController,
    AbortSignal: web.AbortSignal,
    Blob: web.Blob,
    File: web.File,
    setImmediate,
    clearImmediate,
    URL: nodeUrl(web.URL),
    URLSearchParams: web.URLSearchParams,
    atob: nodeAtob(web.atob, DOMException),
    btoa: nodeBtoa(web.btoa, DOMException),
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
  installLazyGlobals(["CryptoKey", "SubtleCrypto"], loadWebCrypto);
  installLazyGlobals(STREAM_GLOBALS, loadStreams);
  // An object URL lives as long as the execution that made it: revoked when it ends, so no
  // later execution can read its blob (nor does the worker keep the blob).
  const createObjectURL = web.URL.createObjectURL;
  const revokeObjectURL = web.URL.revokeObjectURL;
  Object.defineProperty(web.URL, "createObjectURL", {
    value: {
      createObjectURL(obj) {
        const url = Reflect.apply(createObjectURL, this, arguments);
        execution.current()?.cleanups.push(() => revokeObjectURL(url));
        return url;
      },
    }.createObjectURL,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  // `Blob#stream` makes a ReadableStream: the classes are loaded (and frozen) first.
  const blobStream = web.Blob.prototype.stream;
  Object.defineProperty(web.Blob.prototype, "stream", {
    value: {
      stream() {
        loadStreams();
        return blobStream.call(this);
      },
    }.stream,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}
