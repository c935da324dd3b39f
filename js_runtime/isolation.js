// Keeps executions that share one isolate from seeing each other.
//
// - `lockdown` freezes every built-in reachable from the global scope (constructors, prototypes,
//   hidden intrinsics such as the async-function and iterator prototypes) so no script can change
//   what the next one gets. Assigning a property that a frozen prototype already has (the
//   "override mistake": `err.name = "X"`, `obj.toString = fn`) keeps working: those properties
//   become accessors whose setter defines an own property on the receiver.
// - `sealGlobals` makes the global bindings of set-up read-only once it is over;
//   `restoreGlobals` removes every global an execution added, and tells when an execution left
//   the global object in a state it cannot undo (a non-configurable global, a non-extensible or
//   sealed global object): the host then retires the isolate.
// - `resetErrorHooks` puts back `Error.prepareStackTrace` and `Error.stackTraceLimit` (engine
//   accessors that freezing `Error` does not stop) before and after every execution.
// - `guardFinalizationRegistry` makes `FinalizationRegistry` callbacks run only while the
//   execution that registered them is the one running.
// - `keptByHardening` tells whether an object `harden` froze holds what it held before (for
//   js_runtime/node/state.js: web objects frozen on first use, after a built-in module reached them).

import { trustGetters } from "ext:actionhost_runtime/json.js";

const TAMED_EVERYWHERE = ["constructor", "toString", "toLocaleString", "valueOf", "toJSON", "name", "message", Symbol.toStringTag];

function hiddenIntrinsics() {
  const found = [
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(""[Symbol.iterator]()),
    Object.getPrototypeOf("".matchAll(/x/g)),
    Object.getPrototypeOf(Int8Array),
    Object.getPrototypeOf((function* () {})()),
    Object.getPrototypeOf((async function* () {})()),
  ];
  const args = (function () {
    return arguments;
  })();
  found.push(Object.getPrototypeOf(args));
  return found;
}

/** The objects `harden` froze. */
const hardened = new WeakSet();
/** The getters `tame` put in place of data properties. */
const tamedGetters = new WeakSet();

function tame(object, key) {
  const desc = Object.getOwnPropertyDescriptor(object, key);
  if (desc === undefined || !("value" in desc) || !desc.configurable) return;
  const value = desc.value;
  // An arrow: it has no `prototype` object (whose `constructor` hardening would tame again).
  const get = () => value;
  trustGetters([get]);
  tamedGetters.add(get);
  Object.defineProperty(object, key, {
    get,
    set(newValue) {
      if (this === object) {
        throw new TypeError(`Cannot assign to read only property '${String(key)}' of a built-in object`);
      }
      Object.defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
    },
    enumerable: desc.enumerable,
    configurable: false,
  });
}

function tameOverrides(object, allKeys) {
  const keys = allKeys ? Reflect.ownKeys(object) : TAMED_EVERYWHERE;
  for (const key of keys) tame(object, key);
}

/** Freezes `roots` and everything reachable from them (after lockdown: what loads later). */
export function harden(roots) {
  const seen = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const object = queue.pop();
    if ((typeof object !== "object" && typeof object !== "function") || object === null) continue;
    if (seen.has(object) || object === globalThis) continue;
    seen.add(object);
    if (typeof object === "object" && Object.prototype.hasOwnProperty.call(object, "constructor")) {
      tameOverrides(object, object === Object.prototype || object instanceof Error || object === Error.prototype);
    }
    queue.push(Object.getPrototypeOf(object));
    for (const key of Reflect.ownKeys(object)) {
      const desc = Object.getOwnPropertyDescriptor(object, key);
      if ("value" in desc) queue.push(desc.value);
      else queue.push(desc.get, desc.set);
    }
    Object.freeze(object);
    hardened.add(object);
  }
}

/**
 * Whether `object`, which `harden` froze, holds what `before` (key → property descriptor,
 * recorded before the freeze) says: the same keys, each with the same value (a data property
 * `tame` made an accessor gives it through its getter) or accessors, enumerable alike.
 */
export function keptByHardening(object, before) {
  if (!hardened.has(object)) return false;
  const keys = Reflect.ownKeys(object);
  if (keys.length !== before.size) return false;
  return keys.every((key) => {
    const was = before.get(key);
    const now = Object.getOwnPropertyDescriptor(object, key);
    if (was === undefined || was.enumerable !== now.enumerable) return false;
    if ("value" in was) return "value" in now ? now.value === was.value : tamedGetters.has(now.get) && now.get() === was.value;
    return now.get === was.get && now.set === was.set;
  });
}

