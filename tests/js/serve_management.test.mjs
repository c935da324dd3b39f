// The Management API of `actionhost serve` and its client_credentials grant: the real `auth0` SDK
// (over --tls, fetching its own token) updating client_metadata and refused an 11th key; Auth0's
// status codes and error bodies (401, 403 naming the scope, 404, 409, 413, malformed JSON, wrong
// types, unknown fields); tokens verified (signature, audience, expiry); 100 concurrent PATCHes
// losing nothing and the 10-key limit holding exactly; users, rules, actions and the Test tab;
// and the command line and the API seeing each other's changes in the same files.

import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createPrivateKey, generateKeyPairSync, createPublicKey, sign, verify } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

import { BINARY, startServe } from "./serve_support.mjs";

const TOKEN = "test-api-token";
const PORTAL = "Gd2Customer0Portal0Client0Id002";
const TOOLS = "Wx1Internal0Tools0Client0Id0001";
const OPS = { id: "Op4Ops0Automation0Client0Id0004", secret: "ops-automation-example-secret" };
const JANE = "auth0|65a5027f9b3c4d1e2f3a4b5c";

async function call(server, method, path, { body, token = TOKEN, raw, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (raw !== undefined) {
    init.body = raw;
    init.headers["content-type"] = "application/json";
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function clientToken(server, fields) {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials", client_id: OPS.id, client_secret: OPS.secret, ...fields }),
  });
  return { status: response.status, body: await response.json() };
}

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
function jwt(claims, privateKey, kid) {
  const data = `${b64url({ alg: "RS256", typ: "JWT", kid })}.${b64url(claims)}`;
  return `${data}.${sign("sha256", Buffer.from(data), privateKey).toString("base64url")}`;
}
const claimsOf = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());

test("the auth0 SDK over --tls gets its own token, merges client_metadata, and gets a 400 for an 11th key", async () => {
  const server = await startServe({ args: ["--tls"] });
  try {
    await server.line(/^CA certificate: /);
    const ca = /^CA certificate: (\S+)/.exec(server.stdout.find((l) => l.startsWith("CA certificate: ")))[1];
    const child = spawn(process.execPath, [new URL("./serve_management_sdk.mjs", import.meta.url).pathname], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: ca,
        SDK_DOMAIN: new URL(server.url).host,
        SDK_CLIENT_ID: OPS.id,
        SDK_CLIENT_SECRET: OPS.secret,
        SDK_TARGET: PORTAL,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const code = await new Promise((r) => child.once("exit", r));
    assert.equal(code, 0, err);
    const seen = JSON.parse(out);
    assert.deepEqual(seen.updated, { TIER: "gold", SDK_A: "1", SDK_B: "2" });
    assert.deepEqual(seen.read, seen.updated);
    assert.equal(seen.eleventh.name, "ManagementApiError");
    assert.equal(seen.eleventh.statusCode, 400);
    assert.equal(seen.eleventh.errorCode, "invalid_body");
    assert.equal(seen.eleventh.message, "client_metadata has 11 keys; Auth0 allows at most 10");
    assert.equal(Object.keys(seen.final).length, 10);
    assert.equal(seen.final.ELEVENTH, undefined);
    // The file on disk is what the API answered.
    const file = JSON.parse(readFileSync(join(server.tenant, "clients/Customer Portal.json"), "utf8"));
    assert.deepEqual(file.client_metadata, seen.final);
  } finally {
    await server.stop();
  }
});

test("client_credentials: a granted client gets an RS256 token with Auth0's claims; ungranted audiences and scopes are refused", async () => {
  const server = await startServe();
  try {
    const audience = `${server.url}/api/v2/`;
    const { status, body } = await clientToken(server, { audience });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 86400);
    assert.equal(body.scope, "read:clients update:clients read:users update:users read:rules read:actions");
    const [header, payload, signature] = body.access_token.split(".");
    const publicKey = createPublicKey(readFileSync(join(server.tenant, ".actionhost/signing-key.pub.pem")));
    assert.ok(verify("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url")));
    const claims = claimsOf(body.access_token);
    assert.equal(claims.iss, `${server.url}/`);
    assert.equal(claims.sub, `${OPS.id}@clients`);
    assert.equal(claims.aud, audience);
    assert.equal(claims.azp, OPS.id);
    assert.equal(claims.gty, "client-credentials");
    assert.equal(claims.exp - claims.iat, 86400);
    assert.equal(claims.scope, body.scope);
    // Set by the credentials-exchange Action m2m-token-policy.
    assert.equal(claims["https://example.com/client_name"], "Ops Automation");

    // Another granted API: its own scopes, the Action narrowing them.
    const reports = await clientToken(server, { audience: "https://api.example.com/reports", scope: "read:reports" });
    assert.equal(reports.status, 200, JSON.stringify(reports.body));
    assert.equal(claimsOf(reports.body.access_token).aud, "https://api.example.com/reports");

    const ungranted = await clientToken(server, { audience: "https://api.example.com/billing" });
    assert.equal(ungranted.status, 403);
    assert.equal(ungranted.body.error, "access_denied");
    assert.match(ungranted.body.error_description, /^Client is not authorized to access "https:\/\/api\.example\.com\/billing"\./);

    const scope = await clientToken(server, { audience, scope: "read:clients delete:clients" });
    assert.deepEqual(scope, {
      status: 403,
      body: { error: "access_denied", error_description: "Client has not been granted scopes: delete:clients" },
    });
    const narrowed = await clientToken(server, { audience, scope: "read:clients" });
    assert.equal(narrowed.body.scope, "read:clients");

    const badSecret = await clientToken(server, { audience, client_secret: "wrong" });
    assert.equal(badSecret.status, 401);
    assert.equal(badSecret.body.error, "invalid_client");

    // A grant the Action refuses: its denial is the answer.
    writeFileSync(
      join(server.tenant, "grants/billing.json"),
      JSON.stringify({ client_id: "Ops Automation", audience: "https://api.example.com/billing", scope: [] }),
    );
    const denied = await clientToken(server, { audience: "https://api.example.com/billing" });
    assert.deepEqual(denied, {
      status: 403,
      body: {
        error: "invalid_request",
        error_description: "Audience https://api.example.com/billing is not available to machine clients.",
      },
    });
  } finally {
    await server.stop();
  }
});

