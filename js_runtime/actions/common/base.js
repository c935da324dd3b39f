// base.js: owns what every namespace of the post-login api shares: ApiObject (the private
// per-execution state #s) and stateOf, recording a call (emit, with its JSON copy of the
// arguments), sealing the classes, the error and value-description helpers, and string
// measures. Shared by every execution; nothing here allocates per api creation.

import {
  JSONParse, JSONStringify, StringCtor, freeze, isArray, numberIsFinite,
} from "./builtins.js";

export function isObject(v) {
  return v !== null && typeof v === "object" && !isArray(v);
}

export function isFiniteNumber(v) {
  return typeof v === "number" && numberIsFinite(v);
}

// A short, deterministic description of a value for error messages.
export function got(v) {
  if (v === null) return "null";
  switch (typeof v) {
    case "string": {
      const s = v.length > 60 ? v.slice(0, 57) + "..." : v;
      return JSONStringify(s);
    }
    case "number":
    case "boolean":
    case "bigint":
      return StringCtor(v);
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    default:
      return isArray(v) ? "an array" : "an object";
  }
}

export function typeError(name, msg) {
  return new TypeError("api." + name + ": " + msg);
}

export function error(name, msg) {
  return new Error("api." + name + ": " + msg);
}

// Characters as code points (the JSON-schema notion of string length).
export function charLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// UTF-8 byte length without encoding (lone surrogates count as U+FFFD, 3 bytes).
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

// JSON-able copy of a call's arguments (JSON semantics: undefined/functions become null in
// arrays and vanish in objects, Dates become ISO strings). Primitive-only argument lists,
// the common case, skip the round trip.
function cloneArgs(name, args) {
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    const t = typeof v;
    if (v === null || t === "string" || t === "boolean" || (t === "number" && numberIsFinite(v))) {
      continue;
    }
    try {
      return JSONParse(JSONStringify(args));
    } catch (e) {
      throw typeError(name, "arguments must be JSON-serializable (" + e.message + ")");
    }
  }
  return args;
}

// Reports a successful state-changing call of execution state `s` through ctx.record.
export function emit(s, name, args) {
  s.ctx.record(name, cloneArgs(name, args));
}

// Seals classes of the object model: no prototype can be changed, and no class is reachable
// from an instance (`constructor` resolves to Object, as for a plain object).
export function seal(...classes) {
  for (const C of classes) {
    delete C.prototype.constructor;
    freeze(C.prototype);
    freeze(C);
  }
}

// Returns the state held by namespace object `o`, or throws when a method was called on
// something else (typically: detached from its namespace).
let stateOf;

// The base of every namespace class (see index.js): holds the execution's state in the private
// field #s, which is no string- or symbol-keyed property and appears in no enumeration.
export class ApiObject {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  static {
    stateOf = (o, name) => {
      try {
        return o.#s;
      } catch {
        throw typeError(name, "must be called on the api object it belongs to (as api." + name +
          "), not detached from it or on another object");
      }
    };
  }
}

seal(ApiObject);

export { stateOf };
