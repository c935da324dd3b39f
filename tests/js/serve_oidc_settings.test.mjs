// The login server of `actionhost serve` under the application settings Auth0 reads, driven by
// the openid-client library (v6): what the Rules and Actions see of the application's real
// authorization request, callback and logout URLs with subdomain wildcards and organization
// placeholders, PKCE required of public applications only, refresh token rotation with reuse
// detection, and refreshes asking for fewer scopes. Each behaviour is Auth0's, as documented at
// the URL beside its test.

import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import * as client from "openid-client";

import { addPostLoginAction, addRule, editClient, startServe } from "./serve_support.mjs";

const PORTAL = { id: "Gd2Customer0Portal0Client0Id002", callback: "https://eu.portal.example.com/callback" };
const TOOLS = { id: "Wx1Internal0Tools0Client0Id0001", callback: "https://tools.example.com/callback", secret: "tools-secret" };
const JANE = "jane.doe@example.com"; // verified, enterprise plan, terms accepted
const REPORTS = "https://api.example.com/reports";
// Internal Tools in the context of the organization "acme" (organizations/acme.json).
const ACME_TOOLS = { ...TOOLS, callback: "https://acme.tools.example.com/callback" };

let server;

before(async () => {
  server = await startServe({ args: ["--auto-login"] });
  // What the scripts see of the request, put into the ID token.
  addRule(
    server.tenant,
    "record-request",
    `function recordRequest(user, context, callback) {
  context.idToken["https://example.com/rule_saw"] = { query: context.request.query, sso: context.sso };
  callback(null, user, context);
}`,
  );
  addPostLoginAction(
    server.tenant,
    "record-request",
    `exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://example.com/action_saw", {
    redirect_uri: event.transaction.redirect_uri,
    requested_scopes: event.transaction.requested_scopes,
    response_type: event.transaction.response_type,
    state: event.transaction.state,
    query: event.request.query,
    body: event.request.body,
    resource_server: event.resource_server ? event.resource_server.identifier : null,
  });
  // The reports API's scope, whatever the application asked.
  if (event.resource_server && event.resource_server.identifier === "${REPORTS}") {
    api.accessToken.addScope("read:reports");
  }
};`,
  );
  editClient(server.tenant, "Customer Portal", (portal) => {
    portal.callbacks = ["https://*.portal.example.com/callback"];
    portal.allowed_logout_urls = ["https://*.portal.example.com"];
  });
  editClient(server.tenant, "Internal Tools", (tools) => {
    tools.client_secret = TOOLS.secret; // confidential
    tools.refresh_token = { rotation_type: "rotating", leeway: 0 };
    tools.callbacks.push("https://{organization_name}.tools.example.com/callback");
    tools.organization_usage = "allow";
  });
  // An organization as the Deploy CLI exports it (organizations/<name>.json).
  mkdirSync(join(server.tenant, "organizations"));
  writeFileSync(join(server.tenant, "organizations", "acme.json"), JSON.stringify({ name: "acme", display_name: "Acme", id: "org_acme0000000001" }));
});

after(() => server?.stop());

async function configure(app) {
  const auth = app.secret ? client.ClientSecretPost(app.secret) : client.None();
  return client.discovery(new URL(server.url), app.id, { redirect_uris: [app.callback] }, auth, {
    execute: [client.allowInsecureRequests],
  });
}

/**
 * Logs Jane in to `app` (with PKCE unless `pkce: false`); resolves to the authorization URL, the
 * Location the server answered, and the token response (unless `redeem: false`).
 */
async function login(app, { pkce = true, redeem = true, ...params } = {}) {
  const config = await configure(app);
  const checks = { expectedState: client.randomState(), expectedNonce: client.randomNonce() };
  const query = { redirect_uri: app.callback, state: checks.expectedState, nonce: checks.expectedNonce, login_hint: JANE, ...params };
  if (pkce) {
    checks.pkceCodeVerifier = client.randomPKCECodeVerifier();
    query.code_challenge = await client.calculatePKCECodeChallenge(checks.pkceCodeVerifier);
    query.code_challenge_method = "S256";
  }
  const url = client.buildAuthorizationUrl(config, query);
  const response = await fetch(url, { redirect: "manual" });
  assert.equal(response.status, 302, await response.clone().text());
  const location = new URL(response.headers.get("location"));
  const redeemable = redeem && location.searchParams.has("code");
  return { config, url, location, tokens: redeemable ? await client.authorizationCodeGrant(config, location, checks) : null };
}

