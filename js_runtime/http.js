// `fetch` for scripts. actionhost has no network: a request is answered by the first of the
// execution's HTTP mocks that matches its method and URL (`*` in a mock's URL matches any run of
// characters; the host matches the pattern, `src/url_pattern.rs`), after the mock's delay. A
// request no mock matches rejects and fails the execution, naming the URL. Every request is
// recorded with the answer it got: method, URL, headers (with the content type its body gives),
// body as text. The request is Deno's `Request` (`web_fetch.js`), so fetch takes what Node's
// takes; an aborted signal rejects with its reason, during a mock's delay too. The answer's
// `statusText` is the status code's standard reason phrase, as a server sends it.

import { op_actionhost_status_text, op_actionhost_url_matches } from "ext:core/ops";
import * as execution from "ext:actionhost_runtime/execution.js";
import { install as installFetchClasses, loadFetch } from "ext:actionhost_runtime/web_fetch.js";

let mocks = [];
let schedule = null;
let decoder = null;

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

/**
 * The recorded body of a request whose inner body is `inner` (null: none): its text, read now
 * when its source is text or bytes, else `undefined` (a Blob, FormData or stream, read later).
 */
function bodyNow(inner) {
  if (inner === null) return null;
  const source = inner.source;
  if (typeof source === "string") return source;
  if (source instanceof Uint8Array) return (decoder ??= new TextDecoder()).decode(source);
  return undefined;
}

/** Waits `delay` ms on the execution's timers; rejects with the signal's reason if it aborts first. */
function wait(delay, signal) {
  return new Promise((resolve, reject) => {
    const aborted = () => reject(signal.reason);
    signal.addEventListener("abort", aborted, { once: true });
    schedule(() => {
      signal.removeEventListener("abort", aborted);
      resolve();
    }, delay);
  });
}

/**
 * `fetch` as Node's: what it accepts (a URL or a Request; any body a Request takes, with its
 * content type) is Deno's Request's (`web_fetch.js`); the answer comes from the first matching
 * mock, never from the network.
 */
async function fetch(input, init = undefined) {
  const classes = loadFetch();
  const rec = execution.current();
  const request = new classes.Request(input, init);
  if (request.signal.aborted) throw request.signal.reason;
  const { method, url } = request;
  const headers = {};
  for (const [name, value] of request.headers) headers[name] = value;
  const inner = classes.toInnerRequest(request).body;
  const body = bodyNow(inner);
  const recorded = { method, url, headers, body: body ?? null };
  const mock = mocks.find(
    (m) => (m.method === undefined || m.method.toUpperCase() === method) && op_actionhost_url_matches(m.pattern, url),
  );
  execution.recordRequest(recorded);
  if (mock === undefined) {
    recorded.status = null;
    const error = new TypeError(`fetch: no HTTP mock matches ${method} ${url} (scripts have no network; add a mock for it)`);
    if (execution.current() === rec) execution.fail(error);
    throw error;
  }
  // A Blob, FormData or stream body is read as the request is sent.
  if (body === undefined) {
    const text = await request.text();
    if (execution.current() === rec) execution.recordBody(recorded, text);
  }
  if (mock.delay_ms > 0) await wait(mock.delay_ms, request.signal);
  if (request.signal.aborted) throw request.signal.reason;
  const status = mock.status ?? 200;
  recorded.status = status;
  return mockResponse(classes, mock, status, method, url);
}

/** The mock's answer as a Response fetch gives: its URL and reason phrase set, its headers immutable. */
function mockResponse(classes, mock, status, method, url) {
  const response = classes.newInnerResponse(status, op_actionhost_status_text(status));
  response.type = "basic";
  response.urlList = [url];
  const headers = { ...(mock.json !== undefined ? { "content-type": "application/json" } : {}), ...(mock.headers ?? {}) };
  response.headerList = Object.entries(headers).map(([name, value]) => [String(name).toLowerCase(), String(value)]);
  if (method !== "HEAD" && !classes.nullBodyStatus(status)) {
    response.body = classes.extractBody(mock.json !== undefined ? JSON.stringify(mock.json) : (mock.text ?? "")).body;
  }
  return classes.fromInnerResponse(response, "immutable");
}

/** Installs `fetch` (and the classes of `web_fetch.js`); `setTimeout` is the execution-tracked one. */
export function install(setTimeout) {
  schedule = setTimeout;
  installFetchClasses();
  Object.defineProperty(globalThis, "fetch", { value: fetch, writable: true, enumerable: false, configurable: true });
}
