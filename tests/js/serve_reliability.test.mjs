// `actionhost serve` stays available when a client or a script misbehaves: a client that never
// finishes its request headers is disconnected after the header timeout while other requests are
// answered; a login whose Action never ends fails alone (its own timeout, `server_error` back to
// the application) while a concurrent login of another application completes, and the next login
// of the same application is served once the Action is fixed.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { test } from "node:test";

import { startServe } from "./serve_support.mjs";

const PORTAL = { id: "Gd2Customer0Portal0Client0Id002", callback: "https://portal.example.com/callback" };
const TOOLS = { id: "Wx1Internal0Tools0Client0Id0001", callback: "https://tools.example.com/callback" };
const JANE = "jane.doe@example.com";

/** GET /authorize with --auto-login: the Location the login ends with. */
async function login(server, app) {
  const query = new URLSearchParams({
    client_id: app.id,
    response_type: "code",
    redirect_uri: app.callback,
    scope: "openid",
    state: "s",
    login_hint: JANE,
    // Both applications are public: PKCE (RFC 7636 Appendix B's challenge; the code is not redeemed).
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
  });
  const response = await fetch(`${server.url}/authorize?${query}`, { redirect: "manual" });
  assert.equal(response.status, 302, await response.clone().text());
  return new URL(response.headers.get("location"));
}

test("a client that never finishes its headers is disconnected; others are served meanwhile", async () => {
  const server = await startServe();
  try {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    socket.write("GET /dashboard/ HTTP/1.1\r\nHost: x\r\n"); // no final empty line: headers never end
    const started = Date.now();
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.on("error", () => {});
    // The server answers other clients while that one hangs.
    const response = await fetch(`${server.url}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    await closed;
    const waited = Date.now() - started;
    assert.ok(waited >= 9000 && waited < 20000, `disconnected after ${waited} ms (header timeout 10 s)`);
  } finally {
    await server.stop();
  }
});

test("a login whose Action never ends fails alone; a concurrent login completes", async () => {
  const server = await startServe({ args: ["--auto-login", "--timeout-ms", "1000"] });
  try {
    // The enrich-profile Action (bound to post-login) now spins forever for Customer Portal only.
    const code = join(server.tenant, "actions", "enrich-profile", "code.js");
    const original = readFileSync(code, "utf8");
    writeFileSync(
      code,
      original.replace(
        "exports.onExecutePostLogin = async (event, api) => {",
        'exports.onExecutePostLogin = async (event, api) => {\n  if (event.client.name === "Customer Portal") for (;;) {}',
      ),
    );
    assert.notEqual(readFileSync(code, "utf8"), original, "the Action was changed");
    const [hung, fine] = await Promise.all([login(server, PORTAL), login(server, TOOLS)]);
    assert.equal(hung.searchParams.get("error"), "server_error", hung.href);
    assert.match(hung.searchParams.get("error_description"), /enrich-profile|time/i);
    assert.equal(hung.searchParams.get("state"), "s");
    assert.ok(fine.searchParams.get("code"), `the other login completed: ${fine.href}`);
    // The pool is healthy afterwards: the same application logs in once the Action is fixed.
    writeFileSync(code, original);
    const again = await login(server, PORTAL);
    assert.ok(again.searchParams.get("code"), again.href);
  } finally {
    await server.stop();
  }
});
