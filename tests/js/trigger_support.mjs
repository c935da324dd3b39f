// trigger_support.mjs: what the Node tests of the triggers' apis share: an api built from a
// trigger's TRIGGER.createApi with a recording ctx, exact error assertions, the checks every
// api object passes (frozen, getters only, sealed classes), the trigger's default event from
// src/actions/events/, and its example Action from the example tenant (fixtures/tenant/actions/) run as a CommonJS module.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { exampleActionUrl } from "./example_actions.mjs";


export const NOW = 1_700_000_000_000; // fixed clock (ms)
const ROOT = new URL("../../", import.meta.url);

export function hmacSha256(secret, data) {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(Buffer.from(data, "utf8")).digest("base64url");
}

/** The default event of trigger folder `name` (e.g. "credentials_exchange"), freshly parsed. */
export function defaultEvent(name) {
  return JSON.parse(readFileSync(new URL(`src/actions/events/${name}.json`, ROOT), "utf8"));
}

/** An api of `trigger` over `event` whose recorded calls land in `calls`. */
export function setup(trigger, event, overrides = {}) {
  const calls = [];
  const clock = { now: NOW };
  const ctx = {
    event,
    phase: overrides.phase ?? "execute",
    record(api, args) {
      calls.push({ api, args });
    },
    cache: overrides.cache ?? new Map(),
    now: () => clock.now,
    hmacSha256,
  };
  return { api: trigger.createApi(ctx), calls, event, store: ctx.cache, clock, ctx };
}

export function throwsExact(fn, type, message) {
  assert.throws(fn, (e) => {
    assert.equal(e.constructor, type, `expected ${type.name}, got ${e.constructor.name}: ${e.message}`);
    assert.equal(e.message, message);
    return true;
  });
}

/** Asserts the api has exactly `methods` ({namespace: [method…]}) and the object model post-login's has. */
export function assertApiShape(api, methods) {
  const names = Object.keys(methods).sort();
  assert.ok(Object.isFrozen(api));
  const proto = Object.getPrototypeOf(api);
  assert.ok(Object.isFrozen(proto));
  assert.deepEqual(Object.getOwnPropertyNames(proto).sort(), names);
  assert.deepEqual(Reflect.ownKeys(api), []);
  assert.equal(api.constructor, Object, "no class reachable from the api");
  for (const name of names) {
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    assert.equal(typeof desc.get, "function", `${name} is a getter`);
    assert.equal(desc.set, undefined, `${name} has no setter`);
    const ns = api[name];
    assert.equal(api[name], ns, `${name} is created once`);
    assert.ok(Object.isFrozen(ns), `${name} frozen`);
    assert.equal(ns.constructor, Object, `${name}: no class reachable`);
    const nsProto = Object.getPrototypeOf(ns);
    assert.ok(Object.isFrozen(nsProto), `${name} prototype frozen`);
    assert.deepEqual(Object.getOwnPropertyNames(nsProto).sort(), [...methods[name]].sort(), `${name} methods`);
    for (const m of methods[name]) assert.equal(typeof ns[m], "function", `${name}.${m}`);
  }
  assert.throws(() => { "use strict"; api[names[0]] = {}; }, TypeError);
}

/** Loads the example tenant's Action for trigger <name> as a CommonJS module (as the host does) and returns its exports. */
export function loadExample(name) {
  const filename = exampleActionUrl(name).pathname;
  const source = readFileSync(filename, "utf8");
  const fn = vm.compileFunction(source, ["exports", "require", "module", "__filename", "__dirname"], { filename });
  const module = { exports: {} };
  const require = (id) => {
    throw new Error(`the example requires nothing (asked for ${id})`);
  };
  fn.call(module.exports, module.exports, require, module, filename, ".");
  return module.exports;
}

/** Runs the example Action of `name` once: its handler must be an async function, as Auth0 requires. */
export async function runExample(name, trigger, event, overrides = {}) {
  const exports = loadExample(name);
  const handler = exports[trigger.handlers.execute];
  assert.equal(typeof handler, "function", `${name} exports ${trigger.handlers.execute}`);
  assert.equal(handler.constructor.name, "AsyncFunction");
  const env = setup(trigger, event, overrides);
  const logs = [];
  const realLog = console.log;
  console.log = (...a) => logs.push(a.join(" "));
  try {
    await handler(event, env.api);
  } finally {
    console.log = realLog;
  }
  return { ...env, logs };
}

/** Asserts every dotted path of `paths` is present (not undefined) in `obj`. */
export function assertHasPaths(obj, paths) {
  for (const path of paths) {
    let v = obj;
    for (const part of path.split(".")) v = v?.[part];
    assert.notEqual(v, undefined, `default event has ${path}`);
  }
}

/**
 * The tests every cache-only trigger (api = {cache}) passes: its TRIGGER, its api's shape, the
 * common cache recording through it, and its default event's required `paths`.
 */
export async function describeCacheOnlyTrigger({ name, trigger, id, handler, paths }) {
  const { describe, it } = await import("node:test");
  describe(`${id} TRIGGER and api`, () => {
    it("names Auth0's trigger id and its one handler", () => {
      assert.equal(trigger.id, id);
      assert.deepEqual({ ...trigger.handlers }, { execute: handler });
      assert.ok(Object.isFrozen(trigger) && Object.isFrozen(trigger.handlers));
    });

    it("builds an api of api.cache alone, one per execution", () => {
      const a = setup(trigger, defaultEvent(name));
      assertApiShape(a.api, { cache: ["get", "set", "delete"] });
      assert.notEqual(setup(trigger, defaultEvent(name)).api.cache, a.api.cache);
    });

    it("records cache.set and cache.delete and reads through cache.get", () => {
      const { api, calls, store } = setup(trigger, defaultEvent(name));
      assert.deepEqual(api.cache.set("k", "v", { ttl: 1000 }), {
        type: "success", record: { value: "v", expires_at: NOW + 1000 },
      });
      assert.deepEqual(api.cache.get("k"), { value: "v", expires_at: NOW + 1000 });
      assert.deepEqual(api.cache.delete("k"), { type: "success" });
      assert.equal(api.cache.get("k"), undefined);
      assert.deepEqual(api.cache.set("k", "x".repeat(4097)), { type: "error", code: "CacheValueSizeExceeded" });
      throwsExact(() => api.cache.set(1, "v"), TypeError, "api.cache.set: key must be a string (got 1)");
      assert.deepEqual(calls, [
        { api: "cache.set", args: ["k", "v", { expires_at: NOW + 1000 }] },
        { api: "cache.delete", args: ["k"] },
      ]);
      assert.equal(store.size, 0);
    });
  });

  describe(`${id} default event`, () => {
    it("has every field Auth0's type definitions require, with the project's fixed values", () => {
      const event = defaultEvent(name);
      assertHasPaths(event, [...paths, "tenant.id", "secrets", "configuration"]);
      assert.equal(event.tenant.id, "example");
      assert.deepEqual([event.secrets, event.configuration], [{}, {}]);
      if (event.request) assert.equal(event.request.ip, "203.0.113.42");
      if (event.client) {
        assert.deepEqual(event.client, {
          client_id: "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs", name: "Example Application", metadata: {},
        });
      }
    });
  });
}