test("401 for missing, malformed, foreign, expired or misdirected tokens; 403 names the missing scope", async () => {
  const server = await startServe({ args: ["--api-token", TOKEN] });
  try {
    assert.deepEqual(await call(server, "GET", "/api/v2/clients", { token: null }), {
      status: 401,
      body: { statusCode: 401, error: "Unauthorized", message: "Missing authentication" },
    });
    assert.equal((await call(server, "GET", "/api/v2/clients", { token: "not-a-jwt" })).status, 401);
    assert.equal((await call(server, "GET", "/api/v2/clients", { token: `${TOKEN}x` })).status, 401);

    const audience = `${server.url}/api/v2/`;
    const { body } = await clientToken(server, { audience, scope: "read:clients" });
    assert.equal((await call(server, "GET", "/api/v2/clients", { token: body.access_token })).status, 200);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: `${server.url}/`, sub: "x@clients", aud: audience, iat: now, exp: now + 60, scope: "read:clients" };
    const tenantKey = createPrivateKey(readFileSync(join(server.tenant, ".actionhost/signing-key.pem")));
    assert.equal((await call(server, "GET", "/api/v2/clients", { token: jwt(claims, tenantKey) })).status, 200);
    const { privateKey: foreign } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = await call(server, "GET", "/api/v2/clients", { token: jwt(claims, foreign) });
    assert.deepEqual(forged.body, { statusCode: 401, error: "Unauthorized", message: "Invalid token" });
    const expired = await call(server, "GET", "/api/v2/clients", { token: jwt({ ...claims, exp: now - 5 }, tenantKey) });
    assert.equal(expired.status, 401);
    assert.match(expired.body.message, /Expired token/);
    const otherApi = await call(server, "GET", "/api/v2/clients", { token: jwt({ ...claims, aud: "https://api.example.com/reports" }, tenantKey) });
    assert.equal(otherApi.status, 401);
    const otherIssuer = await call(server, "GET", "/api/v2/clients", { token: jwt({ ...claims, iss: "https://evil/" }, tenantKey) });
    assert.equal(otherIssuer.status, 401);

    const patched = await call(server, "PATCH", `/api/v2/clients/${PORTAL}`, {
      token: body.access_token,
      body: { client_metadata: { A: "1" } },
    });
    assert.deepEqual(patched, {
      status: 403,
      body: { statusCode: 403, error: "Forbidden", message: "Insufficient scope, expected any of: update:clients", errorCode: "insufficient_scope" },
    });
    const deleted = await call(server, "DELETE", `/api/v2/users/${encodeURIComponent(JANE)}`, { token: body.access_token });
    assert.equal(deleted.status, 403);
    assert.match(deleted.body.message, /delete:users$/);
  } finally {
    await server.stop();
  }
});

