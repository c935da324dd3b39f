// `Headers`, `FormData`, `Request` and `Response` from Deno's own implementation of the Fetch
// standard (deno_fetch's scripts, `src/engine/extension/fetch.rs`), installed on globalThis as
// Node 22 has them. Only the classes: `fetch` itself is `http.js`'s, answered by the execution's
// HTTP mocks. They load when a script first names one (or calls `fetch`), since their scripts
// and the web streams they build on would cost every worker's start, and are frozen then, as
// lockdown froze the rest.
//
// Where Node's fetch (undici) and Deno's differ in what a script sees, Node's is given:
// - a FormData body is serialized as undici serializes it: boundary `----formdata-undici-0`
//   followed by 11 digits (from `Math.random`, so a seed makes it repeatable), names escaped
//   and line breaks made CRLF as undici does, and a final CRLF;
// - the errors a script meets (a URL that does not parse, a body read twice, an invalid header
//   or method, a status out of range …) have Node's messages, through `NODE_MESSAGES`; the
//   constructors are proxies that rewrite their errors, and `prototype.constructor` is the proxy;
// - a URL with credentials is refused, and Deno's extra `textStream()` is not there;
// - a Request's init is checked as undici checks it (`checkRequestInit`, `checkRequest`), and
//   `request.duplex` is "half".

import { core } from "ext:core/mod.js";
import { harden } from "ext:actionhost_runtime/isolation.js";
import { nodeConstructor, rewriteErrors } from "ext:actionhost_runtime/node_errors.js";
import { installLazyGlobals, loadStreams } from "ext:actionhost_runtime/web_globals.js";

/** The globals this module provides, read through `loadFetch`. */
export const FETCH_GLOBALS = ["Headers", "FormData", "Request", "Response"];

let loaded = null;

/** The values of RequestInit's enumerations, in the order Node's messages list them. */
const REQUEST_ENUMS = {
  RequestMode: "navigate, same-origin, no-cors, cors",
  RequestCredentials: "omit, same-origin, include",
  RequestCache: "default, no-store, reload, no-cache, force-cache, only-if-cached",
  RequestRedirect: "follow, manual, error",
  ReferrerPolicy: ", no-referrer, no-referrer-when-downgrade, same-origin, origin, strict-origin, origin-when-cross-origin, strict-origin-when-cross-origin, unsafe-url",
};