// Rules see the authorization request's query as context.request.query
// (https://auth0.com/docs/customize/rules/context-object); Actions see it as event.request.query,
// with event.transaction.redirect_uri, .requested_scopes, .response_type, .state and
// event.resource_server.identifier (https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object).
test("Rules and Actions see the application's real request", async () => {
  const { url, tokens } = await login(PORTAL, { scope: "openid email read:reports", audience: REPORTS });
  const claims = tokens.claims();
  const query = Object.fromEntries(url.searchParams);
  const rule = claims["https://example.com/rule_saw"];
  assert.deepEqual(rule.query, query, "the whole query, code_challenge and nonce included");
  assert.equal(rule.query.redirect_uri, PORTAL.callback, "the redirect_uri asked, not the first callback");
  assert.equal(rule.sso.with_auth0, false, "no login session: a fresh login");
  const action = claims["https://example.com/action_saw"];
  assert.equal(action.redirect_uri, PORTAL.callback);
  assert.deepEqual(action.requested_scopes, ["openid", "email", "read:reports"]);
  assert.deepEqual(action.response_type, ["code"]);
  assert.equal(action.state, query.state);
  assert.deepEqual(action.query, query);
  assert.equal(action.resource_server, REPORTS);
  // Only the scopes asked: no profile claims without `profile`.
  assert.equal(claims.email, JANE);
  assert.equal(claims.name, undefined);
});

// "Subdomain URL placeholders": one label in place of the wildcard
// (https://auth0.com/docs/get-started/applications/wildcards-for-subdomains).
test("a wildcard callback allows one subdomain in its place, for login and logout", async () => {
  const { location } = await login(PORTAL);
  assert.equal(`${location.origin}${location.pathname}`, PORTAL.callback);
  for (const redirect_uri of ["https://a.b.portal.example.com/callback", "https://portal.example.com/callback", "https://eu.portal.example.com/other"]) {
    const url = new URL(`${server.url}/authorize`);
    url.search = new URLSearchParams({ client_id: PORTAL.id, response_type: "code", redirect_uri, code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" });
    const response = await fetch(url, { redirect: "manual" });
    assert.equal(response.status, 400, redirect_uri);
    assert.match(await response.text(), /Callback URL mismatch/);
  }
  const logout = (returnTo) => fetch(`${server.url}/v2/logout?${new URLSearchParams({ client_id: PORTAL.id, returnTo })}`, { redirect: "manual" });
  const allowed = await logout("https://eu.portal.example.com");
  assert.equal(allowed.status, 302);
  assert.equal(allowed.headers.get("location"), "https://eu.portal.example.com");
  assert.equal((await logout("https://x.y.portal.example.com")).status, 400);
});

// A public application (single-page or native: no secret) uses the code flow with PKCE
// (https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce);
// a regular web application authenticates with its secret and may go without
// (https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow).
test("a public application must use PKCE; a confidential one need not", async () => {
  const { location } = await login(PORTAL, { pkce: false });
  assert.equal(`${location.origin}${location.pathname}`, PORTAL.callback);
  assert.equal(location.searchParams.get("error"), "invalid_request");
  assert.match(location.searchParams.get("error_description"), /code_challenge/);
  const { tokens } = await login(TOOLS, { pkce: false });
  assert.equal(tokens.claims().aud, TOOLS.id);
  // Its secret is checked.
  const wrong = await configure({ ...TOOLS, secret: "wrong" });
  const { location: coded } = await login(TOOLS, { pkce: false, redeem: false });
  await assert.rejects(client.authorizationCodeGrant(wrong, coded, { expectedState: coded.searchParams.get("state") }), (error) => {
    assert.equal(error.error, "invalid_client");
    return true;
  });
});

// Refresh token rotation: each exchange returns a new refresh token and invalidates the one used;
// a used one sent again invalidates the whole family, the newest included (automatic reuse
// detection, https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation).
test("rotating refresh tokens: a new one each time, and reuse revokes the family", async () => {
  const { config, tokens } = await login(TOOLS, { scope: "openid offline_access" });
  const first = tokens.refresh_token;
  assert.ok(first);
  const second = await client.refreshTokenGrant(config, first);
  assert.ok(second.refresh_token && second.refresh_token !== first, "a new refresh token");
  assert.equal(second.claims().sub, tokens.claims().sub);
  const third = await client.refreshTokenGrant(config, second.refresh_token);
  assert.ok(third.refresh_token);
  await assert.rejects(client.refreshTokenGrant(config, first), (error) => {
    assert.equal(error.error, "invalid_grant");
    return true;
  });
  await assert.rejects(client.refreshTokenGrant(config, third.refresh_token), (error) => {
    assert.equal(error.error, "invalid_grant", "the family is revoked: the newest token too");
    return true;
  });
});

test("non-rotating refresh tokens serve again and are not replaced", async () => {
  const { config, tokens } = await login(PORTAL, { scope: "openid offline_access" });
  for (let i = 0; i < 2; i++) {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.equal(refreshed.refresh_token, undefined);
    assert.equal(refreshed.claims().sub, tokens.claims().sub);
  }
});

/** The claims of a JWT, unverified (the library verified the ID token; this reads the access token). */
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

// The refresh token grant's scope: "If omitted, the original scopes will be used; otherwise, you
// can request a reduced set of scopes"
// (https://auth0.com/docs/api/authentication/refresh-token/refresh-token). Asking for a scope the
// refresh token was not granted is refused; Auth0 documents no error for it, so it is RFC 6749's
// invalid_scope (§5.2, "exceeds the scope granted by the resource owner"), status 400.
test("a refresh may ask for fewer scopes than were granted, never more", async () => {
  const { config, tokens } = await login(PORTAL, { scope: "openid profile email offline_access", audience: REPORTS });
  const granted = ["email", "offline_access", "openid", "profile", "read:reports"];
  assert.deepEqual(tokens.scope.split(" ").sort(), granted, "the Action added the reports API's scope");

  const fewer = await client.refreshTokenGrant(config, tokens.refresh_token, { scope: "openid email" });
  assert.equal(fewer.scope, "openid email", "only the scopes asked, though the Action adds read:reports again");
  assert.equal(claimsOf(fewer.access_token).scope, "openid email");
  const claims = fewer.claims();
  assert.equal(claims.email, JANE);
  assert.equal(claims.name, undefined, "no profile claims: profile was not asked");
  const saw = claims["https://example.com/action_saw"];
  assert.deepEqual(saw.requested_scopes, ["openid", "email"], "the Actions see the scopes asked");
  assert.equal(saw.body.scope, "openid email");
  assert.equal(saw.body.refresh_token, undefined);

  const api = await client.refreshTokenGrant(config, tokens.refresh_token, { scope: "read:reports" });
  assert.equal(api.scope, "read:reports");
  assert.equal(api.id_token, undefined, "no ID token without openid");

  await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token, { scope: "openid write:reports" }), (error) => {
    assert.equal(error.status, 400);
    assert.equal(error.error, "invalid_scope");
    assert.match(error.error_description, /write:reports/);
    return true;
  });
  // The refresh token keeps the scopes it was granted with.
  const all = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.deepEqual(all.scope.split(" ").sort(), granted);
  assert.equal(all.claims().name, "Jane Doe");
  const blank = await client.refreshTokenGrant(config, tokens.refresh_token, { scope: " " });
  assert.deepEqual(blank.scope.split(" ").sort(), granted, "a blank scope asks for none");
});

