// node_builtins.test.mjs: differential test of Node's built-in modules as actionhost gives them
// (feature node-builtins, from deno_node) against Node itself. One Action computes a table of
// values with `require('crypto')`, `buffer`, `util`, `querystring`, `url`, `path`, `events`,
// `string_decoder` and `zlib`; Node runs it and `actionhost run` runs it, and every value must be
// identical. Also: scripts that call what would take the host down (`process.abort()`,
// `vm.runInNewContext`) or read a file get an error in the script, and what one execution changes
// in a built-in module does not reach the next one on the same worker.
// Skipped unless `actionhost --version` says the binary has the Node built-ins.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import zlib from "node:zlib";
import { BINARY } from "./serve_support.mjs";

const version = spawnSync(BINARY, ["--version"], { encoding: "utf8" }).stdout ?? "";
const skip = version.includes("Node built-ins") ? false : `${BINARY} was built without the feature node-builtins`;

const dir = mkdtempSync(join(tmpdir(), "actionhost-node-builtins-"));

// Compressed by Node here: actionhost must read what Node wrote.
const GZIPPED = zlib.gzipSync("Hello, gzip! ".repeat(20)).toString("base64");
const DEFLATED = zlib.deflateSync(JSON.stringify({ a: [1, 2, 3], b: "ü" })).toString("base64");

