// Writes the Node.js baseline of benches/test_runner.py: the same N cases of the seed Action as
// the generated actionhost suite, as a node:test file in the style Auth0's unit-testing docs
// show (the handler called with a realistic event and a hand-made recording mock of `api`).
//
//   node generate.mjs OUT_DIR N ACTION_PATH
//
// writes OUT_DIR/require.test.cjs (the module loaded once with `require`) and
// OUT_DIR/vm.test.cjs (the module evaluated in a fresh `vm` context for every case, as an
// execution on Auth0 starts from fresh module state). Run each with `node --test FILE`.
// No dependencies: node:test, node:assert and node:vm only.

import { writeFileSync, readFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [outDir, countText, actionPath] = process.argv.slice(2);
const count = Number(countText);
const here = dirname(fileURLToPath(import.meta.url));
const event = readFileSync(join(here, "event.json"), "utf8");

const DENY = "Please verify your email address before logging in.";
const situations = [
  { metadata: { SKIP_VERIFICATION: "yes" }, calls: [], logs: ["skipping email verification for Example Application"] },
  { metadata: { TIER: "gold" }, calls: [{ api: "access.deny", args: [DENY] }], logs: [] },
  { metadata: {}, calls: [{ api: "access.deny", args: [DENY] }], logs: [] },
];

const prelude = `"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const DEFAULT_EVENT = ${event.trim()};

function merge(base, overrides) {
  for (const [key, value] of Object.entries(overrides)) {
    if (value && typeof value === "object" && !Array.isArray(value) && base[key] && typeof base[key] === "object") merge(base[key], value);
    else base[key] = value;
  }
  return base;
}

function makeEvent(overrides) {
  return merge(structuredClone(DEFAULT_EVENT), overrides);
}

// A hand-made recording mock of the post-login api.
function makeApi() {
  const calls = [];
  const api = {};
  const record = (name) => (...args) => {
    calls.push({ api: name, args });
    return api;
  };
  Object.assign(api, {
    access: { deny: record("access.deny") },
    idToken: { setCustomClaim: record("idToken.setCustomClaim") },
    accessToken: { setCustomClaim: record("accessToken.setCustomClaim"), addScope: record("accessToken.addScope"), removeScope: record("accessToken.removeScope") },
    multifactor: { enable: record("multifactor.enable") },
    redirect: { sendUserTo: record("redirect.sendUserTo") },
    user: { setAppMetadata: record("user.setAppMetadata"), setUserMetadata: record("user.setUserMetadata") },
  });
  return { api, calls };
}

function makeConsole(logs) {
  return { log: (...args) => logs.push(args.join(" ")), info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
}
`;

const loaders = {
  require: `
const ACTION = ${JSON.stringify(resolve(actionPath))};
const action = require(ACTION);

async function execute(event, api, logs) {
  const original = console.log;
  console.log = makeConsole(logs).log;
  try {
    await action.onExecutePostLogin(event, api);
  } finally {
    console.log = original;
  }
}
`,
  vm: `
const vm = require("node:vm");
const ACTION = ${JSON.stringify(resolve(actionPath))};
const SOURCE = require("node:fs").readFileSync(ACTION, "utf8");

async function execute(event, api, logs) {
  const context = vm.createContext({ console: makeConsole(logs) });
  const module = { exports: {} };
  const wrapper = vm.runInContext("(function (exports, require, module, __filename, __dirname) {" + SOURCE + "\\n})", context, { filename: ACTION });
  wrapper(module.exports, require, module, ACTION, "");
  await module.exports.onExecutePostLogin(event, api);
}
`,
};

for (const [name, loader] of Object.entries(loaders)) {
  const tests = [];
  for (let i = 0; i < count; i++) {
    const situation = situations[i % 3];
    tests.push(`
test(${JSON.stringify(`case ${i}`)}, async () => {
  const event = makeEvent({ user: { email_verified: false }, client: { metadata: ${JSON.stringify(situation.metadata)} } });
  const { api, calls } = makeApi();
  const logs = [];
  await execute(event, api, logs);
  assert.deepEqual(calls, ${JSON.stringify(situation.calls)});
  assert.deepEqual(logs, ${JSON.stringify(situation.logs)});
});`);
  }
  writeFileSync(join(outDir, `${name}.test.cjs`), prelude + loader + tests.join("\n") + "\n");
}
