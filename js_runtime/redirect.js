// The Fetch standard's HTTP-redirect fetch (https://fetch.spec.whatwg.org/#http-redirect-fetch),
// for `http.js`: given a request (deno_fetch's inner request, `web_fetch.js`) and the redirect a
// mock answered it with, the request of the next hop, changed in place as the standard and
// deno_fetch's own `httpRedirectFetch` (`26_fetch.js`, bound to its network ops, so not loaded)
// change it: its URL list grows by the `Location` resolved against the current URL (the fragment
// kept when the new URL has none); a 303, or a 301/302 of a POST, becomes a GET without body and
// without the headers that describe one; another origin gets no `Authorization`, `Cookie`,
// `Proxy-Authorization` or `Host`; a body kept is extracted again from its source. Where the
// standard answers with a network error, Node's fetch (undici) rejects with `TypeError: fetch
// failed` and the reason as its `cause`, with undici's words; so does this.

/** The standard's request-body-header names, dropped when a redirect turns the request into a GET. */
const REQUEST_BODY_HEADER_NAMES = ["content-encoding", "content-language", "content-location", "content-type"];

/** The headers undici drops when a redirect leads to another origin (the standard's CORS non-wildcard names, and `host`). */
const CROSS_ORIGIN_DROPPED_HEADER_NAMES = ["authorization", "proxy-authorization", "cookie", "host"];

/** How many redirects a fetch follows. */
const MAX_REDIRECTS = 20;

/** Node's rejection for a network error: `TypeError: fetch failed`, `reason` (an Error, or its message) as the cause. */
export function fetchFailed(reason = undefined) {
  return new TypeError("fetch failed", { cause: reason instanceof Error ? reason : new Error(reason) });
}

/** Removes from `headerList` (in place: the request's `Headers` read the same list) the headers named in `names`. */
function dropHeaders(headerList, names) {
  for (let i = headerList.length - 1; i >= 0; i--) {
    if (names.includes(headerList[i][0].toLowerCase())) headerList.splice(i, 1);
  }
}

/**
 * Prepares `request` for the hop `response` (a redirect status answered to it) leads to, and
 * says whether there is one: false when the response has no `Location`, and is then the answer.
 * Throws `fetchFailed` where the standard gives a network error. `extractBody` is deno_fetch's.
 */
export function followRedirect(request, response, extractBody) {
  const location = response.headerList.find(([name]) => name.toLowerCase() === "location");
  if (location === undefined) return false;
  const current = new URL(request.currentUrl());
  let target;
  try {
    target = new URL(location[1], current);
  } catch (error) {
    throw fetchFailed(error);
  }
  if (target.hash === "") target.hash = current.hash;
  if (target.protocol !== "http:" && target.protocol !== "https:") throw fetchFailed("URL scheme must be a HTTP(S) scheme");
  if (request.redirectCount === MAX_REDIRECTS) throw fetchFailed("redirect count exceeded");
  request.redirectCount += 1;
  // Node's fetch has no origin of its own, so credentials in the new URL are always another origin's.
  if ((request.mode ?? "cors") === "cors" && (target.username !== "" || target.password !== "")) {
    throw fetchFailed('cross origin not allowed for request mode "cors"');
  }
  // A stream body was read by the first hop and cannot be sent again.
  if (response.status !== 303 && request.body !== null && request.body.source === null) throw fetchFailed();
  const { status } = response;
  if (((status === 301 || status === 302) && request.method === "POST") || (status === 303 && request.method !== "GET" && request.method !== "HEAD")) {
    request.method = "GET";
    request.body = null;
    dropHeaders(request.headerList, REQUEST_BODY_HEADER_NAMES);
  }
  if (target.origin !== current.origin) dropHeaders(request.headerList, CROSS_ORIGIN_DROPPED_HEADER_NAMES);
  if (request.body !== null) request.body = extractBody(request.body.source).body;
  const href = target.href;
  request.urlList.push(() => href);
  return true;
}
