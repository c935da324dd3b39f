// The npm packages as a tenant repository gets them: scripts/npm-pack.sh packs the main package and
// this platform's, the tarballs are installed offline into a fresh folder (`npm install --save-dev`,
// as `npm i -D actionhost` would), and `npx actionhost` runs the binary through the launcher:
// `--version`, `test` on an example suite copied in, and the exit code of a failing command.

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { BINARY, ROOT } from "./serve_support.mjs";

const quiet = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
let folder;

before(() => {
  const packed = execFileSync("bash", [join(ROOT, "scripts/npm-pack.sh")], {
    env: { ...quiet, ACTIONHOST_BINARY: BINARY },
    encoding: "utf8",
  });
  const tarballs = packed.trim().split("\n");
  assert.equal(tarballs.length, 2, packed);
  folder = mkdtempSync(join(tmpdir(), "actionhost-npm-"));
  writeFileSync(join(folder, "package.json"), JSON.stringify({ name: "tenant-repository", private: true }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--save-dev", ...tarballs], {
    cwd: folder,
    env: quiet,
    stdio: ["ignore", "pipe", "inherit"],
  });
  // An example suite as a tenant repository keeps it: a case file and the script it names.
  mkdirSync(join(folder, "cases"));
  mkdirSync(join(folder, "scripts"));
  cpSync(join(ROOT, "fixtures/cases/http-mocks.cases.yaml"), join(folder, "cases/http-mocks.cases.yaml"));
  cpSync(join(ROOT, "fixtures/scripts/risk-score.action.js"), join(folder, "scripts/risk-score.action.js"));
});

after(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

function npx(...args) {
  return spawnSync("npx", ["--offline", "actionhost", ...args], { cwd: folder, env: quiet, encoding: "utf8" });
}

test("the main package depends on this platform's package, which holds the binary", () => {
  const manifest = JSON.parse(readFileSync(join(folder, "node_modules/actionhost/package.json"), "utf8"));
  const platform = `${process.platform}-${process.arch}`;
  const version = /^version = "(.*)"$/m.exec(readFileSync(join(ROOT, "Cargo.toml"), "utf8"))[1];
  assert.equal(manifest.version, version);
  assert.equal(manifest.bin.actionhost, "bin/actionhost.js");
  assert.equal(manifest.optionalDependencies[`@actionhost/${platform}`], version);
  const native = JSON.parse(readFileSync(join(folder, `node_modules/@actionhost/${platform}/package.json`), "utf8"));
  assert.deepEqual([native.os, native.cpu], [[process.platform], [process.arch]]);
});

test("npx actionhost --version runs the packaged binary", () => {
  const result = npx("--version");
  assert.equal(result.status, 0, result.stderr);
  const version = /^version = "(.*)"$/m.exec(readFileSync(join(ROOT, "Cargo.toml"), "utf8"))[1];
  assert.match(result.stdout, new RegExp(`^actionhost ${version.replaceAll(".", "\\.")} \\(deno_core `));
});

test("npx actionhost test runs an example suite", () => {
  const result = npx("test", "cases");
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal(result.stdout, "5 passed, 0 failed\n");
});

test("the launcher passes arguments, standard error and the exit code through", () => {
  const result = npx("test", "no-such-folder");
  assert.equal(result.status, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /no-such-folder/);
});

test("a binary that cannot run is named with exit code 2", () => {
  const launcher = join(folder, "node_modules/actionhost/bin/actionhost.js");
  const result = spawnSync(process.execPath, [launcher, "--version"], {
    env: { ...quiet, ACTIONHOST_BINARY: join(folder, "missing-binary") },
    encoding: "utf8",
  });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^actionhost: cannot run .*missing-binary: /);
});
