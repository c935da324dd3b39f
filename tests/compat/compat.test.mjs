// The conformance suite: every script in tests/compat/scripts runs under Node (node_harness.cjs,
// TZ=UTC, the clock frozen) and under `actionhost run --json` with the same clock, event, user,
// context and HTTP mocks (fixtures/http.json), and what it reports, and the requests it sent
// (through `fetch` or node:http / node:https; headers as own_headers.cjs sees them), must be identical (the random multipart boundary aside). Scripts known to differ today are listed
// in KNOWN_FAILURES with the reason; such a script must still differ, so that the list stays true
// (when one starts giving Node's result, take it off the list).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const { ownHeaders } = createRequire(import.meta.url)("./own_headers.cjs");
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const actionhost = process.env.ACTIONHOST ?? join(root, "target/release/actionhost");
const scriptsDir = join(here, "scripts");
const fixtures = join(here, "fixtures");

/** Auth0 runs scripts in UTC; the clock both sides see. */
const NOW = "2024-03-10T12:00:00.000Z";

/** Scripts whose result differs from Node's today, and why. */
const KNOWN_FAILURES = new Map([]);

const scripts = readdirSync(scriptsDir).filter((name) => name.endsWith(".js")).sort();

/** A Rule is a function expression; anything else is an Action module. */
const isRule = (file) => /^\s*(async\s+)?function\b/.test(readFileSync(file, "utf8"));

async function underNode(file, rule) {
  const { stdout } = await run(
    process.execPath,
    [join(here, "node_harness.cjs"), rule ? "rule" : "action", file, String(Date.parse(NOW))],
    { env: { ...process.env, TZ: "UTC" }, timeout: 60_000 },
  );
  return JSON.parse(stdout);
}

async function underActionhost(file, rule) {
  const inputs = rule
    ? ["--user", join(fixtures, "user.json"), "--context", join(fixtures, "context.json")]
    : ["--event", join(fixtures, "event.json")];
  const args = ["run", file, "--json", "--now", NOW, "--seed", "1", "--http", join(fixtures, "http.json"), ...inputs];
  // A script that fails makes `run` exit non-zero; its outcome is still the JSON on stdout.
  const { stdout } = await run(actionhost, args, { env: { ...process.env, TZ: "UTC" }, timeout: 60_000 }).catch(
    (failure) => failure,
  );
  const outcome = JSON.parse(stdout);
  let result = null;
  if (rule) {
    result = outcome.callback?.context?.idToken?.result ?? null;
  } else {
    const claims = outcome.commands.filter(
      (command) => command.api === "idToken.setCustomClaim" && command.args[0] === "result",
    );
    if (claims.length > 0) result = claims.at(-1).args[1];
  }
  const error = outcome.callback?.error?.message ?? outcome.error?.message ?? null;
  // The view of the headers Node's side takes (own_headers.cjs), on what actionhost recorded.
  // A request whose connection a mock failed before it was sent never reaches Node's side's server.
  const sent = outcome.requests.filter((request) => request.error === undefined || request.error === "ECONNRESET");
  const requests = sent.map((request) => ({ ...request, headers: ownHeaders(request.headers) }));
  return { result, error, requests };
}

/** The multipart boundary Node's fetch draws (`----formdata-undici-0` and 11 random digits), made one. */
const sameBoundaries = (value) => JSON.parse(JSON.stringify(value).replace(/----formdata-undici-0\d{11}/g, "----formdata-undici-0BOUNDARY"));

const tally = { same: [], different: [] };

test("the known failures name scripts that exist", () => {
  for (const name of KNOWN_FAILURES.keys()) assert.ok(scripts.includes(name), `${name} is not in tests/compat/scripts`);
});

test("actionhost is built", () => {
  assert.ok(existsSync(actionhost), `${actionhost} is missing: run cargo build --release first`);
});

for (const name of scripts) {
  test(name, async (t) => {
    const file = join(scriptsDir, name);
    const rule = isRule(file);
    const [node, ours] = (await Promise.all([underNode(file, rule), underActionhost(file, rule)])).map(sameBoundaries);
    assert.equal(node.error, null, `the script must run under Node (${node.error})`);
    let difference = null;
    try {
      assert.deepStrictEqual(ours, node);
    } catch (thrown) {
      difference = thrown;
    }
    (difference === null ? tally.same : tally.different).push(name);
    if (!KNOWN_FAILURES.has(name)) {
      if (difference !== null) throw difference;
    } else if (difference === null) {
      assert.fail(`${name} now gives Node's result: take it off KNOWN_FAILURES in compat.test.mjs`);
    } else {
      t.diagnostic(`known failure: ${KNOWN_FAILURES.get(name)}`);
      t.diagnostic(`node:       ${JSON.stringify(node)}`);
      t.diagnostic(`actionhost: ${JSON.stringify(ours)}`);
    }
  });
}

after(() => {
  const total = tally.same.length + tally.different.length;
  console.log(`compat: ${tally.same.length} of ${total} scripts give Node's result`);
  console.log(`compat: different from Node: ${tally.different.join(", ") || "none"}`);
});