test("Auth0's error bodies: 404, 409, 413, malformed JSON, wrong types, unknown fields", async () => {
  const server = await startServe({ args: ["--api-token", TOKEN] });
  try {
    assert.deepEqual(await call(server, "GET", "/api/v2/clients/nope"), {
      status: 404,
      body: { statusCode: 404, error: "Not Found", message: "The client does not exist", errorCode: "inexistent_client" },
    });
    assert.deepEqual(await call(server, "PATCH", "/api/v2/users/auth0%7Cnobody", { body: { app_metadata: {} } }), {
      status: 404,
      body: { statusCode: 404, error: "Not Found", message: "The user does not exist.", errorCode: "inexistent_user" },
    });
    assert.equal((await call(server, "GET", "/api/v2/rules/nope")).status, 404);
    assert.equal((await call(server, "GET", "/api/v2/actions/actions/nope")).status, 404);

    const conflict = await call(server, "POST", "/api/v2/clients", { body: { name: "Customer Portal" } });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.statusCode, 409);
    assert.equal(conflict.body.error, "Conflict");
    const userConflict = await call(server, "POST", "/api/v2/users", {
      body: { connection: "Username-Password-Authentication", email: "jane.doe@example.com", password: "x" },
    });
    assert.deepEqual(userConflict.body, { statusCode: 409, error: "Conflict", message: "The user already exists.", errorCode: "auth0_idp_error" });

    const before = readFileSync(join(server.tenant, "clients/Customer Portal.json"), "utf8");
    const big = await call(server, "PATCH", `/api/v2/clients/${PORTAL}`, {
      raw: JSON.stringify({ client_metadata: { A: "x".repeat(2 * 1024 * 1024) } }),
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.statusCode, 413);
    assert.match(big.body.message, /greater than maximum allowed: 1048576/);

    assert.deepEqual(await call(server, "PATCH", `/api/v2/clients/${PORTAL}`, { raw: '{"client_metadata": {' }), {
      status: 400,
      body: { statusCode: 400, error: "Bad Request", message: "Invalid request payload JSON format" },
    });
    assert.deepEqual(await call(server, "PATCH", `/api/v2/clients/${PORTAL}`, { body: { client_metadata: "TIER=x" } }), {
      status: 400,
      body: {
        statusCode: 400,
        error: "Bad Request",
        message: "Payload validation error: 'Expected type object but found type string' on property client_metadata.",
        errorCode: "invalid_body",
      },
    });
    const number = await call(server, "PATCH", `/api/v2/clients/${PORTAL}`, { body: { client_metadata: { TIER: 5 } } });
    assert.equal(number.status, 400);
    assert.equal(number.body.message, 'client_metadata value of "TIER" must be a string, found number');
    const unknown = await call(server, "PATCH", `/api/v2/clients/${PORTAL}`, { body: { colour: "red" } });
    assert.equal(unknown.body.message, "Payload validation error: 'Additional properties not allowed: colour'.");
    assert.equal((await call(server, "PATCH", `/api/v2/users/${encodeURIComponent(JANE)}`, { body: [1] })).status, 400);
    assert.equal((await call(server, "GET", "/api/v2/clients?per_page=500")).body.errorCode, "invalid_query_string");
    // Nothing was written by any refused request.
    assert.equal(readFileSync(join(server.tenant, "clients/Customer Portal.json"), "utf8"), before);
  } finally {
    await server.stop();
  }
});

