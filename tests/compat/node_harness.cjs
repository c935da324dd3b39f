// Runs one conformance script under Node the way Auth0 runs it (Node 22, UTC), and prints its
// result as one JSON line: {"result": …, "error": …}. The reference side of tests/compat.
//
//   TZ=UTC node node_harness.cjs rule|action SCRIPT NOW_MS
//
// An Action (`exports.onExecute…`) is loaded as a CommonJS module whose `require` is rooted at
// the script's folder (so it finds tests/compat/node_modules), and gets event.json as `event` and
// an `api` that records `api.idToken.setCustomClaim`. A Rule (`function (user, context, callback)`)
// is evaluated as a function expression with `require` in scope and called with user.json and
// context.json. The clock is frozen at NOW_MS, as `actionhost run --now` freezes it.
//
// The HTTP mocks of fixtures/http.json (the list `actionhost run --http` takes) answer Node's own
// `fetch` and its `http` / `https` clients: fetch's dispatcher and the agents of node:http and
// node:https connect every origin to a local plain-HTTP server that answers from the mocks and
// records each request as Node sent it (method, `https://` (`http://` for node:http) + host +
// path, headers, body as text, without the headers Node's clients add by themselves:
// own_headers.cjs), reported as `requests`.
//
// A mock with `error` fails as a network fails, for real: the server resets the connection of an
// `ECONNRESET` request once it has read it; a connection to the origin of an `ECONNREFUSED` or
// `ENOTFOUND` mock is made for real instead of to the server, so those mocks name an origin where
// it fails so (`http://127.0.0.1:1`, a `.invalid` host). Such a request never reaches the server,
// so it is not among the `requests` (compat.test.mjs compares actionhost's without them).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const http = require("node:http");
const https = require("node:https");
const net = require("node:net");
const { createRequire } = require("node:module");
const { ownHeaders } = require("./own_headers.cjs");

const [kind, scriptPath, nowArg] = process.argv.slice(2);
const NOW = Number(nowArg);
const fixtures = path.join(__dirname, "fixtures");
const fixture = (name) => JSON.parse(fs.readFileSync(path.join(fixtures, name), "utf8"));

// Freeze the clock: `new Date()` and `Date.now()` give NOW; every other use of Date is Node's.
const RealDate = Date;
function FrozenDate(...args) {
  if (new.target === undefined) return new RealDate(NOW).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [NOW] : args, new.target);
}
Object.setPrototypeOf(FrozenDate, RealDate);
FrozenDate.prototype = RealDate.prototype;
FrozenDate.now = () => NOW;
globalThis.Date = FrozenDate;

/** What a script reported: the JSON form of its value, as a claim or a token property is sent. */
const asJson = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
const errorOf = (error) => (error instanceof Error ? error.message : String(error));

/** What Node's fetch sent, as the mock server received it. */
const requests = [];


