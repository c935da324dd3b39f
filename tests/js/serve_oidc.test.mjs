// The login server of `actionhost serve`, driven by the openid-client library (v6) as a real
// application would: discovery, the authorization code flow with PKCE (logged in with
// --auto-login and login_hint), the ID token validated by the library against the JWKS, the
// application-metadata Action deciding differently for two applications, a Rule and an Action
// redirect resumed through /continue, a bad redirect_uri, a reused code, /userinfo and refresh.
// openid-client refuses plain HTTP unless told: these tests use allowInsecureRequests on http.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import * as client from "openid-client";

import { startServe } from "./serve_support.mjs";

const PORTAL = { id: "Gd2Customer0Portal0Client0Id002", callback: "https://portal.example.com/callback" };
const TOOLS = { id: "Wx1Internal0Tools0Client0Id0001", callback: "https://tools.example.com/callback" };
const JANE = "jane.doe@example.com"; // verified, enterprise plan, terms accepted
const SAM = "auth0|7c1e9a4b2d3f5e6a7b8c9d0e"; // email not verified
const ALEX = "google-oauth2|108177262311459836421"; // no terms accepted, free plan, no consent yet

let server;

before(async () => {
  server = await startServe({ args: ["--auto-login"] });
  // Leave the email check to the Action: the Rule of the same name would deny first.
  const rule = join(server.tenant, "rules/require-verified-email.json");
  writeFileSync(rule, JSON.stringify({ ...JSON.parse(readFileSync(rule, "utf8")), enabled: false }));
});

after(() => server?.stop());

async function configure(app) {
  return client.discovery(new URL(server.url), app.id, { redirect_uris: [app.callback] }, client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

/** Starts a login; returns the checks and the first Location the server answers with. */
async function authorize(config, app, loginHint, extra = {}) {
  const checks = {
    pkceCodeVerifier: client.randomPKCECodeVerifier(),
    expectedState: client.randomState(),
    expectedNonce: client.randomNonce(),
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: app.callback,
    scope: "openid profile email offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
    code_challenge_method: "S256",
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    login_hint: loginHint,
    ...extra,
  });
  const response = await fetch(url, { redirect: "manual" });
  assert.equal(response.status, 302, await response.clone().text());
  return { checks, location: new URL(response.headers.get("location")) };
}

async function recentLogins() {
  return (await (await fetch(`${server.url}/actionhost/logins`)).json()).logins;
}

function payload(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
}

test("discovery names this server as issuer and its endpoints", async () => {
  const config = await configure(PORTAL);
  const metadata = config.serverMetadata();
  assert.equal(metadata.issuer, `${server.url}/`);
  assert.equal(metadata.authorization_endpoint, `${server.url}/authorize`);
  assert.equal(metadata.token_endpoint, `${server.url}/oauth/token`);
  assert.equal(metadata.jwks_uri, `${server.url}/.well-known/jwks.json`);
  assert.ok(metadata.code_challenge_methods_supported.includes("S256"));
  const jwks = await (await fetch(metadata.jwks_uri)).json();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].kty, "RSA");
  // The key of `simulate --sign`, as the tenant's .actionhost/jwks.json holds it.
  const onDisk = JSON.parse(readFileSync(join(server.tenant, ".actionhost/jwks.json"), "utf8"));
  assert.deepEqual(jwks.keys, onDisk.keys);
});

