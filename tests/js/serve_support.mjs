// Starts `actionhost serve` for the tests of the server: a copy of a tenant folder in a temporary
// folder (the tests write to it), the release binary on a free port (`--port 0`), the URL read
// from its first line; `stop()` ends it and removes the copy.

import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BINARY = process.env.ACTIONHOST_BIN ?? join(ROOT, "target/release/actionhost");
export const EXAMPLE_TENANT = join(ROOT, "fixtures/tenant");

/** Starts a server on a copy of `tenant` with extra `args`; resolves once it listens. */
export async function startServe({ tenant = EXAMPLE_TENANT, args = [], env = {} } = {}) {
  const folder = mkdtempSync(join(tmpdir(), "actionhost-serve-"));
  const tenantCopy = join(folder, "tenant");
  cpSync(tenant, tenantCopy, { recursive: true, filter: (src) => !src.includes("/.actionhost") });
  // Hermetic: the user's own keyword mappings do not reach the server.
  const { AUTH0_KEYWORD_REPLACE_MAPPINGS: _ignored, ...ambient } = process.env;
  const child = spawn(BINARY, ["serve", "--tenant", tenantCopy, "--port", "0", ...args], {
    env: { ...ambient, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const stdout = [];
  const url = await new Promise((resolvePromise, reject) => {
    child.once("exit", (code) => reject(new Error(`actionhost serve exited with ${code}: ${stderr}`)));
    lines.on("line", (line) => {
      stdout.push(line);
      const match = /^listening on (\S+)$/.exec(line);
      if (match) resolvePromise(match[1]);
    });
  });
  return {
    url,
    /** Resolves once a line of stdout matches `pattern`. */
    line: (pattern) =>
      new Promise((resolveLine) => {
        if (stdout.some((l) => pattern.test(l))) return resolveLine();
        lines.on("line", (l) => pattern.test(l) && resolveLine());
      }),
    tenant: tenantCopy,
    stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's headless Chromium through playwright-core, with the switches that keep it off the
 * network this machine does not have (background updates, QUIC, sync).
 */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
