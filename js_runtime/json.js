// JSON-safe copies of script values, for everything that leaves the engine (commands, returned
// values, callback results). Follows JSON.stringify's rules, but never throws: cycles and values
// JSON cannot hold (BigInt, an object whose toJSON throws) become descriptive strings.
//
// Errors are described differently (`describeError`): with plain data reads only (own and
// inherited data properties, the host's own getters), never a proxy trap, a script's getter or
// a `toString`, so describing an error can run no script code; and with bounded sizes.

import { op_is_proxy } from "ext:core/ops";

export function toJsonSafe(value) {
  return copy(value, new Set());
}

const NOT_PRIMITIVE = Symbol("not a primitive");

/** The JSON form of a primitive (`undefined` where JSON has none), or NOT_PRIMITIVE. */
function primitive(value) {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  return value === null ? null : NOT_PRIMITIVE;
}

function copy(value, seen) {
  const simple = primitive(value);
  if (simple !== NOT_PRIMITIVE) return simple;
  if (seen.has(value)) return "[Circular]";
  try {
    if (typeof value.toJSON === "function") return copy(value.toJSON(), seen);
    seen.add(value);
    if (Array.isArray(value)) {
      return value.map((item) => {
        const v = copy(item, seen);
        return v === undefined ? null : v;
      });
    }
    const out = {};
    for (const key of Object.keys(value)) {
      const v = copy(value[key], seen);
      if (v !== undefined) out[key] = v;
    }
    return out;
  } catch (error) {
    return `[Unserializable: ${error?.message ?? error}]`;
  } finally {
    seen.delete(value);
  }
}

/**
 * The JSON text of a script value for the host: JSON.stringify (native, fast), falling back to a
 * `toJsonSafe` copy when the value has cycles, BigInts or a throwing `toJSON`.
 */
export function toJsonText(value) {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return JSON.stringify(toJsonSafe(value)) ?? "null";
  }
}

/** Characters of an error message kept for the host; the rest is cut, and the cut says so. */
export const ERROR_MESSAGE_LIMIT = 16 * 1024;
/** Characters of an error stack kept for the host. */
export const ERROR_STACK_LIMIT = 64 * 1024;
const ERROR_NAME_LIMIT = 256;
/** How deep and wide the extra fields of an error (`code`, `statusCode`, `description`) are copied. */
const EXTRA_DEPTH_LIMIT = 20;
const EXTRA_ENTRIES_LIMIT = 1000;

const getOwn = Object.getOwnPropertyDescriptor;
const protoOf = Object.getPrototypeOf;
const ownKeys = Reflect.ownKeys;
const isArray = Array.isArray;
/** Getters of the host itself (tamed built-in properties, the engine's `stack`): safe to call. */
const hostGetters = new WeakSet();

/** Registers getters that `describeError` may call (they run no script code). */
export function trustGetters(getters) {
  for (const getter of getters) if (typeof getter === "function") hostGetters.add(getter);
}

function isProxy(value) {
  return op_is_proxy(value);
}

const ABSENT = Symbol("absent");
const UNREADABLE = Symbol("unreadable");

/**
 * Reads `key` of `object` as data: an own or inherited data property, or a host getter. A proxy
 * or a script's accessor on the way makes it UNREADABLE; a missing property is ABSENT.
 */
function readData(object, key) {
  let current = object;
  for (let hops = 0; current !== null && hops < 64; hops++) {
    if (isProxy(current)) return UNREADABLE;
    const desc = getOwn(current, key);
    if (desc !== undefined) {
      if ("value" in desc) return desc.value;
      if (hostGetters.has(desc.get)) return desc.get.call(object);
      return UNREADABLE;
    }
    current = protoOf(current);
  }
  return ABSENT;
}

/** A primitive as text; objects and functions are named by their type, never converted. */
function plainText(value) {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return "[function]";
    default:
      return value === null ? "null" : "[object]";
  }
}

function cut(text, limit, what) {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… [${what} cut: ${text.length - limit} more characters]`;
}

/** A JSON value made of own enumerable data properties only, bounded in depth and size. */
function plainCopy(value, depth, budget) {
  if (typeof value === "string") return cut(value, ERROR_MESSAGE_LIMIT, "value");
  const simple = primitive(value);
  if (simple !== NOT_PRIMITIVE) return simple;
  if (isProxy(value)) return "[Proxy]";
  if (depth >= EXTRA_DEPTH_LIMIT) return `[nested deeper than ${EXTRA_DEPTH_LIMIT} levels]`;
  const array = isArray(value);
  const out = array ? [] : {};
  for (const key of ownKeys(value)) {
    if (typeof key !== "string" || (array && key === "length")) continue;
    if (--budget.entries < 0) return out;
    const desc = getOwn(value, key);
    if (!desc.enumerable) continue;
    const item = "value" in desc ? plainCopy(desc.value, depth + 1, budget) : "[getter]";
    if (array) out.push(item === undefined ? null : item);
    else if (item !== undefined) out[key] = item;
  }
  return out;
}

/** Drops the host's own frames (the runners in `ext:`) from a stack, keeping the script's. */
function userFrames(stack) {
  return stack
    .split("\n")
    .filter((line, index) => index === 0 || !(line.includes("ext:") || line.trim() === "at new Promise (<anonymous>)"))
    .join("\n");
}

/**
 * The parts of a thrown value the host reports, read without running script code (see the top
 * of this file) and cut to bounded sizes (the cut is marked in the text).
 */
export function describeError(error, how = "thrown", withStack = true) {
  if (error !== null && typeof error === "object") {
    if (isProxy(error)) return { name: "Error", message: `non-error value ${how}: a Proxy (not inspected)` };
    const name = readData(error, "name");
    const message = readData(error, "message");
    const out = {
      name: name === ABSENT || name === undefined ? "Error" : cut(name === UNREADABLE ? "[unreadable name]" : plainText(name), ERROR_NAME_LIMIT, "name"),
      message:
        message === ABSENT || message === undefined
          ? ""
          : message === UNREADABLE
            ? "[the message is behind a getter or proxy, which actionhost does not call]"
            : cut(plainText(message), ERROR_MESSAGE_LIMIT, "message"),
      stack: undefined,
    };
    if (withStack) {
      // Formatting a stack costs a few hundred microseconds on this engine: only on request.
      const stack = readData(error, "stack");
      if (typeof stack === "string") out.stack = userFrames(cut(stack, ERROR_STACK_LIMIT, "stack"));
    }
    for (const key of ["code", "statusCode", "description"]) {
      const value = readData(error, key);
      if (value === UNREADABLE) out[key] = "[getter]";
      else if (value !== ABSENT && value !== undefined) out[key] = plainCopy(value, 0, { entries: EXTRA_ENTRIES_LIMIT });
    }
    return out;
  }
  return { name: "Error", message: cut(`non-error value ${how}: ${plainText(error)}`, ERROR_MESSAGE_LIMIT, "message") };
}