test("a code + PKCE login issues tokens the library validates; userinfo and refresh work", async () => {
  const config = await configure(PORTAL);
  const { checks, location } = await authorize(config, PORTAL, JANE);
  assert.equal(`${location.origin}${location.pathname}`, PORTAL.callback);
  const tokens = await client.authorizationCodeGrant(config, location, checks);
  const claims = tokens.claims(); // signature (JWKS), iss, aud, nonce, exp checked by the library
  assert.equal(claims.sub, "auth0|65a5027f9b3c4d1e2f3a4b5c");
  assert.equal(claims.iss, `${server.url}/`);
  assert.equal(claims.aud, PORTAL.id);
  assert.equal(claims.nonce, checks.expectedNonce);
  assert.equal(claims.email, JANE);
  assert.equal(claims["https://example.com/email_verified"], true, "set by the Action");
  assert.equal(claims["https://example.com/language"], "fr", "set by enrich-profile");
  // No API audience: "If the token audience is just the OIDC /userinfo endpoint, then Auth0 will
  // issue an opaque Access Token" (https://auth0.com/docs/tokens/access-token-formats).
  assert.equal(tokens.access_token.split(".").length, 1, `opaque, not a JWT: ${tokens.access_token}`);
  assert.match(tokens.scope, /read:reports/, "enrich-profile adds it for the enterprise plan");
  assert.ok(tokens.refresh_token, "offline_access was asked");

  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, JANE);
  assert.equal(info.name, "Jane Doe");
  const forged = tokens.access_token.slice(0, -4) + (tokens.access_token.endsWith("AAAA") ? "BBBB" : "AAAA");
  const refused = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${forged}` } });
  assert.equal(refused.status, 401);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(refreshed.claims().sub, claims.sub);
  const refresh = (await recentLogins())[0];
  assert.equal(refresh.simulation.login.protocol, "oauth2-refresh-token");
  // The journal keeps the login's transcript, not its credentials: the claims, not the JWTs.
  const login = (await recentLogins())[1];
  assert.equal(login.simulation.login.protocol, "oidc-basic-profile");
  assert.equal(login.simulation.tokens.id_token.claims.sub, claims.sub);
  assert.equal(login.simulation.tokens.access_token.claims["https://example.com/tier"], "gold");
  assert.equal(login.simulation.tokens.id_token.jwt, undefined);
  assert.equal(login.simulation.tokens.access_token.jwt, undefined);
  const journal = JSON.stringify(login);
  assert.ok(!journal.includes(tokens.id_token.split(".")[2]) && !journal.includes(tokens.access_token));

  // The user's metadata changes of the Action landed in users/.
  const file = JSON.parse(readFileSync(join(server.tenant, "users/auth0_65a5027f9b3c4d1e2f3a4b5c.json"), "utf8"));
  assert.equal(file.user_metadata.last_application, "Customer Portal");
});

test("an access token for an API audience is a JWT for the API and /userinfo; one for /userinfo alone is opaque", async () => {
  const config = await configure(PORTAL);
  const reports = "https://api.example.com/reports";
  const { checks, location } = await authorize(config, PORTAL, JANE, { audience: reports });
  const tokens = await client.authorizationCodeGrant(config, location, checks);
  const access = payload(tokens.access_token);
  assert.deepEqual(access.aud, [reports, `${server.url}/userinfo`], "openid was asked: /userinfo too");
  assert.equal(access.azp, PORTAL.id);
  assert.equal(access["https://example.com/tier"], "gold", "the Portal's TIER metadata, set by the Action");
  assert.equal((await client.fetchUserInfo(config, tokens.access_token, tokens.claims().sub)).email, JANE);

  const userinfo = await authorize(config, PORTAL, JANE, { audience: `${server.url}/userinfo` });
  const opaque = await client.authorizationCodeGrant(config, userinfo.location, userinfo.checks);
  assert.equal(opaque.access_token.split(".").length, 1, `opaque: ${opaque.access_token}`);
  assert.equal((await client.fetchUserInfo(config, opaque.access_token, opaque.claims().sub)).email, JANE);
  // A token of another server (another key) opens nowhere else.
  const other = await startServe({ args: ["--auto-login"] });
  try {
    const refused = await fetch(`${other.url}/userinfo`, { headers: { authorization: `Bearer ${opaque.access_token}` } });
    assert.equal(refused.status, 401);
    assert.match(await refused.text(), /not an access token of this server/);
  } finally {
    await other.stop();
  }
});

test("the application-metadata Action denies one application and lets the other in", async () => {
  const portal = await configure(PORTAL);
  const denied = await authorize(portal, PORTAL, SAM);
  assert.equal(denied.location.searchParams.get("error"), "access_denied");
  assert.equal(denied.location.searchParams.get("state"), denied.checks.expectedState);
  await assert.rejects(client.authorizationCodeGrant(portal, denied.location, denied.checks), (error) => {
    assert.equal(error.error, "access_denied");
    assert.equal(error.error_description, "Please verify your email address before logging in.");
    return true;
  });
  const [login] = await recentLogins();
  assert.equal(login.simulation.denial.by, "action require-verified-email");

  const tools = await configure(TOOLS);
  const allowed = await authorize(tools, TOOLS, SAM);
  const tokens = await client.authorizationCodeGrant(tools, allowed.location, allowed.checks);
  assert.equal(tokens.claims().sub, SAM);
  assert.equal(tokens.claims().aud, TOOLS.id);
  const [allowedLogin] = await recentLogins();
  assert.equal(allowedLogin.simulation.tokens.access_token.claims["https://example.com/tier"], undefined, "the Action returned early");
});

test("a Rule's redirect and an Action's redirect resume through /continue", async () => {
  const config = await configure(PORTAL);
  const { checks, location: terms } = await authorize(config, PORTAL, ALEX);
  assert.equal(`${terms.origin}${terms.pathname}`, "https://terms.example.com/accept", "the require-terms Rule");
  const state = terms.searchParams.get("state");
  assert.ok(state);
  let response = await fetch(`${server.url}/continue?state=${state}&accepted=yes`, { redirect: "manual" });
  assert.equal(response.status, 302);
  const consent = new URL(response.headers.get("location"));
  assert.equal(`${consent.origin}${consent.pathname}`, "https://consent.example.com/marketing", "marketing-consent");
  assert.equal(consent.searchParams.get("client"), "Customer Portal");
  response = await fetch(`${server.url}/continue?state=${consent.searchParams.get("state")}&consent=yes`, {
    redirect: "manual",
  });
  assert.equal(response.status, 302);
  const callback = new URL(response.headers.get("location"));
  const tokens = await client.authorizationCodeGrant(config, callback, checks);
  assert.equal(tokens.claims()["https://example.com/marketing_consent"], true, "onContinuePostLogin's claim");
  const file = JSON.parse(readFileSync(join(server.tenant, "users/google-oauth2_108177262311459836421.json"), "utf8"));
  assert.equal(file.app_metadata.terms_accepted, true);
  assert.equal(file.user_metadata.marketing_consent, true);
  // A state resumes once.
  response = await fetch(`${server.url}/continue?state=${state}&accepted=yes`, { redirect: "manual" });
  assert.equal(response.status, 400);
});

test("a redirect_uri outside the callbacks is shown as an error page, never redirected to", async () => {
  const url = new URL(`${server.url}/authorize`);
  url.search = new URLSearchParams({
    client_id: PORTAL.id,
    response_type: "code",
    redirect_uri: "https://evil.example.com/callback",
    login_hint: JANE,
  });
  const response = await fetch(url, { redirect: "manual" });
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("location"), null);
  assert.match(await response.text(), /Callback URL mismatch[\s\S]*evil\.example\.com/);
});

test("a code is redeemed once", async () => {
  const config = await configure(PORTAL);
  const { checks, location } = await authorize(config, PORTAL, JANE);
  await client.authorizationCodeGrant(config, location, checks);
  await assert.rejects(client.authorizationCodeGrant(config, location, checks), (error) => {
    assert.equal(error.error, "invalid_grant");
    return true;
  });
});

// In Auth0's words, as its users quote the answer
// (https://viralsfire.com/post/auth0-failed-to-verify-code-verifier-error); 403, as Auth0 answers
// invalid_grant (https://community.auth0.com/t/authorisation-code-flow-error-403/73029).
test("a wrong PKCE verifier is refused", async () => {
  const config = await configure(PORTAL);
  const { checks, location } = await authorize(config, PORTAL, JANE);
  const wrong = { ...checks, pkceCodeVerifier: client.randomPKCECodeVerifier() };
  await assert.rejects(client.authorizationCodeGrant(config, location, wrong), (error) => {
    assert.equal(error.status, 403);
    assert.equal(error.error, "invalid_grant");
    assert.equal(error.error_description, "Failed to verify code verifier");
    return true;
  });
});

test("without a login_hint the login page lists the tenant's users", async () => {
  const url = new URL(`${server.url}/authorize`);
  url.search = new URLSearchParams({
    client_id: PORTAL.id,
    response_type: "code",
    scope: "openid",
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: "S256",
  });
  const response = await fetch(url);
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /<legend>Choose the user to log in as<\/legend>/);
  assert.match(html, /value="auth0\|65a5027f9b3c4d1e2f3a4b5c"/);
  const tx = /name="tx" value="([^"]+)"/.exec(html)[1];
  const chosen = await fetch(`${server.url}/authorize/login`, {
    method: "POST",
    body: new URLSearchParams({ tx, user_id: "auth0|65a5027f9b3c4d1e2f3a4b5c" }),
    redirect: "manual",
  });
  assert.equal(chosen.status, 302);
  assert.ok(new URL(chosen.headers.get("location")).searchParams.get("code"));
});

test("logout sends the browser only to an allowed logout URL", async () => {
  const ok = await fetch(`${server.url}/v2/logout?client_id=${TOOLS.id}&returnTo=https://tools.example.com`, {
    redirect: "manual",
  });
  assert.equal(ok.status, 302);
  assert.equal(ok.headers.get("location"), "https://tools.example.com");
  const refused = await fetch(`${server.url}/v2/logout?client_id=${TOOLS.id}&returnTo=https://evil.example.com`, {
    redirect: "manual",
  });
  assert.equal(refused.status, 400);
});