/** Expressions evaluated by both; each value is JSON-compared. */
const CASES = String.raw`[
  ["sha256 hex", () => require("crypto").createHash("sha256").update("hello").digest("hex")],
  ["sha256 base64 utf8", () => require("crypto").createHash("sha256").update("héllo wörld €").digest("base64")],
  ["sha256 two updates", () => require("crypto").createHash("sha256").update("ab").update(Buffer.from("cd")).digest("hex")],
  ["sha1 hex", () => require("crypto").createHash("sha1").update("hello").digest("hex")],
  ["sha1 base64", () => require("crypto").createHash("sha1").update("").digest("base64")],
  ["md5 hex", () => require("crypto").createHash("md5").update("hello").digest("hex")],
  ["md5 base64", () => require("crypto").createHash("md5").update("The quick brown fox").digest("base64")],
  ["sha512 hex", () => require("crypto").createHash("sha512").update("x").digest("hex")],
  ["hmac sha256 hex", () => require("crypto").createHmac("sha256", "secret").update("message").digest("hex")],
  ["hmac sha256 base64", () => require("crypto").createHmac("sha256", Buffer.from("k3y")).update("é").digest("base64")],
  ["hmac sha1 hex", () => require("crypto").createHmac("sha1", "key").update("data").digest("hex")],
  ["node: prefix is the same module", () => require("node:crypto") === require("crypto")],
  ["getHashes has sha256", () => require("crypto").getHashes().includes("sha256")],
  ["randomUUID format", () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(require("crypto").randomUUID())],
  ["randomBytes length", () => require("crypto").randomBytes(16).length],
  ["timingSafeEqual equal", () => require("crypto").timingSafeEqual(Buffer.from("abc"), Buffer.from("abc"))],
  ["timingSafeEqual differ", () => require("crypto").timingSafeEqual(Buffer.from("abc"), Buffer.from("abd"))],
  ["timingSafeEqual lengths", () => { try { require("crypto").timingSafeEqual(Buffer.from("a"), Buffer.from("ab")); return "no error"; } catch (e) { return [e.name, e.code]; } }],
  ["pbkdf2Sync", () => require("crypto").pbkdf2Sync("pw", "salt", 1000, 32, "sha256").toString("hex")],
  ["Buffer base64", () => require("buffer").Buffer.from("héllo wörld").toString("base64")],
  ["Buffer hex", () => Buffer.from("héllo").toString("hex")],
  ["Buffer base64url", () => Buffer.from([251, 255, 191, 0, 1]).toString("base64url")],
  ["Buffer from base64", () => Buffer.from("aMOpbGxv", "base64").toString("utf8")],
  ["Buffer from hex", () => Buffer.from("68c3a96c6c6f", "hex").toString()],
  ["Buffer latin1", () => Buffer.from("ÿé", "latin1").toString("hex")],
  ["Buffer concat compare", () => [Buffer.concat([Buffer.from("a"), Buffer.from("b")]).toString(), Buffer.compare(Buffer.from("a"), Buffer.from("b"))]],
  ["Buffer JSON", () => Buffer.from("hi").toJSON()],
  ["util.format", () => require("util").format("%s=%d %i %j %%", "a", 1.5, 2.9, { b: [1] })],
  ["util.format extra args", () => require("util").format("x", 1, "y", { z: 1 })],
  ["util.inspect", () => require("util").inspect({ a: 1, b: "x", c: [1, 2, { d: null }], e: undefined })],
  ["util.isDeepStrictEqual", () => require("util").isDeepStrictEqual({ a: [1] }, { a: [1] })],
  ["util.promisify", () => typeof require("util").promisify((cb) => cb(null, 1))],
  ["querystring.stringify", () => require("querystring").stringify({ a: [1, 2], b: "x y", c: "é&=", d: "" })],
  ["querystring.parse", () => require("querystring").parse("a=1&a=2&b=%20x+y&c=%C3%A9&d")],
  ["querystring escape", () => require("querystring").escape("a b/ü")],
  ["url.parse", () => { const u = require("url").parse("https://user:pw@host.example:8080/p/a/t/h?query=string&x=1#hash", true); return [u.protocol, u.auth, u.host, u.port, u.hostname, u.hash, u.search, u.query, u.pathname, u.path, u.href]; }],
  ["url.format", () => require("url").format({ protocol: "https", hostname: "example.com", pathname: "/a b", query: { q: "x y" } })],
  ["url.resolve", () => require("url").resolve("https://a.example/b/c", "../d?e=1")],
  ["URL from url", () => new (require("url").URL)("https://a.example/x?y=1").searchParams.get("y")],
  ["path.join", () => require("path").join("/a", "b", "../c", "./d.txt")],
  ["path parts", () => { const p = require("path"); return [p.basename("/x/y.tar.gz"), p.extname("/x/y.tar.gz"), p.dirname("/x/y/z"), p.normalize("/a//b/../c/"), p.isAbsolute("a"), p.sep]; }],
  ["path.posix.relative", () => require("path").posix.relative("/a/b/c", "/a/d")],
  ["events order", () => {
    const EventEmitter = require("events");
    const e = new EventEmitter();
    const seen = [];
    e.on("x", (v) => seen.push("on1:" + v));
    e.once("x", (v) => seen.push("once:" + v));
    e.prependListener("x", (v) => seen.push("prepend:" + v));
    e.on("x", (v) => seen.push("on2:" + v));
    e.emit("x", 1);
    e.emit("x", 2);
    return [seen, e.listenerCount("x"), e.eventNames(), EventEmitter.defaultMaxListeners];
  }],
  ["events error without listener", () => { try { new (require("events"))().emit("error", new Error("boom")); return "no error"; } catch (e) { return e.message; } }],
  ["string_decoder", () => { const { StringDecoder } = require("string_decoder"); const d = new StringDecoder("utf8"); const b = Buffer.from("€"); return [d.write(b.subarray(0, 1)), d.write(b.subarray(1)), d.end()]; }],
  ["zlib gzip round trip", () => require("zlib").gunzipSync(require("zlib").gzipSync("round trip ✓")).toString()],
  ["zlib gunzip Node's", () => require("zlib").gunzipSync(Buffer.from("${GZIPPED}", "base64")).toString()],
  ["zlib inflate Node's", () => require("zlib").inflateSync(Buffer.from("${DEFLATED}", "base64")).toString()],
  ["zlib deflate round trip", () => require("zlib").inflateSync(require("zlib").deflateSync(Buffer.from("abc".repeat(100)))).length],
  ["stream Readable.from", () => typeof require("stream").Readable.from],
  ["assert deepStrictEqual error", () => { try { require("assert").deepStrictEqual({ a: 1 }, { a: 2 }); return "no error"; } catch (e) { return [e.name, e.code]; } }],
  ["os.EOL", () => require("os").EOL],
  ["require.resolve builtin", () => require.resolve("crypto")],
]`;

function evaluatorScript() {
  return `exports.onExecutePostLogin = async () => {
  const CASES = ${CASES};
  const out = {};
  for (const [name, fn] of CASES) {
    try { out[name] = fn(); } catch (e) { out[name] = "THREW " + (e && e.name) + ": " + (e && e.message); }
  }
  console.log(JSON.stringify(out));
};
`;
}