/** A mock's URL pattern as a regular expression: `*` is any run of characters. */
const patternOf = (url) => new RegExp(`^${url.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

/** Starts the mock server and routes Node's fetch to it, for every origin. */
async function mockFetch() {
  // As actionhost matches: a URL without `*` normalized first (`https://a.example` is `https://a.example/`).
  const mocks = fixture("http.json").map((mock) => ({ ...mock, pattern: patternOf(mock.url.includes("*") ? mock.url : new URL(mock.url).href) }));
  const serve = (scheme) => (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const url = `${scheme}//${req.headers.host}${req.url}`;
      const headers = ownHeaders(req.headers);
      const body = chunks.length === 0 ? null : Buffer.concat(chunks).toString("utf8");
      const mock = mocks.find((m) => (m.method === undefined || m.method.toUpperCase() === req.method) && m.pattern.test(url));
      if (mock?.error === "ECONNRESET") {
        requests.push({ method: req.method, url, headers, body, status: null, error: mock.error });
        return req.socket.resetAndDestroy();
      }
      requests.push({ method: req.method, url, headers, body, status: mock ? (mock.status ?? 200) : null });
      if (mock === undefined) return res.writeHead(599).end();
      const json = mock.json !== undefined;
      res.writeHead(mock.status ?? 200, { ...(json ? { "content-type": "application/json" } : {}), ...(mock.headers ?? {}) });
      res.end(json ? JSON.stringify(mock.json) : (mock.text ?? ""));
    });
  };
  const listen = async (scheme) => {
    const server = http.createServer(serve(scheme));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server.address().port;
  };
  const port = await listen("https:");
  // Origins whose connections fail for real (host:port, the scheme's default port when absent).
  const failing = new Set();
  for (const mock of mocks) {
    if (mock.error === "ECONNRESET" || mock.error === undefined) continue;
    if (mock.error !== "ECONNREFUSED" && mock.error !== "ENOTFOUND") throw new Error(`${mock.url}: ${mock.error} cannot be made for real`);
    const url = new URL(mock.url.replaceAll("*", "x"));
    failing.add(`${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`);
  }
  /** A real connection to `host`:`port` when it is a failing origin, else a plain one to the server on `serverPort`. */
  const connect = (host, port, serverPort, callback) =>
    failing.has(`${host}:${port}`) ? net.connect(port, host, callback) : net.connect(serverPort, "127.0.0.1", callback);
  // node:http and node:https: every agent connects to the server of its scheme, in plain TCP.
  const httpPort = await listen("http:");
  http.Agent.prototype.createConnection = (options, callback) => connect(options.host, options.port ?? 80, httpPort, callback);
  https.Agent.prototype.createConnection = (options, callback) => connect(options.host, options.port ?? 443, port, callback);
  // Node's fetch reads its dispatcher from this global (undici's own key); its first call makes
  // the default one (a `data:` URL sends nothing), whose class takes a connector: plain TCP to
  // the server.
  const key = Symbol.for("undici.globalDispatcher.1");
  await fetch("data:,");
  const Agent = globalThis[key].constructor;
  globalThis[key] = new Agent({ connect: (options, callback) => {
    const target = Number(options.port || (options.protocol === "https:" ? 443 : 80));
    const socket = connect(options.hostname, target, port, () => callback(null, socket));
    socket.on("error", (error) => callback(error, null));
  } });
}

function finish(outcome) {
  outcome.requests = requests;
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  // Sockets or timers a package left open (a refused connection's retry…) must not keep Node alive.
  process.exit(0);
}

async function runAction(source, require) {
  const module = { exports: {} };
  const wrapper = vm.runInThisContext(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: scriptPath },
  );
  wrapper.call(module.exports, module.exports, require, module, scriptPath, path.dirname(scriptPath));
  const claims = new Map();
  const ignore = new Proxy(() => ignore, { get: () => ignore });
  const api = new Proxy(
    { idToken: { setCustomClaim: (name, value) => claims.set(name, asJson(value)) } },
    { get: (target, key) => (key in target ? target[key] : ignore) },
  );
  let error = null;
  try {
    await module.exports.onExecutePostLogin(fixture("event.json"), api);
  } catch (thrown) {
    error = errorOf(thrown);
  }
  return { result: claims.has("result") ? claims.get("result") : null, error };
}

function runRule(source, require) {
  const rule = vm.runInThisContext(`(function (require, configuration) { return (${source}\n); })`, {
    filename: scriptPath,
  })(require, {});
  const user = fixture("user.json");
  const context = fixture("context.json");
  context.idToken = {};
  context.accessToken = {};
  return new Promise((resolve) => {
    const callback = (error, _user, reported = context) =>
      resolve({ result: asJson(reported?.idToken?.result), error: error ? errorOf(error) : null });
    try {
      rule(user, context, callback);
    } catch (thrown) {
      resolve({ result: null, error: errorOf(thrown) });
    }
  });
}

async function main() {
  await mockFetch();
  const source = fs.readFileSync(scriptPath, "utf8");
  const require = createRequire(scriptPath);
  finish(kind === "rule" ? await runRule(source, require) : await runAction(source, require));
}

main().catch((error) => finish({ result: null, error: `harness: ${errorOf(error)}` }));