/** Node's text for each of Deno's messages: `[Deno's message pattern, (match, args) => Node's]`. */
const HEADER_ERROR = [/^Invalid header (name|value): "([\s\S]*)"$/, (m, _args, method) => `Headers.${method}: "${m[2]}" is an invalid header ${m[1]}.`];
const IMMUTABLE = [/^Cannot change headers?: headers are immutable$/, () => "immutable"];
const NODE_MESSAGES = {
  headers: [HEADER_ERROR, IMMUTABLE],
  request: [
    [/^Request with GET\/HEAD method cannot have body$/, () => "Request with GET/HEAD method cannot have body."],
    [/^Method is not valid$/, (_m, args) => `'${args[1]?.method}' is not a valid HTTP method.`],
    [/^Method is forbidden$/, (_m, args) => `'${args[1]?.method}' HTTP method is unsupported.`],
    [/^Input request's body is unusable$/, () => "Cannot construct a Request with a Request object that has already been used."],
    [/^Request mode 'navigate' is not allowed$/, () => "Request constructor: invalid request mode navigate."],
    [/^Request cache mode "only-if-cached" can only be used with same-origin mode$/, () => "'only-if-cached' can be set only with 'same-origin' mode"],
    [/^Failed to construct 'Request': The provided value '([\s\S]*)' is not a valid enum value of type (\w+)$/, (m) =>
      REQUEST_ENUMS[m[2]] === undefined ? m.input : `Request constructor: ${m[1]} is not an accepted type. Expected one of ${REQUEST_ENUMS[m[2]]}.`],
    HEADER_ERROR,
  ],
  response: [
    [/^The status provided \(\d+\) is not equal to 101 and outside the range \[200, 599\]$/, () => 'init["status"] must be in the range of 200 to 599, inclusive.'],
    [/^Response with null body status cannot have body$/, (_m, args) => `Response constructor: Invalid response status code ${args[1]?.status}`],
    [/^Invalid status text: /, () => "Invalid statusText"],
    [/^Invalid redirect status code: (\d+)$/, (m) => `Invalid status code ${m[1]}`],
    HEADER_ERROR,
  ],
  body: [
    [/^Body already consumed\.?$/, () => "Body is unusable: Body has already been read"],
    [/^(Missing content type|Body can not be decoded as form data)$/, () => 'Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded".'],
  ],
  clone: [[/^Body is unusable$/, (_m, _args, method) => `${method}.clone: Body has already been consumed.`]],
};

/** Node's checks of a Request's URL input: it must parse and must not hold credentials. */
function checkRequestUrl(args, RequestPrototype) {
  const input = args[0];
  if (args.length === 0 || Object.prototype.isPrototypeOf.call(RequestPrototype, input)) return;
  const text = String(input);
  let url;
  try {
    url = new URL(text);
  } catch (error) {
    throw new TypeError(`Failed to parse URL from ${text}`, { cause: error });
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${text}`);
  }
  args[0] = url.href;
}

/**
 * Node's checks of a RequestInit that Deno's Request does not make (`window` must be null,
 * `duplex` can only be "half"); its `priority`, which Node ignores and Deno checks, hidden.
 */
function checkRequestInit(args) {
  const init = args[1];
  if (init === null || typeof init !== "object") return;
  if (init.window !== undefined && init.window !== null) throw new TypeError("'window' option 'client' must be null");
  if (init.duplex !== undefined && `${init.duplex}` !== "half") {
    throw new TypeError(`Request constructor: ${init.duplex} is not an accepted type. Expected one of half.`);
  }
  if (init.priority !== undefined) args[1] = Object.create(init, { priority: { value: undefined } });
}

/**
 * Node's checks of a made Request that Deno's does not make: a "no-cors" request's method is
 * GET, HEAD or POST; a stream body (an inner body without a source) needs `duplex: "half"`.
 */
function checkRequest(request, args, toInnerRequest) {
  if (request.mode === "no-cors" && !["GET", "HEAD", "POST"].includes(request.method)) {
    throw new TypeError(`'${request.method} is unsupported in no-cors mode.`);
  }
  const init = args[1];
  const body = toInnerRequest(request).body;
  if (init?.body != null && init.duplex == null && body !== null && body.source === null) {
    throw new TypeError("RequestInit: duplex option is required when sending a body.");
  }
}

/** A FormData's body as undici (Node's fetch) serializes it, in a Blob of its content type. */
function nodeFormDataBlob(Blob) {
  const escape = (text) => text.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
  const crlf = (text) => text.replace(/\r?\n|\r/g, "\r\n");
  return function formDataToBlob(formData) {
    const boundary = `----formdata-undici-0${String(Math.floor(Math.random() * 1e11)).padStart(11, "0")}`;
    const prefix = `--${boundary}\r\nContent-Disposition: form-data`;
    const parts = [];
    for (const [name, value] of formData) {
      if (typeof value === "string") {
        parts.push(`${prefix}; name="${escape(crlf(name))}"\r\n\r\n${crlf(value)}\r\n`);
      } else {
        const filename = value.name ? `; filename="${escape(value.name)}"` : "";
        parts.push(`${prefix}; name="${escape(crlf(name))}"${filename}\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`, value, "\r\n");
      }
    }
    parts.push(`--${boundary}--\r\n`);
    return new Blob(parts, { type: `multipart/form-data; boundary=${boundary}` });
  };
}

/**
 * The classes (the globals, as Node's) and what `http.js` needs of deno_fetch's internals,
 * loaded and frozen on first use.
 */
export function loadFetch() {
  if (loaded === null) {
    loadStreams();
    const { Blob } = core.loadExtScript("ext:deno_web/09_file.js");
    const formData = core.loadExtScript("ext:deno_fetch/21_formdata.js");
    // Read by 22_body.js when it loads, just below.
    formData.formDataToBlob = nodeFormDataBlob(Blob);
    const headers = core.loadExtScript("ext:deno_fetch/20_headers.js");
    const body = core.loadExtScript("ext:deno_fetch/22_body.js");
    const request = core.loadExtScript("ext:deno_fetch/23_request.js");
    const response = core.loadExtScript("ext:deno_fetch/23_response.js");

    for (const name of ["append", "delete", "get", "has", "set"]) rewriteErrors(headers.Headers.prototype, name, NODE_MESSAGES.headers);
    // Node's Request says its `duplex`, always "half".
    Object.defineProperty(request.Request.prototype, "duplex", {
      get: Object.getOwnPropertyDescriptor(
        {
          get duplex() {
            if (!Object.prototype.isPrototypeOf.call(request.RequestPrototype, this)) throw new TypeError("Illegal invocation");
            return "half";
          },
        },
        "duplex",
      ).get,
      enumerable: true,
      configurable: true,
    });
    for (const [Class, label] of [[request.Request, "Request"], [response.Response, "Response"]]) {
      delete Class.prototype.textStream;
      for (const name of ["arrayBuffer", "blob", "bytes", "formData", "json", "text"]) {
        if (typeof Class.prototype[name] === "function") rewriteErrors(Class.prototype, name, NODE_MESSAGES.body);
      }
      rewriteErrors(Class.prototype, "clone", NODE_MESSAGES.clone, label);
    }
    for (const name of ["json", "redirect"]) rewriteErrors(response.Response, name, NODE_MESSAGES.response);
    const classes = {
      Headers: nodeConstructor(headers.Headers, NODE_MESSAGES.headers, "append"),
      FormData: formData.FormData,
      Request: nodeConstructor(
        request.Request,
        NODE_MESSAGES.request,
        "append",
        (args) => {
          checkRequestUrl(args, request.RequestPrototype);
          checkRequestInit(args);
        },
        (instance, args) => checkRequest(instance, args, request.toInnerRequest),
      ),
      Response: nodeConstructor(response.Response, NODE_MESSAGES.response, "append"),
    };
    // Instances reach shared objects the classes do not (their iterators' prototypes, the inner
    // body's class through a symbol-keyed property): samples of each are frozen with them.
    const samples = [
      new headers.Headers({ a: "b" }),
      new formData.FormData(),
      new request.Request("https://example.invalid/", { method: "POST", body: "x" }),
      new response.Response("x", { headers: { a: "b" } }),
      response.Response.json({}),
    ];
    samples[1].append("file", new Blob(["x"]), "x.txt");
    const iterators = [samples[0].entries(), samples[1].entries()];
    harden([...Object.values(classes), headers.Headers, request.Request, response.Response, ...samples, ...iterators]);
    loaded = {
      ...classes,
      extractBody: body.extractBody,
      toInnerRequest: request.toInnerRequest,
      processUrlList: request.processUrlList,
      newInnerResponse: response.newInnerResponse,
      fromInnerResponse: response.fromInnerResponse,
      nullBodyStatus: response.nullBodyStatus,
      redirectStatus: response.redirectStatus,
    };
  }
  return loaded;
}

/** Installs the classes as globals that load them on first read. */
export function install() {
  installLazyGlobals(FETCH_GLOBALS, loadFetch);
}
