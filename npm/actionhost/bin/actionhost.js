#!/usr/bin/env node
// The `actionhost` command of the npm package: finds the prebuilt binary in this platform's
// package (an optional dependency, `@actionhost/<platform>-<arch>`, that npm installs only where
// its `os` and `cpu` match) and runs it with the same arguments, standard streams and exit code.
// ACTIONHOST_BINARY names another binary to run instead (a local build).

"use strict";

const { spawnSync } = require("node:child_process");
const path = require("node:path");

const PLATFORMS = {
  "linux-x64": "@actionhost/linux-x64",
  "linux-arm64": "@actionhost/linux-arm64",
  "darwin-x64": "@actionhost/darwin-x64",
  "darwin-arm64": "@actionhost/darwin-arm64",
};

function binaryPath() {
  if (process.env.ACTIONHOST_BINARY) return process.env.ACTIONHOST_BINARY;
  const platform = `${process.platform}-${process.arch}`;
  const pkg = PLATFORMS[platform];
  if (pkg === undefined) {
    fail(
      `no prebuilt binary for ${platform} (there are: ${Object.keys(PLATFORMS).join(", ")}); ` +
        "build one with `cargo install --locked --path .` from a clone and set ACTIONHOST_BINARY to it",
    );
  }
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", "actionhost");
  } catch {
    fail(
      `${pkg}, the package holding the binary for ${platform}, is not installed; ` +
        "reinstall without --omit=optional / --no-optional (npm installs it as an optional dependency)",
    );
  }
}

function fail(message) {
  process.stderr.write(`actionhost: ${message}\n`);
  process.exit(2);
}

const result = spawnSync(binaryPath(), process.argv.slice(2), { stdio: "inherit" });
if (result.error) fail(`cannot run ${result.error.path ?? "the binary"}: ${result.error.message}`);
if (result.signal) {
  // Ended by a signal: end the same way, so the caller sees it.
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 1);