test("100 concurrent PATCHes: none lost, and exactly the 10-key limit holds", async () => {
  const server = await startServe({ args: ["--api-token", TOKEN] });
  try {
    // Customer Portal has 2 keys: of 100 new keys sent at once, exactly 8 fit.
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call(server, "PATCH", `/api/v2/clients/${PORTAL}`, { body: { client_metadata: { [`K${i}`]: String(i) } } }),
      ),
    );
    const accepted = answers.map((a, i) => [a, i]).filter(([a]) => a.status === 200).map(([, i]) => `K${i}`);
    assert.equal(accepted.length, 8);
    assert.ok(answers.every((a) => a.status === 200 || (a.status === 400 && /11 keys/.test(a.body.message))));
    const meta = (await call(server, "GET", `/api/v2/clients/${PORTAL}`)).body.client_metadata;
    assert.equal(Object.keys(meta).length, 10);
    for (const key of accepted) assert.ok(key in meta, key);

    // Users have no key limit: 100 different app_metadata keys at once all arrive.
    const userAnswers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call(server, "PATCH", `/api/v2/users/${encodeURIComponent(JANE)}`, { body: { app_metadata: { [`k${i}`]: i } } }),
      ),
    );
    assert.ok(userAnswers.every((a) => a.status === 200));
    const user = JSON.parse(readFileSync(join(server.tenant, "users/auth0_65a5027f9b3c4d1e2f3a4b5c.json"), "utf8"));
    for (let i = 0; i < 100; i++) assert.equal(user.app_metadata[`k${i}`], i);
    assert.equal(user.app_metadata.plan, "enterprise");
  } finally {
    await server.stop();
  }
});

test("the command line sees a change made over HTTP at once, and the API sees the command line's", async () => {
  const server = await startServe({ args: ["--api-token", TOKEN] });
  const cli = (...args) => promisify(execFile)(BINARY, ["clients", "metadata", ...args, "--tenant", server.tenant, "--client", "Internal Tools"]);
  try {
    await call(server, "PATCH", `/api/v2/clients/${TOOLS}`, { body: { client_metadata: { FROM_HTTP: "yes", OWNER: null } } });
    const { stdout } = await cli("get");
    assert.deepEqual(JSON.parse(stdout), { SKIP_VERIFICATION: "yes", FROM_HTTP: "yes" });
    await cli("set", "FROM_CLI=1");
    const got = await call(server, "GET", `/api/v2/clients/${TOOLS}?fields=client_metadata,name`);
    assert.deepEqual(got.body, { name: "Internal Tools", client_metadata: { SKIP_VERIFICATION: "yes", FROM_HTTP: "yes", FROM_CLI: "1" } });
  } finally {
    await server.stop();
  }
});

test("clients list with fields and paging; create and delete write and remove client files", async () => {
  const server = await startServe({ args: ["--api-token", TOKEN] });
  try {
    const all = await call(server, "GET", "/api/v2/clients?fields=name&include_fields=true");
    assert.deepEqual(all.body, [{ name: "Customer Portal" }, { name: "Internal Tools" }, { name: "Legacy Mobile App" }, { name: "Ops Automation" }]);
    const page = await call(server, "GET", "/api/v2/clients?fields=name&page=1&per_page=3&include_totals=true");
    assert.deepEqual(page.body, { clients: [{ name: "Ops Automation" }], start: 3, limit: 3, length: 1, total: 4 });
    const without = (await call(server, "GET", "/api/v2/clients?fields=client_metadata,callbacks&include_fields=false")).body[0];
    assert.equal(without.client_metadata, undefined);
    assert.equal(without.name, "Customer Portal");

    const created = await call(server, "POST", "/api/v2/clients", { body: { name: "New App", app_type: "spa", client_metadata: { A: "1" } } });
    assert.equal(created.status, 201);
    assert.match(created.body.client_id, /^[A-Za-z0-9]{32}$/);
    assert.ok(existsSync(join(server.tenant, "clients/New App.json")));
    const fetched = await call(server, "GET", `/api/v2/clients/${created.body.client_id}`);
    assert.deepEqual(fetched.body.client_metadata, { A: "1" });
    const tooMany = await call(server, "POST", "/api/v2/clients", {
      body: { name: "Big", client_metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) },
    });
    assert.equal(tooMany.status, 400);
    assert.ok(!existsSync(join(server.tenant, "clients/Big.json")));
    assert.equal((await call(server, "DELETE", `/api/v2/clients/${created.body.client_id}`)).status, 204);
    assert.ok(!existsSync(join(server.tenant, "clients/New App.json")));
    assert.equal((await call(server, "GET", `/api/v2/clients/${created.body.client_id}`)).status, 404);
  } finally {
    await server.stop();
  }
});

