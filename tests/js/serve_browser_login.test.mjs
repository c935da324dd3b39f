// A login through `actionhost serve` in a real browser (Debian's Chromium driven by
// playwright-core), as a newcomer makes it: the Dashboard's "Try a login" link, the login page,
// a Rule's redirect to the terms page and an Action's redirect to the consent page (those two
// sites do not exist offline: the browser's requests to them are answered by small pages whose
// forms come back to /continue, as the real pages would), then the tester's page showing the
// claims the Rules and Actions put in the tokens. Keyboard only: Tab and Enter.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { addRule, launchChromium, startServe } from "./serve_support.mjs";

const PORTAL = "Gd2Customer0Portal0Client0Id002";
const TOOLS = "Wx1Internal0Tools0Client0Id0001";
/** RFC 7636 Appendix B's challenge (Internal Tools is public: PKCE). */
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

/** A page standing in for an external site: one form sending `fields` back to /continue. */
function returnPage(base, title, state, fields) {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join("");
  return `<!doctype html><html lang="en"><title>${title}</title><h1>${title}</h1>
<form method="get" action="${base}/continue"><input type="hidden" name="state" value="${state}">${inputs}
<button type="submit">Accept</button></form></html>`;
}

test("a browser logs in through the login page, a Rule's and an Action's redirects, and sees the tokens", async () => {
  const server = await startServe();
  const page = await browser.newPage();
  try {
    const visited = [];
    // The terms page of the require-terms Rule and the consent page of the marketing-consent Action.
    await page.route("https://terms.example.com/**", (route) => {
      const url = new URL(route.request().url());
      visited.push(url.origin + url.pathname);
      route.fulfill({ contentType: "text/html", body: returnPage(server.url, "Terms of service", url.searchParams.get("state"), { accepted: "yes" }) });
    });
    await page.route("https://consent.example.com/**", (route) => {
      const url = new URL(route.request().url());
      visited.push(url.origin + url.pathname);
      route.fulfill({ contentType: "text/html", body: returnPage(server.url, "Marketing email", url.searchParams.get("state"), { consent: "yes" }) });
    });

    await page.goto(`${server.url}/dashboard/`);
    await page.getByRole("link", { name: "Try a login to Customer Portal" }).click();
    await page.getByRole("heading", { name: "Log in to Customer Portal" }).waitFor();
    // Alex (free plan, terms not accepted, no consent yet): both redirects happen.
    const alex = page.getByRole("button", { name: /Alex Morgan/ });
    await alex.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Terms of service" }).waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Marketing email" }).waitFor();
    await page.getByRole("button", { name: "Accept" }).click();
    await page.getByRole("heading", { name: "Login test" }).waitFor();
    assert.deepEqual(visited, ["https://terms.example.com/accept", "https://consent.example.com/marketing"]);

    const idToken = JSON.parse(await page.locator("#id-token").textContent());
    assert.equal(idToken.sub, "google-oauth2|108177262311459836421");
    assert.equal(idToken.aud, "Gd2Customer0Portal0Client0Id002");
    assert.equal(idToken["https://example.com/marketing_consent"], true, "the Action's onContinuePostLogin claim");
    // The login's metadata changes are written to the user's file, as simulate --persist does.
    const user = JSON.parse(readFileSync(join(server.tenant, "users", "google-oauth2_108177262311459836421.json"), "utf8"));
    assert.equal(user.app_metadata.terms_accepted, true);
    assert.equal(user.user_metadata.marketing_consent, true);
  } finally {
    await page.close();
    await server.stop();
  }
});