// The login tester (Auth0's Dashboard "Try"): /tester/try starts a code + PKCE login whose
// redirect_uri is the server's own /tester/callback — accepted for any application without being
// among its callbacks — and the callback page shows the claims of the tokens the Rules and Actions
// produced, or the denial.
test("the tester logs in to an application and shows the claims of its tokens", async () => {
  const server = await startServe({ args: ["--auto-login"] });
  try {
    const portal = "Gd2Customer0Portal0Client0Id002";
    const go = (url) => fetch(new URL(url, server.url), { redirect: "manual" });
    // Jane has a verified email: every Rule and Action of the example tenant lets her through.
    let response = await go(`/tester/try?client_id=${portal}&login_hint=jane.doe%40example.com`);
    assert.equal(response.status, 302);
    const authorize = new URL(response.headers.get("location"));
    assert.equal(authorize.pathname, "/authorize");
    assert.equal(authorize.searchParams.get("redirect_uri"), `${server.url}/tester/callback`);
    assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
    response = await go(authorize);
    assert.equal(response.status, 302, await response.text());
    const callback = new URL(response.headers.get("location"));
    assert.equal(callback.pathname, "/tester/callback");
    assert.ok(callback.searchParams.get("code"), callback.href);
    response = await go(callback);
    assert.equal(response.status, 200);
    const page = await response.text();
    const unescape = (html) =>
      html
        .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
        .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
        .replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
    const idToken = JSON.parse(unescape(/<pre id="id-token">([^<]*)<\/pre>/.exec(page)[1]));
    assert.equal(idToken.aud, portal);
    assert.equal(idToken.iss, `${server.url}/`);
    assert.equal(idToken.email, "jane.doe@example.com");
    assert.match(page, /<p id="access-token">The access token is opaque/, "no audience: an opaque access token");
    // The redeemed code is gone: reloading the callback is refused.
    assert.equal((await go(callback)).status, 400);
    // Sam's email is not verified and Customer Portal has no SKIP_VERIFICATION: the denial is shown.
    response = await go(`/tester/try?client_id=${portal}&login_hint=sam.lee%40example.com`);
    response = await go(response.headers.get("location"));
    response = await go(response.headers.get("location"));
    const denied = await response.text();
    assert.match(denied, /access_denied/);
    // With an API audience the access token is a JWT, and its claims are shown.
    response = await go(`/tester/try?client_id=${portal}&login_hint=jane.doe%40example.com&audience=${encodeURIComponent("https://api.example.com/reports")}`);
    response = await go(response.headers.get("location"));
    response = await go(response.headers.get("location"));
    const withApi = await response.text();
    const accessToken = JSON.parse(unescape(/<pre id="access-token">([^<]*)<\/pre>/.exec(withApi)[1]));
    assert.equal(accessToken["https://example.com/tier"], "gold");
    // Another URL of the server is still not an acceptable redirect_uri.
    response = await go(`/authorize?client_id=${portal}&response_type=code&redirect_uri=${encodeURIComponent(`${server.url}/tester/other`)}`);
    assert.equal(response.status, 400);
  } finally {
    await server.stop();
  }
});