test("users: get, PATCH with Auth0's merge (first level, null deletes), create and delete", async () => {
  const server = await startServe({ args: ["--api-token", TOKEN] });
  try {
    const path = `/api/v2/users/${encodeURIComponent(JANE)}`;
    const user = await call(server, "GET", path);
    assert.equal(user.body.email, "jane.doe@example.com");
    assert.equal(user.body.authorization, undefined);
    const patched = await call(server, "PATCH", path, {
      body: { app_metadata: { plan: null, prefs: { theme: "dark" } }, user_metadata: { language: "de" } },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.app_metadata, { terms_accepted: true, prefs: { theme: "dark" } });
    assert.deepEqual(patched.body.user_metadata, { language: "de" });
    // A nested object is replaced whole, not merged.
    const nested = await call(server, "PATCH", path, { body: { app_metadata: { prefs: { size: "l" } } } });
    assert.deepEqual(nested.body.app_metadata.prefs, { size: "l" });

    const created = await call(server, "POST", "/api/v2/users", {
      body: { connection: "Username-Password-Authentication", email: "new@example.com", password: "pw", app_metadata: { plan: "free" } },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.user_id, /^auth0\|[0-9a-f]{24}$/);
    assert.equal(created.body.password, undefined);
    assert.equal(created.body.identities[0].connection, "Username-Password-Authentication");
    const id = encodeURIComponent(created.body.user_id);
    assert.equal((await call(server, "GET", `/api/v2/users/${id}`)).body.email, "new@example.com");
    assert.equal((await call(server, "DELETE", `/api/v2/users/${id}`)).status, 204);
    assert.equal((await call(server, "GET", `/api/v2/users/${id}`)).status, 404);
  } finally {
    await server.stop();
  }
});

test("rules and actions are listed and read; the Test endpoint runs an Action on the given event", async () => {
  const server = await startServe({ args: ["--api-token", TOKEN] });
  try {
    const rules = (await call(server, "GET", "/api/v2/rules")).body;
    assert.ok(rules.some((r) => r.name === "block-contractors" && typeof r.script === "string"));
    const rule = await call(server, "GET", "/api/v2/rules/require-terms");
    assert.equal(rule.body.id, "require-terms");
    const actions = (await call(server, "GET", "/api/v2/actions/actions?triggerId=post-login")).body;
    assert.deepEqual(actions.actions.map((a) => a.name).sort(), ["enrich-profile", "marketing-consent", "require-verified-email"]);
    const action = (await call(server, "GET", "/api/v2/actions/actions/crm-sync")).body;
    assert.deepEqual(action.secrets, [{ name: "CRM_API_KEY" }]);

    const path = "/api/v2/actions/actions/require-verified-email/test";
    const denied = await call(server, "POST", path, { body: { payload: { user: { email_verified: false }, client: { metadata: {} } } } });
    assert.equal(denied.status, 200, JSON.stringify(denied.body));
    assert.deepEqual(denied.body.payload.commands, [{ api: "access.deny", args: ["Please verify your email address before logging in."] }]);
    const skipped = await call(server, "POST", path, {
      body: { payload: { client: { name: "Tools", metadata: { SKIP_VERIFICATION: "yes" } } } },
    });
    assert.deepEqual(skipped.body.payload.commands, []);
    assert.ok(skipped.body.payload.logs.some((l) => /skipping email verification for Tools/.test(JSON.stringify(l))));
    assert.equal((await call(server, "POST", path, { body: {} })).status, 400);
  } finally {
    await server.stop();
  }
});
