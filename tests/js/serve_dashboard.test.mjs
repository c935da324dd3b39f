// The Dashboard's Application Metadata tab of `actionhost serve`, driven in headless Chromium:
// the Applications list links each application; Add (also by keyboard alone), Add over an
// existing key, Delete after its confirmation and an over-limit value refused beside its field
// all leave the client file untouched until Save Changes; then the next login (`simulate`) sees
// the new metadata. Also: forms without this server's token are refused, and the store's own
// refusal is shown beside Save Changes.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";


import { BINARY, launchChromium, startServe } from "./serve_support.mjs";

const CLIENT = "Customer Portal";
// Sam Lee's email is not verified: the example tenant's require-verified-email Rule and Action
// deny the login unless the application's metadata has SKIP_VERIFICATION "yes".
const UNVERIFIED_USER = "auth0|7c1e9a4b2d3f5e6a7b8c9d0e";
// Auth0's limit of 255 characters per value, in the tenant's own wording.
const VALUE_TOO_LONG = 'client_metadata value of "TIER" is 256 characters long; Auth0 allows at most 255';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

const clientFile = (server) => join(server.tenant, "clients", `${CLIENT}.json`);
const savedMetadata = (server) => JSON.parse(readFileSync(clientFile(server), "utf8")).client_metadata;

/** The outcome of the next login of `user` to the application, as `simulate --json` reports it. */
function login(server, user) {
  const run = spawnSync(BINARY, ["simulate", "--tenant", server.tenant, "--client", CLIENT, "--user-id", user, "--json"], {
    encoding: "utf8",
  });
  assert.ok(run.stdout, `simulate printed nothing: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** Runs `action`, which posts a form or follows a link, and waits for the next page to load. */
async function submit(page, action) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
}

/** The Key → Value rows the tab shows. */
async function rows(page) {
  return page.$$eval("table tbody tr", (trs) =>
    trs.map((tr) => [tr.querySelector("th").textContent.trim(), tr.querySelector("td").textContent.trim()]),
  );
}

test("add, update, delete with confirmation, over-limit refused; only Save Changes writes; the next login changes", async () => {
  const server = await startServe();
  const page = await browser.newPage();
  try {
    const denied = login(server, UNVERIFIED_USER);
    assert.equal(denied.status, "denied");
    assert.equal(denied.denial.error_description, "Please verify your email address before logging in.");
    const fileBefore = readFileSync(clientFile(server), "utf8");

    // Dashboard > Applications > (application)
    await page.goto(`${server.url}/dashboard/`);
    assert.equal(await page.locator("h1").textContent(), "Applications");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await submit(page, () => page.getByRole("link", { name: CLIENT, exact: true }).click());
    assert.equal(await page.locator("h1").textContent(), CLIENT);
    assert.deepEqual(await rows(page), [
      ["TIER", "gold"],
      ["SUPPORT_URL", "https://portal.example.com/help"],
    ]);

    // Add with the keyboard alone: Tab to Key, type, Tab to Value, type, Tab to Add, Enter.
    await page.locator("body").focus();
    for (let i = 0; i < 30 && (await page.evaluate(() => document.activeElement?.id)) !== "key"; i++) {
      await page.keyboard.press("Tab");
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), "key", "Tab never reached the Key field");
    await page.keyboard.type("SKIP_VERIFICATION");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "value");
    await page.keyboard.type("no");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Add");
    await submit(page, () => page.keyboard.press("Enter"));
    assert.deepEqual((await rows(page)).at(-1), ["SKIP_VERIFICATION", "no"]);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "key", "focus returns to Key after Add");

    // Add over an existing key updates it in place, through the labelled fields.
    await page.getByLabel("Key", { exact: true }).fill("SKIP_VERIFICATION");
    await page.getByLabel("Value", { exact: true }).fill("yes");
    await submit(page, () => page.getByRole("button", { name: "Add", exact: true }).click());
    assert.deepEqual(await rows(page), [
      ["TIER", "gold"],
      ["SUPPORT_URL", "https://portal.example.com/help"],
      ["SKIP_VERIFICATION", "yes"],
    ]);

    // Delete asks first; Cancel keeps the pair, "Yes, delete" removes it.
    await submit(page, () => page.getByRole("button", { name: "Delete TIER" }).click());
    const dialog = page.getByRole("alertdialog", { name: "Delete metadata" });
    assert.match(await dialog.textContent(), /delete the key TIER\?/);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel");
    await submit(page, () => dialog.getByRole("button", { name: "Cancel" }).click());
    assert.equal(await page.getByRole("alertdialog").count(), 0);
    assert.equal((await rows(page)).length, 3);
    await submit(page, () => page.getByRole("button", { name: "Delete SUPPORT_URL" }).click());
    await submit(page, () => page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click());
    assert.deepEqual(await rows(page), [
      ["TIER", "gold"],
      ["SKIP_VERIFICATION", "yes"],
    ]);

    // A 256-character value is refused with Auth0's message beside the Value field.
    await page.getByLabel("Key", { exact: true }).fill("TIER");
    await page.getByLabel("Value", { exact: true }).fill("x".repeat(256));
    await submit(page, () => page.getByRole("button", { name: "Add", exact: true }).click());
    const value = page.getByLabel("Value", { exact: true });
    assert.equal(await value.getAttribute("aria-invalid"), "true");
    const describedBy = await value.getAttribute("aria-describedby");
    assert.equal(await page.locator(`#${describedBy}`).textContent(), VALUE_TOO_LONG);
    assert.equal(await value.inputValue(), "x".repeat(256), "the refused value stays in its field");
    assert.deepEqual(await rows(page), [
      ["TIER", "gold"],
      ["SKIP_VERIFICATION", "yes"],
    ]);

    // Nothing written yet; the login is still denied.
    assert.equal(readFileSync(clientFile(server), "utf8"), fileBefore);
    assert.equal(login(server, UNVERIFIED_USER).status, "denied");

    await submit(page, () => page.getByRole("button", { name: "Save Changes" }).click());
    await page.waitForURL(/\?saved=1$/);
    assert.equal(await page.getByRole("status").first().textContent(), "Changes saved.");
    assert.deepEqual(savedMetadata(server), { TIER: "gold", SKIP_VERIFICATION: "yes" });
    assert.deepEqual(await rows(page), [
      ["TIER", "gold"],
      ["SKIP_VERIFICATION", "yes"],
    ]);

    const allowed = login(server, UNVERIFIED_USER);
    assert.equal(allowed.status, "completed");
    assert.ok(allowed.tokens.id_token, "the login issues tokens");
  } finally {
    await page.close();
    await server.stop();
  }
});