/** The script's console.log lines under Node, calling its handler. */
function runInNode(file) {
  const driver = `Promise.resolve(require(${JSON.stringify(file)}).onExecutePostLogin({}, {}));`;
  const run = spawnSync(process.execPath, ["-e", driver], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split("\n");
}

/** The outcome of `actionhost run --json`. */
function runInActionhost(file) {
  const run = spawnSync(BINARY, ["run", file, "--json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.ok(run.status === 0 || run.status === 1, run.stderr + run.stdout);
  return JSON.parse(run.stdout);
}

test("built-in modules give Node's answers for every case of the table", { skip }, () => {
  const file = join(dir, "cases.js");
  writeFileSync(file, evaluatorScript());
  const expected = JSON.parse(runInNode(file)[0]);
  const report = runInActionhost(file);
  assert.equal(report.status, "completed", JSON.stringify(report.error));
  const actual = JSON.parse(report.logs[0].message);
  const wrong = [];
  for (const name of Object.keys(expected)) {
    if (JSON.stringify(actual[name]) !== JSON.stringify(expected[name])) {
      wrong.push(`${name}:\n    node:       ${JSON.stringify(expected[name])}\n    actionhost: ${JSON.stringify(actual[name])}`);
    }
  }
  assert.ok(Object.keys(expected).length >= 50);
  assert.equal(wrong.length, 0, `${wrong.length} cases differ:\n  ${wrong.join("\n  ")}`);
});

test("what would take the host down fails in the script, and files cannot be read", { skip }, () => {
  const file = join(dir, "hostile.js");
  writeFileSync(
    file,
    `exports.onExecutePostLogin = async () => {
  const attempt = (f) => { try { return "returned " + String(f()); } catch (e) { return { name: e.name, code: e.code, message: String(e.message) }; } };
  console.log(JSON.stringify({
    abort: attempt(() => require("process").abort()),
    vm: attempt(() => require("vm").runInNewContext("1")),
    fs: attempt(() => require("fs").readFileSync("/etc/passwd", "utf8")),
    child: attempt(() => require("child_process").execSync("id")),
  }));
};
`,
  );
  const report = runInActionhost(file);
  assert.equal(report.status, "completed", JSON.stringify(report.error));
  const seen = JSON.parse(report.logs[0].message);
  for (const [what, result] of Object.entries(seen)) {
    assert.equal(typeof result, "object", `${what}: ${JSON.stringify(result)}`);
  }
  // Node's own shape for a refused open: an Error with a code.
  assert.match(String(seen.fs.code), /^E[A-Z]+$/, JSON.stringify(seen.fs));
  assert.doesNotMatch(JSON.stringify(seen.fs), /root:/);
});

test("what an execution changes in a built-in module does not reach the next", { skip }, () => {
  const file = join(dir, "state.js");
  writeFileSync(
    file,
    `exports.onExecutePostLogin = async (event) => {
  const EventEmitter = require("events");
  const crypto = require("crypto");
  const process = require("process");
  const seen = {
    defaultMaxListeners: EventEmitter.defaultMaxListeners,
    poolSize: Buffer.poolSize,
    env: process.env.ACTIONHOST_TEST ?? null,
    createHash: typeof crypto.createHash,
    added: crypto.addedByScript ?? null,
    prototype: typeof EventEmitter.prototype.addedByScript,
  };
  if (event.request?.query?.change === "yes") {
    EventEmitter.defaultMaxListeners = 1;
    require("buffer").Buffer.poolSize = 1;
    process.env.ACTIONHOST_TEST = "1";
    crypto.createHash = null;
    crypto.addedByScript = 1;
    EventEmitter.prototype.addedByScript = () => 1;
  }
  console.log(JSON.stringify(seen));
};
`,
  );
  const lines = [
    { id: 1, script_path: file, event: { request: { query: { change: "yes" } } } },
    { id: 2, script_path: file },
  ];
  const run = spawnSync(BINARY, ["batch", "--workers", "1"], {
    encoding: "utf8",
    input: lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
  });
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const outcomes = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const [first, second] = [1, 2].map((id) => outcomes.find((o) => o.id === id));
  const seen = [first, second].map((o) => JSON.parse(o.logs[0].message));
  const pristine = { defaultMaxListeners: 10, poolSize: 8192, env: null, createHash: "function", added: null, prototype: "undefined" };
  assert.deepEqual(seen[0], pristine);
  assert.deepEqual(seen[1], pristine);
});