export function lockdown(extraRoots) {
  tameOverrides(Function.prototype, true);
  // Subclasses of built-ins that assign their own methods over the inherited ones: Node's Buffer
  // (a Uint8Array: `from`, `of`, `slice`, `toString` …), Node's environment-flags set (a Set:
  // `keys`, `[Symbol.iterator]`); so may any script's subclass.
  const TypedArray = Object.getPrototypeOf(Int8Array);
  for (const object of [TypedArray, TypedArray.prototype, Uint8Array, Uint8Array.prototype, Set.prototype, Map.prototype]) {
    tameOverrides(object, true);
  }
  for (const ctor of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]) {
    tameOverrides(ctor.prototype, true);
  }
  const roots = [...hiddenIntrinsics(), ...extraRoots];
  for (const key of Reflect.ownKeys(globalThis)) {
    const desc = Object.getOwnPropertyDescriptor(globalThis, key);
    if ("value" in desc) roots.push(desc.value);
  }
  harden(roots);
}

/**
 * Freezes the global bindings set-up made (a script can add globals, not replace or delete
 * these) and returns how many own keys the global object has, for `restoreGlobals`.
 */
export function sealGlobals() {
  for (const key of Reflect.ownKeys(globalThis)) {
    const desc = Object.getOwnPropertyDescriptor(globalThis, key);
    if (!desc.configurable) continue;
    if ("value" in desc) desc.writable = false;
    desc.configurable = false;
    Object.defineProperty(globalThis, key, desc);
  }
  return Reflect.ownKeys(globalThis).length;
}

/**
 * Removes every global an execution added (sealed ones cannot be changed or removed). Returns
 * null when the global object is as set-up left it, or why it cannot be: a global the execution
 * made non-configurable (it would stay, and its accessor could watch later executions), or a
 * global object made non-extensible (later executions could not add globals).
 */
export function restoreGlobals(baselineCount) {
  let damage = Object.isExtensible(globalThis) ? null : "the global object was made non-extensible";
  const keys = Reflect.ownKeys(globalThis);
  if (keys.length === baselineCount) return damage;
  for (const key of keys) {
    if (Object.getOwnPropertyDescriptor(globalThis, key).configurable) delete globalThis[key];
  }
  if (Reflect.ownKeys(globalThis).length !== baselineCount) {
    damage ??= "a global was defined non-configurable, so it cannot be removed";
  }
  return damage;
}

const errorHooks = { prepareStackTrace: undefined, stackTraceLimit: 10 };

/** Remembers set-up's `Error.prepareStackTrace` and `Error.stackTraceLimit`, and trusts the engine's `stack` getter. */
export function captureErrorHooks() {
  errorHooks.prepareStackTrace = Error.prepareStackTrace;
  errorHooks.stackTraceLimit = Error.stackTraceLimit;
  for (let object = new Error("probe"); object !== null; object = Object.getPrototypeOf(object)) {
    const desc = Object.getOwnPropertyDescriptor(object, "stack");
    if (desc !== undefined) {
      trustGetters([desc.get]);
      break;
    }
  }
}

/** Puts `Error.prepareStackTrace` and `Error.stackTraceLimit` back as set-up left them. */
export function resetErrorHooks() {
  Error.prepareStackTrace = errorHooks.prepareStackTrace;
  Error.stackTraceLimit = errorHooks.stackTraceLimit;
}

/**
 * Replaces the global `FinalizationRegistry` by one whose cleanup callbacks run only while the
 * execution that created the registry is the current one: the engine may collect a target, and
 * queue its callback, during any later execution. `currentId` tells the running execution's id.
 */
export function guardFinalizationRegistry(currentId) {
  const Native = globalThis.FinalizationRegistry;
  if (typeof Native !== "function") return;
  const FinalizationRegistry = class FinalizationRegistry extends Native {
    constructor(cleanup) {
      if (typeof cleanup !== "function") throw new TypeError("FinalizationRegistry: cleanup must be callable");
      const owner = currentId();
      super((held) => {
        if (owner !== null && currentId() === owner) cleanup(held);
      });
    }
  };
  Object.defineProperty(globalThis, "FinalizationRegistry", {
    value: FinalizationRegistry,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}
