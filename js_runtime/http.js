// `fetch` for scripts, and the answers to node:http / node:https requests
// (js_runtime/node/http_mocks.js). actionhost has no network: a request is answered by the first of the
// execution's HTTP mocks that matches its method and URL (`*` in a mock's URL matches any run of
// characters; the host matches the pattern, `src/url_pattern.rs`), after the mock's delay. A
// request no mock matches rejects and fails the execution, naming the URL. Every request is
// recorded with the answer it got: method, URL, headers (with the content type its body gives),
// body as text. The request is Deno's `Request` (`web_fetch.js`), so fetch takes what Node's
// takes; an aborted signal rejects with its reason, during a mock's delay too. The answer's
// `statusText` is the status code's standard reason phrase, as a server sends it.
//
// As Node's fetch, it follows a mock's redirect (301, 302, 303, 307, 308 with a `Location`; at
// most 20) unless the request's `redirect` is "manual" (the redirect is the answer) or "error"
// (`TypeError: fetch failed`): each hop is a request of its own, answered by the mocks and
// recorded, prepared by `redirect.js`; the answer's `url` is the last hop's, `redirected` true,
// its `type` "cors" once a hop left the first URL's origin. A `data:` URL, and a `blob:` URL
// the execution made, are answered here, as Node's fetch answers them, without a mock and
// without a recorded request (nothing is sent), and a URL on a port the Fetch standard blocks
// is refused before it is sent, as Node's fetch refuses it (`TypeError: fetch failed`, cause
// `bad port`), on a redirect's hop too.
//
// A mock with `error` fails the connection instead of answering, after its delay, with Node's
// error for that failure (`connection_errors.js`): the request is recorded with that `error` and
// no status, and the script handles the error as it would on Node (the execution goes on).

import { core } from "ext:core/mod.js";
import { op_actionhost_data_url, op_actionhost_status_text, op_actionhost_url_matches } from "ext:core/ops";
import { connectionError, fetchConnectionError } from "ext:actionhost_runtime/connection_errors.js";
import * as execution from "ext:actionhost_runtime/execution.js";
import { fetchFailed, followRedirect } from "ext:actionhost_runtime/redirect.js";
import { install as installFetchClasses, loadFetch } from "ext:actionhost_runtime/web_fetch.js";

const { blobFromObjectUrl } = core.loadExtScript("ext:deno_web/09_file.js");

/** The Fetch standard's bad ports (https://fetch.spec.whatwg.org/#bad-port), which fetch never connects to. */
const BAD_PORTS = new Set(
  [
    "1", "7", "9", "11", "13", "15", "17", "19", "20", "21", "22", "23", "25", "37", "42", "43", "53", "69", "77",
    "79", "87", "95", "101", "102", "103", "104", "109", "110", "111", "113", "115", "117", "119", "123", "135",
    "137", "139", "143", "161", "179", "389", "427", "465", "512", "513", "514", "515", "526", "530", "531", "532",
    "540", "548", "554", "556", "563", "587", "601", "636", "989", "990", "993", "995", "1719", "1720", "1723",
    "2049", "3659", "4045", "4190", "5060", "5061", "6000", "6566", "6665", "6666", "6667", "6668", "6669", "6679",
    "6697", "10080",
  ],
);

let mocks = [];
let schedule = null;
let unschedule = null;
let decoder = null;

/** Per-execution mocks: `[{method?, url, status?, headers?, json? | text?, delay_ms?, error?}]`. */
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
 * mock, never from the network, redirects followed as the request's `redirect` says.
 */