test("a denied login shows access_denied in the browser, and the page offers to try again", async () => {
  const server = await startServe();
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/dashboard/`);
    await page.getByRole("link", { name: "Try a login to Customer Portal" }).click();
    // Sam's email is not verified and Customer Portal has no SKIP_VERIFICATION.
    await page.getByRole("button", { name: /Sam Lee/ }).click();
    await page.getByRole("heading", { name: "Login test" }).waitFor();
    assert.equal(await page.getByRole("alert").locator("h2").textContent(), "access_denied");
    assert.ok(await page.getByRole("link", { name: "Try again" }).isVisible());
  } finally {
    await page.close();
    await server.stop();
  }
});

// A login session (single sign-on, https://auth0.com/docs/authenticate/single-sign-on): after a
// login the browser holds the session cookie, and the next application's login skips the login
// page — the Rules still run and see a single sign-on login in context.sso
// (https://auth0.com/docs/customize/rules/context-object); prompt=none succeeds on the session
// and prompt=login asks again (https://auth0.com/docs/authenticate/login/max-age-reauthentication
// for the parameters, OIDC Core §3.1.2.1); /v2/logout ends the session
// (https://auth0.com/docs/authenticate/login/logout).
test("a login session logs the browser in to the next application without the page, until logout", async () => {
  const server = await startServe();
  addRule(
    server.tenant,
    "record-sso",
    `function recordSso(user, context, callback) {
  context.idToken["https://example.com/sso"] = context.sso;
  callback(null, user, context);
}`,
  );
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    // Internal Tools' site does not exist offline (and Playwright does not route the target of a
    // redirect): a tab of the same browser (same cookies) opens `url`, the address the server
    // sends it to on that site is recorded, and the failed load is ignored.
    const tools = [];
    const visit = async (url) => {
      const tab = await context.newPage();
      tab.on("request", (request) => {
        if (request.url().startsWith("https://tools.example.com/")) tools.push(new URL(request.url()));
      });
      await tab.goto(url).catch(() => {});
      await tab.close();
    };
    const idToken = async () => JSON.parse(await page.locator("#id-token").textContent());
    const sessionCookies = async () => (await context.cookies(server.url)).filter((c) => c.name === "auth0");

    await page.goto(`${server.url}/tester/try?client_id=${PORTAL}`);
    await page.getByRole("button", { name: /Jane Doe/ }).click();
    await page.getByRole("heading", { name: "Login test" }).waitFor();
    const first = await idToken();
    assert.equal(first["https://example.com/sso"].with_auth0, false, "a fresh login");
    const [cookie] = await sessionCookies();
    assert.ok(cookie, "the session cookie");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
    assert.equal(cookie.secure, false, "Secure only under --tls");

    // Another application: no login page, the same user, the same authentication.
    await page.goto(`${server.url}/tester/try?client_id=${TOOLS}`);
    await page.getByRole("heading", { name: "Login test" }).waitFor();
    const second = await idToken();
    assert.equal(second.sub, first.sub);
    assert.equal(second.aud, TOOLS);
    assert.equal(second.auth_time, first.auth_time, "auth_time: when the user logged in");
    assert.deepEqual(second["https://example.com/sso"], { with_auth0: true, with_dbconn: true, current_clients: [PORTAL] });
    const [logged] = (await (await fetch(`${server.url}/actionhost/logins`)).json()).logins;
    assert.equal(logged.sso, true, "/actionhost/logins says so");

    const authorize = (params) =>
      `${server.url}/authorize?${new URLSearchParams({
        client_id: TOOLS,
        response_type: "code",
        redirect_uri: "https://tools.example.com/callback",
        state: "s1",
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
        ...params,
      })}`;
    await visit(authorize({ prompt: "none" }));
    assert.ok(tools.at(-1).searchParams.get("code"), `prompt=none on a session: ${tools.at(-1)}`);
    await page.goto(authorize({ prompt: "login" }));
    await page.getByRole("heading", { name: "Log in to Internal Tools" }).waitFor();

    await visit(`${server.url}/v2/logout?client_id=${TOOLS}&returnTo=${encodeURIComponent("https://tools.example.com")}`);
    assert.equal(tools.at(-1).href, "https://tools.example.com/");
    assert.deepEqual(await sessionCookies(), [], "the cookie is removed");
    await visit(authorize({ prompt: "none" }));
    assert.equal(tools.at(-1).searchParams.get("error"), "login_required");
    await page.goto(authorize({}));
    await page.getByRole("heading", { name: "Log in to Internal Tools" }).waitFor();
  } finally {
    await context.close();
    await server.stop();
  }
});

test("under --tls the session cookie is Secure", async () => {
  const server = await startServe({ args: ["--tls", "--auto-login"] });
  // The server's certificate is issued by the tenant's local CA, which this browser does not trust.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  try {
    assert.match(server.url, /^https:\/\/localhost:/);
    await page.goto(`${server.url}/tester/try?client_id=${PORTAL}&login_hint=jane.doe%40example.com`);
    await page.getByRole("heading", { name: "Login test" }).waitFor();
    const [cookie] = (await context.cookies(server.url)).filter((c) => c.name === "auth0");
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
  } finally {
    await context.close();
    await server.stop();
  }
});
