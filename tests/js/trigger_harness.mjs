// Shared helpers of the Node tests of the Actions triggers other than post-login: a recording
// ctx with a fixed clock around a trigger's createApi, the trigger's default event
// (src/actions/events/), its example Action (fixtures/tenant/actions/) run in a fresh node:vm context
// as a CommonJS module, exact-error assertions and HS256 tokens.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { exampleActionUrl } from "./example_actions.mjs";


export const NOW = 1_717_234_800_000; // 2024-06-01T09:40:00Z, ten minutes after the default login
export const NOW_S = NOW / 1000;

const ROOT = new URL("../../", import.meta.url);

export function hmacSha256(secret, data) {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(Buffer.from(data, "utf8")).digest("base64url");
}

/** The trigger's default event, parsed afresh. */
export function defaultEvent(trigger) {
  return JSON.parse(readFileSync(new URL(`src/actions/events/${trigger}.json`, ROOT), "utf8"));
}

/** A recording api of `createApi` for one execution. */
export function setup(createApi, overrides = {}) {
  const calls = [];
  const clock = { now: NOW };
  const event = overrides.event;
  const ctx = {
    event,
    phase: overrides.phase ?? "execute",
    record(api, args) {
      calls.push({ api, args });
    },
    cache: overrides.cache ?? new Map(),
    now: () => clock.now,
    hmacSha256,
    ...overrides.ctx,
  };
  return { api: createApi(ctx), calls, event, store: ctx.cache, clock, ctx };
}

export function throwsExact(fn, type, message) {
  assert.throws(fn, (e) => {
    assert.equal(e.constructor.name, type.name, `expected ${type.name}, got ${e.constructor.name}: ${e.message}`);
    assert.equal(e.message, message);
    return true;
  });
}

/**
 * Loads the example tenant's Action for <trigger> as a CommonJS module in a fresh context whose globals
 * are `globals` (e.g. a `fetch` stub) and returns its exports.
 */
export function loadExample(trigger, globals = {}) {
  const file = exampleActionUrl(trigger);
  const source = readFileSync(file, "utf8");
  const module = { exports: {} };
  const context = vm.createContext({ console, URL, URLSearchParams, ...globals });
  const wrapper = vm.runInContext(`(function (exports, require, module) {${source}\n})`, context, {
    filename: file.pathname,
  });
  wrapper(module.exports, () => {
    throw new Error("the example Actions require nothing");
  }, module);
  return module.exports;
}

/** A `fetch` stub answering every request with `status` and JSON `body`; `requests` lists the calls. */
export function fetchStub(status, body = {}) {
  const requests = [];
  const fetch = async (url, init = {}) => {
    requests.push({ url: String(url), method: init.method ?? "GET", body: init.body ?? null });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  };
  return { fetch, requests };
}

export function signJwt(payload, secret) {
  const h = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const p = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${h}.${p}.${hmacSha256(secret, `${h}.${p}`)}`;
}

/** Asserts that the api object has exactly `shape` ({namespace: [methods]}) as frozen getters. */
export function assertShape(api, shape) {
  assert.ok(Object.isFrozen(api));
  const proto = Object.getPrototypeOf(api);
  assert.deepEqual(Object.getOwnPropertyNames(proto).sort(), Object.keys(shape).sort());
  for (const [ns, methods] of Object.entries(shape)) {
    assert.equal(typeof Object.getOwnPropertyDescriptor(proto, ns).get, "function", `${ns} is a getter`);
    const o = api[ns];
    assert.equal(api[ns], o, `${ns} is created once`);
    assert.ok(Object.isFrozen(o) && Object.isFrozen(Object.getPrototypeOf(o)));
    const own = Object.getOwnPropertyNames(Object.getPrototypeOf(o)).sort();
    assert.deepEqual(own, [...methods].sort(), `methods of api.${ns}`);
  }
}