async function fetch(input, init = undefined) {
  const classes = loadFetch();
  const rec = execution.current();
  const request = new classes.Request(input, init);
  if (request.signal.aborted) throw request.signal.reason;
  const inner = classes.toInnerRequest(request);
  const first = new URL(inner.currentUrl());
  if (first.protocol === "data:") return dataResponse(classes, inner);
  if (first.protocol === "blob:") return blobResponse(classes, inner);
  let tainting = "basic";
  for (;;) {
    const url = new URL(inner.currentUrl());
    if ((url.protocol === "http:" || url.protocol === "https:") && BAD_PORTS.has(url.port)) throw fetchFailed("bad port");
    const response = await send(classes, rec, request, inner);
    response.type = tainting;
    if (classes.redirectStatus(response.status) && inner.redirectMode !== "manual") {
      if (inner.redirectMode === "error") throw fetchFailed("unexpected redirect");
      if (followRedirect(inner, response, classes.extractBody)) {
        if (new URL(inner.currentUrl()).origin !== first.origin) tainting = "cors";
        continue;
      }
    }
    return classes.fromInnerResponse(response, "immutable");
  }
}

/**
 * Sends `inner` (the inner request of `request`, at its current URL) to the mocks: the request
 * recorded, the first matching mock's answer after its delay as an inner response.
 */
async function send(classes, rec, request, inner) {
  const { method } = inner;
  const url = inner.currentUrl();
  const headers = {};
  for (const [name, value] of request.headers) headers[name] = value;
  const body = bodyNow(inner.body);
  const recorded = { method, url, headers, body: body ?? null };
  const mock = findMock(method, url);
  execution.recordRequest(recorded);
  if (mock === undefined) throw unmatched(rec, recorded, new TypeError(noMockMessage("fetch", recorded)));
  // A Blob, FormData or stream body is read as the request is sent.
  if (body === undefined) {
    const text = await request.text();
    if (execution.current() === rec) execution.recordBody(recorded, text);
  }
  if (mock.delay_ms > 0) await wait(mock.delay_ms, request.signal);
  if (request.signal.aborted) throw request.signal.reason;
  if (mock.error !== undefined) {
    recorded.error = mock.error;
    throw fetchConnectionError(mock.error, url);
  }
  const status = mock.status ?? 200;
  recorded.status = status;
  return mockResponse(classes, mock, status, method, classes.processUrlList(inner.urlList, inner.urlListProcessed));
}

/** The first mock that answers `method` `url`, or undefined. */
function findMock(method, url) {
  return mocks.find(
    (m) => (m.method === undefined || m.method.toUpperCase() === method) && op_actionhost_url_matches(m.pattern, url),
  );
}

/** What a request no mock answers is told (`client` names what sent it), naming the URL. */
function noMockMessage(client, recorded) {
  return `${client}: no HTTP mock matches ${recorded.method} ${recorded.url} (scripts have no network; add a mock for it)`;
}

/**
 * `error`, the error of a request no mock answers, after which the execution fails (when it is
 * still `rec`'s).
 */
function unmatched(rec, recorded, error) {
  recorded.status = null;
  if (execution.current() === rec) execution.fail(error);
  return error;
}

/** The mock's headers, names in lower case: `content-type: application/json` first for a JSON body. */
function mockHeaders(mock) {
  const headers = { ...(mock.json !== undefined ? { "content-type": "application/json" } : {}), ...(mock.headers ?? {}) };
  return Object.entries(headers).map(([name, value]) => [String(name).toLowerCase(), String(value)]);
}

/** The mock's body as text. */
function mockBody(mock) {
  return mock.json !== undefined ? JSON.stringify(mock.json) : (mock.text ?? "");
}

/** The mock's answer as fetch gives it: the request's URLs (one per hop), the reason phrase, the mock's headers and body. */
function mockResponse(classes, mock, status, method, urlList) {
  const response = classes.newInnerResponse(status, op_actionhost_status_text(status));
  response.urlList = [...urlList];
  response.headerList = mockHeaders(mock);
  if (method !== "HEAD" && !classes.nullBodyStatus(status)) {
    response.body = classes.extractBody(mockBody(mock)).body;
  }
  return response;
}

