// Keeps executions that share a worker from seeing each other through Node's built-in modules.
//
// A built-in is loaded once per worker and its objects are shared by every later execution, so
// what a script changes on them (`EventEmitter.defaultMaxListeners = 1`, `Buffer.poolSize = 1`,
// `crypto.createHash = fake`, a listener on `process`) would reach the next one. `track` records
// the own properties of a module's exports and of the objects near them (two steps away, through
// data properties and prototypes) when it is first loaded; `restore`, after every execution, puts
// back each property that changed, removes each one added, and sets the static accessors of
// classes (`EventEmitter.defaultMaxListeners`) back to the value they read then. What it cannot
// undo (an object made non-extensible or a property made non-configurable) it reports, and the
// isolate retires; but for the web objects actionhost freezes on first use (web streams, Web
// Crypto: js_runtime/web_globals.js), which built-ins reach (node:stream/web, node:crypto's
// `webcrypto`): frozen holding what they held, they are recorded again as every later execution
// finds them. State kept in the modules' closures and not reachable through properties is not
// covered (see the README's Node section).

import { keptByHardening } from "ext:actionhost_runtime/isolation.js";

/** How many steps from a module's exports objects are tracked. */
const DEPTH = 2;

/** object → {extensible, keys: Map(key → descriptor), statics: Map(key → value read)} */
const baselines = new Map();

function isTrackable(value) {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  // Binary data changes by design (pools, scratch buffers) and has no properties worth restoring.
  return !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer) && value !== globalThis;
}

function record(object) {
  const keys = new Map();
  const statics = new Map();
  for (const key of Reflect.ownKeys(object)) {
    const desc = Object.getOwnPropertyDescriptor(object, key);
    keys.set(key, desc);
    // A class's static accessor pair keeps its value in the module's closure: remember it.
    if (typeof object === "function" && desc.get !== undefined && desc.set !== undefined) {
      try {
        statics.set(key, desc.get.call(object));
      } catch {
        // A getter that throws has no value to put back.
      }
    }
  }
  baselines.set(object, { extensible: Object.isExtensible(object), keys, statics });
}

/** Records `exports` and what is near it, once. */
export function track(exports) {
  let layer = [exports];
  for (let depth = 0; depth <= DEPTH && layer.length > 0; depth++) {
    const next = [];
    for (const object of layer) {
      if (!isTrackable(object) || baselines.has(object)) continue;
      record(object);
      next.push(Object.getPrototypeOf(object));
      for (const [, desc] of baselines.get(object).keys) {
        if ("value" in desc) next.push(desc.value);
      }
      for (const [, value] of baselines.get(object).statics) next.push(value);
    }
    layer = next;
  }
}

function same(a, b) {
  return a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable &&
    a.enumerable === b.enumerable && a.configurable === b.configurable;
}

/** Puts every tracked object back; returns why that was not possible, or null. */
export function restore() {
  let damage = null;
  for (const [object, baseline] of baselines) {
    if (baseline.extensible && !Object.isExtensible(object)) {
      if (keptByHardening(object, baseline.keys)) record(object);
      else damage ??= "a built-in module's object was made non-extensible";
      continue;
    }
    for (const key of Reflect.ownKeys(object)) {
      if (baseline.keys.has(key)) continue;
      if (!Reflect.deleteProperty(object, key)) damage ??= "a property added to a built-in module cannot be removed";
    }
    for (const [key, desc] of baseline.keys) {
      const now = Object.getOwnPropertyDescriptor(object, key);
      if (now !== undefined && same(now, desc)) continue;
      try {
        Object.defineProperty(object, key, desc);
      } catch {
        damage ??= "a built-in module's property was changed in a way that cannot be undone";
      }
    }
    for (const [key, value] of baseline.statics) {
      try {
        if (object[key] !== value) object[key] = value;
      } catch {
        damage ??= "a built-in module's setting cannot be put back";
      }
    }
  }
  return damage;
}