/** The tab's form as a browser would post it, with `fields` overriding or adding. */
async function form(server) {
  const html = await (await fetch(`${server.url}/dashboard/applications/Gd2Customer0Portal0Client0Id002/settings`)).text();
  const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)];
  return { csrf: hidden.find((m) => m[1] === "csrf")[2], html };
}

function post(server, body) {
  return fetch(`${server.url}/dashboard/applications/Gd2Customer0Portal0Client0Id002/settings`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
    redirect: "manual",
  });
}

test("a form without this server's token is refused; the store's refusal is shown beside Save Changes", async () => {
  const server = await startServe();
  try {
    const before = readFileSync(clientFile(server), "utf8");
    const { csrf } = await form(server);
    assert.match(csrf, /^[0-9a-f]{64}$/);
    const save = [
      ["base_key", "TIER"],
      ["base_value", "gold"],
      ["draft_key", "TIER"],
      ["draft_value", "platinum"],
      ["action", "save"],
    ];
    for (const token of [[], [["csrf", "0".repeat(64)]]]) {
      const refused = await post(server, [...token, ...save]);
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /the form&#x27;s token is missing or not this server&#x27;s/);
    }
    assert.equal(readFileSync(clientFile(server), "utf8"), before);

    // A draft that never went through Add (posted directly) still meets the store's validation.
    const tooLong = await post(server, [
      ["csrf", csrf],
      ["base_key", "TIER"],
      ["base_value", "gold"],
      ["draft_key", "TIER"],
      ["draft_value", "x".repeat(256)],
      ["action", "save"],
    ]);
    assert.equal(tooLong.status, 422);
    const html = await tooLong.text();
    assert.match(html, /aria-describedby="save-error"/);
    assert.match(html, /<p id="save-error" class="error" role="alert">[^<]*change rejected, nothing written: client_metadata value of &quot;TIER&quot; is 256 characters long; Auth0 allows at most 255<\/p>/);
    assert.equal(readFileSync(clientFile(server), "utf8"), before);

    // With the token, Save Changes writes and redirects to the saved page.
    const saved = await post(server, [["csrf", csrf], ...save]);
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get("location"), "/dashboard/applications/Gd2Customer0Portal0Client0Id002/settings?saved=1");
    assert.deepEqual(savedMetadata(server), { TIER: "platinum", SUPPORT_URL: "https://portal.example.com/help" });
  } finally {
    await server.stop();
  }
});