/**
 * Answers one request sent through Node's `http` / `https` (js_runtime/node/http_mocks.js) as
 * fetch's are answered: `recorded` ({method, url, headers, body}) is recorded, and the first
 * matching mock's answer is given to `reply` ({status, statusText, headers, body}) after the
 * mock's delay, unless `cancelled()` by then; a mock's connection failure is given to `fail`
 * (Node's error for it) instead. With no matching mock, `fail` gets Node's `ECONNREFUSED`
 * and the execution fails, naming the URL.
 */
export function answerNodeRequest(recorded, reply, fail, cancelled) {
  const rec = execution.current();
  const { url } = recorded;
  const mock = findMock(recorded.method, url);
  execution.recordRequest(recorded);
  if (mock === undefined) {
    const detail = noMockMessage(url.startsWith("https:") ? "https" : "http", recorded);
    fail(unmatched(rec, recorded, connectionError("ECONNREFUSED", url, detail)));
    return;
  }
  const status = mock.error === undefined ? (mock.status ?? 200) : null;
  recorded.status = status;
  const answer = () => {
    if (cancelled()) return;
    if (mock.error === undefined) {
      reply({ status, statusText: op_actionhost_status_text(status), headers: mockHeaders(mock), body: mockBody(mock) });
      return;
    }
    // Recorded once it happened, as fetch's (a request aborted during the delay has none).
    if (execution.current() === rec) recorded.error = mock.error;
    fail(connectionError(mock.error, url));
  };
  if (mock.delay_ms > 0) schedule(answer, mock.delay_ms);
  else answer();
}

/**
 * The answer to a `data:` URL, as Node's fetch gives it (the Fetch standard's data: URL
 * processor, `op_actionhost_data_url`): 200 OK, the URL's content type, its body decoded (none
 * for HEAD), whatever the method; a URL that cannot be processed rejects as Node's does.
 */
function dataResponse(classes, inner) {
  const url = inner.currentUrl();
  const data = op_actionhost_data_url(url);
  if (data === null) throw fetchFailed("failed to fetch the data URL");
  const response = classes.newInnerResponse(200, "OK");
  response.type = "basic";
  response.urlList = [url];
  response.headerList = [["content-type", data.mime_type]];
  if (inner.method !== "HEAD") response.body = classes.extractBody(data.body).body;
  return classes.fromInnerResponse(response, "immutable");
}

/**
 * The answer to a `blob:` URL, as Node's fetch gives it (undici's scheme fetch): the blob the
 * URL names (one this execution made: object URLs are revoked when an execution ends), 200 OK
 * with its size and type; nothing is sent or recorded. A URL with a query, another method than
 * GET, or a URL that names no blob rejects as Node's does.
 */
function blobResponse(classes, inner) {
  const url = inner.currentUrl();
  if (new URL(url).search.length !== 0) throw fetchFailed("NetworkError when attempting to fetch resource.");
  const blob = blobFromObjectUrl(url);
  if (inner.method !== "GET" || blob === null) throw fetchFailed("invalid method");
  const response = classes.newInnerResponse(200, "OK");
  response.type = "basic";
  response.urlList = [url];
  response.headerList = [
    ["content-length", String(blob.size)],
    ["content-type", blob.type],
  ];
  response.body = classes.extractBody(blob).body;
  return classes.fromInnerResponse(response, "immutable");
}

/** Calls `fn` after `ms` on the execution's timers; the id is for `cancelLater`. */
export function later(fn, ms) {
  return schedule(fn, ms);
}

/** Cancels what `later` scheduled. */
export function cancelLater(id) {
  unschedule(id);
}

/** Installs `fetch` (and the classes of `web_fetch.js`); the timer functions are the execution-tracked ones. */
export function install(setTimeout, clearTimeout) {
  schedule = setTimeout;
  unschedule = clearTimeout;
  installFetchClasses();
  Object.defineProperty(globalThis, "fetch", { value: fetch, writable: true, enumerable: false, configurable: true });
}