// "Organization URL placeholders": a callback with {organization_name} is evaluated only when the
// application's organization_usage is allow or require and the transaction is in the context of
// an organization (/authorize?organization=…), the organization's name in the placeholder's place
// (https://auth0.com/docs/get-started/applications/wildcards-for-subdomains). The organization is
// named by its id, or by its name as Auth0 accepts with organization names allowed
// (https://auth0.com/docs/manage-users/organizations/configure-organizations/use-org-name-authentication-api).
test("an {organization_name} callback allows the organization's own URL, in its context only", async () => {
  for (const organization of ["org_acme0000000001", "acme"]) {
    const { location, tokens } = await login(ACME_TOOLS, { organization });
    assert.equal(`${location.origin}${location.pathname}`, ACME_TOOLS.callback, organization);
    assert.equal(tokens.claims().aud, TOOLS.id);
  }
  const mismatch = async (redirect_uri, organization) => {
    const url = new URL(`${server.url}/authorize`);
    url.search = new URLSearchParams({ client_id: TOOLS.id, response_type: "code", redirect_uri, ...(organization && { organization }) });
    const response = await fetch(url, { redirect: "manual" });
    assert.equal(response.status, 400, `${redirect_uri} ${organization}`);
    assert.match(await response.text(), /Callback URL mismatch/);
  };
  await mismatch(ACME_TOOLS.callback, undefined);
  await mismatch(ACME_TOOLS.callback, "org_globex000000001");
  await mismatch("https://globex.tools.example.com/callback", "org_acme0000000001");
  await mismatch("https://{organization_name}.tools.example.com/callback", "org_acme0000000001");
  // The application must take organizations.
  editClient(server.tenant, "Internal Tools", (tools) => delete tools.organization_usage);
  try {
    await mismatch(ACME_TOOLS.callback, "org_acme0000000001");
  } finally {
    editClient(server.tenant, "Internal Tools", (tools) => (tools.organization_usage = "allow"));
  }
});
