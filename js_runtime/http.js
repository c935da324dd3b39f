// `fetch` for scripts. actionhost has no network: a request is answered by the first of the
// execution's HTTP mocks that matches its method and URL (`*` in a mock's URL matches any run of
// characters; the host matches the pattern, `src/url_pattern.rs`), after the mock's delay. A
// request no mock matches rejects and fails the execution, naming the URL. Every request is
// recorded with the answer it got.

import { op_actionhost_url_matches } from "ext:core/ops";
import * as execution from "ext:actionhost_runtime/execution.js";

let mocks = [];
let schedule = null;
let encoder = null;

/** Per-execution mocks: `[{method?, url, status?, headers?, json? | text?, delay_ms?}]`. */
export function configure(list) {
  mocks = (list ?? []).map((mock) => ({ ...mock, pattern: normalizedUrl(mock.url) }));
}

// Requests are matched by their normalized URL (`https://api.example.com` is fetched as
// `https://api.example.com/`), so a mock URL without `*` is normalized the same way.
function normalizedUrl(url) {
  const text = String(url);
  if (text.includes("*")) return text;
  try {
    return new URL(text).href;
  } catch {
    return text;
  }
}

class Headers {
  #map = new Map();
  constructor(init) {
    const entries = init instanceof Headers ? init.entries() : Array.isArray(init) ? init : Object.entries(init ?? {});
    for (const [name, value] of entries) this.#map.set(String(name).toLowerCase(), String(value));
  }
  get(name) {
    return this.#map.get(String(name).toLowerCase()) ?? null;
  }
  has(name) {
    return this.#map.has(String(name).toLowerCase());
  }
  set(name, value) {
    this.#map.set(String(name).toLowerCase(), String(value));
  }
  forEach(callback, thisArg) {
    for (const [name, value] of this.#map) callback.call(thisArg, value, name, this);
  }
  entries() {
    return this.#map.entries();
  }
  keys() {
    return this.#map.keys();
  }
  values() {
    return this.#map.values();
  }
  [Symbol.iterator]() {
    return this.#map.entries();
  }
}

class Response {
  #body;
  #used = false;
  constructor(body, init = {}) {
    this.#body = body ?? "";
    this.status = init.status ?? 200;
    this.statusText = init.statusText ?? "";
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new Headers(init.headers);
    this.url = init.url ?? "";
    this.redirected = false;
    this.type = "basic";
  }
  get bodyUsed() {
    return this.#used;
  }
  #consume() {
    if (this.#used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.#used = true;
    return Promise.resolve(this.#body);
  }
  text() {
    return this.#consume();
  }
  json() {
    return this.#consume().then((text) => JSON.parse(text));
  }
  arrayBuffer() {
    return this.#consume().then((text) => (encoder ??= new TextEncoder()).encode(text).buffer);
  }
  clone() {
    return new Response(this.#body, { status: this.status, statusText: this.statusText, headers: this.headers, url: this.url });
  }
}

function plainHeaders(headers) {
  const out = {};
  for (const [name, value] of new Headers(headers)) out[name] = value;
  return out;
}

function bodyText(body) {
  if (body === undefined || body === null) return null;
  return typeof body === "string" ? body : String(body);
}

async function fetch(input, init = {}) {
  const rec = execution.current();
  const target = typeof input === "object" && input !== null && "url" in input ? input.url : input;
  const url = new URL(String(target)).href;
  const method = String(init.method ?? input?.method ?? "GET").toUpperCase();
  const request = { method, url, headers: plainHeaders(init.headers ?? input?.headers), body: bodyText(init.body) };
  const mock = mocks.find(
    (m) => (m.method === undefined || m.method.toUpperCase() === method) && op_actionhost_url_matches(m.pattern, url),
  );
  execution.recordRequest(request);
  if (mock === undefined) {
    request.status = null;
    const error = new TypeError(`fetch: no HTTP mock matches ${method} ${url} (scripts have no network; add a mock for it)`);
    if (execution.current() === rec) execution.fail(error);
    throw error;
  }
  if (mock.delay_ms > 0) await new Promise((resolve) => schedule(resolve, mock.delay_ms));
  const status = mock.status ?? 200;
  request.status = status;
  const headers = { ...(mock.json !== undefined ? { "content-type": "application/json" } : {}), ...(mock.headers ?? {}) };
  const body = mock.json !== undefined ? JSON.stringify(mock.json) : (mock.text ?? "");
  return new Response(body, { status, headers, url });
}

/** Installs `fetch`, `Headers` and `Response`; `setTimeout` is the execution-tracked one. */
export function install(setTimeout) {
  schedule = setTimeout;
  for (const [name, value] of Object.entries({ fetch, Headers, Response })) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
}
