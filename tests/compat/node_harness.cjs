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
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { createRequire } = require("node:module");

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

function finish(outcome) {
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
  const source = fs.readFileSync(scriptPath, "utf8");
  const require = createRequire(scriptPath);
  finish(kind === "rule" ? await runRule(source, require) : await runAction(source, require));
}

main().catch((error) => finish({ result: null, error: `harness: ${errorOf(error)}` }));
