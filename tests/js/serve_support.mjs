// Starts `actionhost serve` for the tests of the server: a copy of a tenant folder in a temporary
// folder (the tests write to it), the release binary on a free port (`--port 0`), the URL read
// from its first line; `stop()` ends it and removes the copy.

import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BINARY = process.env.ACTIONHOST_BIN ?? join(ROOT, "target/release/actionhost");
export const EXAMPLE_TENANT = join(ROOT, "fixtures/tenant");

/** A copy of `tenant` (its `.actionhost/` left out) as `FOLDER/tenant` in a new temporary folder. */
export function copyTenant(tenant = EXAMPLE_TENANT) {
  const folder = mkdtempSync(join(tmpdir(), "actionhost-serve-"));
  const tenantCopy = join(folder, "tenant");
  cpSync(tenant, tenantCopy, { recursive: true, filter: (src) => !src.includes("/.actionhost") });
  return { folder, tenant: tenantCopy };
}

/** Starts a server on a copy of `tenant` with extra `args`; resolves once it listens. */
export async function startServe({ tenant = EXAMPLE_TENANT, args = [], env = {} } = {}) {
  const { folder, tenant: tenantCopy } = copyTenant(tenant);
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

/** Adds an enabled Rule to a tenant folder, run after the others. */
export function addRule(tenant, name, code) {
  writeFileSync(join(tenant, "rules", `${name}.js`), code);
  const rule = { name, enabled: true, order: 100, stage: "login_success", script: `./${name}.js` };
  writeFileSync(join(tenant, "rules", `${name}.json`), JSON.stringify(rule, null, 2));
}

/** Adds a post-login Action to a tenant folder, bound last in the post-login flow. */
export function addPostLoginAction(tenant, name, code) {
  mkdirSync(join(tenant, "actions", name), { recursive: true });
  writeFileSync(join(tenant, "actions", name, "code.js"), code);
  const action = {
    name,
    code: `./actions/${name}/code.js`,
    runtime: "node22",
    status: "built",
    dependencies: [],
    secrets: [],
    supported_triggers: [{ id: "post-login", version: "v3" }],
    deployed: true,
  };
  writeFileSync(join(tenant, "actions", `${name}.json`), JSON.stringify(action, null, 2));
  const triggers = JSON.parse(readFileSync(join(tenant, "triggers", "triggers.json"), "utf8"));
  triggers["post-login"].push({ action_name: name, display_name: name });
  writeFileSync(join(tenant, "triggers", "triggers.json"), JSON.stringify(triggers, null, 2));
}

/** Changes a client file of a tenant folder: `change` gets its object and edits it. */
export function editClient(tenant, name, change) {
  const file = join(tenant, "clients", `${name}.json`);
  const client = JSON.parse(readFileSync(file, "utf8"));
  change(client);
  writeFileSync(file, JSON.stringify(client, null, 2));
}
