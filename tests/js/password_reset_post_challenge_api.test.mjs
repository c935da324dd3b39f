// Tests for js_runtime/actions/password_reset_post_challenge/ (run with `node --test tests/js/`):
// the api against Auth0's @auth0/actions password-reset-post-challenge v1 types and harness,
// the default event and the example Action.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER, createApi } from "../../js_runtime/actions/password_reset_post_challenge/api.js";
import { AuthenticationApi } from "../../js_runtime/actions/post_login/authentication.js";
import { RedirectApi } from "../../js_runtime/actions/post_login/redirect.js";
import {
  NOW, NOW_S, assertShape, defaultEvent, loadExample, setup, signJwt, throwsExact,
} from "./trigger_harness.mjs";

const ID = "password_reset_post_challenge";
const run = (overrides = {}) => setup(createApi, { event: defaultEvent(ID), ...overrides });

describe("password-reset-post-challenge: trigger", () => {
  it("is Auth0's trigger id with its two handlers", () => {
    assert.equal(TRIGGER.id, "password-reset-post-challenge");
    assert.deepEqual(TRIGGER.handlers, { execute: "onExecutePostChallenge", continue: "onContinuePostChallenge" });
    assert.equal(TRIGGER.createApi, createApi);
    assert.ok(Object.isFrozen(TRIGGER) && Object.isFrozen(TRIGGER.handlers));
  });

  it("has exactly the namespaces and methods of Auth0's PasswordResetPostChallengeAPI", () => {
    const { api } = run();
    assertShape(api, {
      access: ["deny"],
      authentication: ["challengeWith", "challengeWithAny"],
      cache: ["get", "set", "delete"],
      prompt: ["render"],
      redirect: ["encodeToken", "sendUserTo", "validateToken"],
      transaction: ["setResultUrl"],
    });
  });

  it("shares post-login's methods rather than copies of them", () => {
    const { api } = run();
    assert.equal(api.authentication.challengeWith, AuthenticationApi.prototype.challengeWith);
    assert.equal(api.redirect.validateToken, RedirectApi.prototype.validateToken);
  });
});

describe("password-reset-post-challenge: each method records its command", () => {
  it("access.deny", () => {
    const { api, calls } = run();
    api.access.deny("Password reset is not allowed.");
    assert.deepEqual(calls, [{ api: "access.deny", args: ["Password reset is not allowed."] }]);
  });

  it("authentication.challengeWith and challengeWithAny", () => {
    const { api, calls } = run();
    api.authentication.challengeWith({ type: "otp" }, { additionalFactors: [{ type: "email" }] });
    api.authentication.challengeWithAny([{ type: "phone", options: { preferredMethod: "voice" } }, { type: "otp" }]);
    assert.deepEqual(calls, [
      { api: "authentication.challengeWith", args: [{ type: "otp" }, { additionalFactors: [{ type: "email" }] }] },
      {
        api: "authentication.challengeWithAny",
        args: [[{ type: "phone", options: { preferredMethod: "voice" } }, { type: "otp" }]],
      },
    ]);
  });

  it("prompt.render", () => {
    const { api, calls } = run();
    api.prompt.render("confirm-reset", { vars: { email: "jane.doe@example.com" } });
    assert.deepEqual(calls, [{ api: "prompt.render", args: ["confirm-reset", { vars: { email: "jane.doe@example.com" } }] }]);
  });

  it("redirect.sendUserTo sets the query on the URL", () => {
    const { api, calls } = run();
    api.redirect.sendUserTo("https://idv.example.com/start?lang=en", { query: { session_token: "a b" } });
    assert.deepEqual(calls, [
      { api: "redirect.sendUserTo", args: ["https://idv.example.com/start?lang=en&session_token=a+b"] },
    ]);
  });

  it("transaction.setResultUrl records the URL with the query set as WHATWG URL does", () => {
    const { api, calls } = run();
    api.transaction.setResultUrl("https://www.example.com/account?tab=security&done=0", {
      query: { done: "1", note: "réinitialisé & ok" },
    });
    const expected = new URL("https://www.example.com/account?tab=security&done=0");
    expected.searchParams.set("done", "1");
    expected.searchParams.set("note", "réinitialisé & ok");
    assert.deepEqual(calls, [{ api: "transaction.setResultUrl", args: [expected.href] }]);
    assert.equal(expected.href, "https://www.example.com/account?tab=security&done=1&note=r%C3%A9initialis%C3%A9+%26+ok");
  });

  it("transaction.setResultUrl without options records the URL as given", () => {
    const { api, calls } = run();
    api.transaction.setResultUrl("https://www.example.com/");
    assert.deepEqual(calls, [{ api: "transaction.setResultUrl", args: ["https://www.example.com/"] }]);
  });

  it("cache.set records the key, value and expiry", () => {
    const { api, calls } = run();
    assert.deepEqual(api.cache.set("k", "v", { ttl: 1000 }), { type: "success", record: { value: "v", expires_at: NOW + 1000 } });
    assert.deepEqual(api.cache.get("k"), { value: "v", expires_at: NOW + 1000 });
    assert.deepEqual(api.cache.delete("k"), { type: "success" });
    assert.deepEqual(calls, [
      { api: "cache.set", args: ["k", "v", { expires_at: NOW + 1000 }] },
      { api: "cache.delete", args: ["k"] },
    ]);
  });

  it("redirect.encodeToken signs the user, hostname and ip claims Auth0's harness sets, and validateToken reads them back", () => {
    const { api } = run();
    const token = api.redirect.encodeToken({ secret: "s3cret", payload: { state: "st-1", flow: "reset" } });
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url"));
    assert.deepEqual(claims, {
      iat: NOW_S, iss: "example.auth0.com", sub: "auth0|65a5027f9b3c4d1e2f3a4b5c", exp: NOW_S + 900,
      ip: "203.0.113.42", state: "st-1", flow: "reset",
    });
    const event = defaultEvent(ID);
    event.request.query = { session_token: token, state: "st-1" };
    const cont = setup(createApi, { event, phase: "continue" });
    assert.equal(cont.api.redirect.validateToken({ secret: "s3cret" }).flow, "reset");
  });
});

describe("password-reset-post-challenge: argument checks", () => {
  it("transaction.setResultUrl wants an absolute URL string and an object query", () => {
    const { api, calls } = run();
    throwsExact(() => api.transaction.setResultUrl("/account"), Error,
      'api.transaction.setResultUrl: url must be an absolute URL (got "/account")');
    throwsExact(() => api.transaction.setResultUrl(42), TypeError,
      "api.transaction.setResultUrl: url must be a string (got 42)");
    throwsExact(() => api.transaction.setResultUrl("https://a.example", "x=1"), TypeError,
      'api.transaction.setResultUrl: options must be an object like {query} (got "x=1")');
    throwsExact(() => api.transaction.setResultUrl("https://a.example", { query: ["x"] }), TypeError,
      "api.transaction.setResultUrl: options.query must be an object (got an array)");
    assert.deepEqual(calls, []);
  });

  it("a redirect and a render cannot both be asked, in Auth0's words", () => {
    const { api } = run();
    api.redirect.sendUserTo("https://idv.example.com/");
    throwsExact(() => api.prompt.render("confirm"), Error, "Redirect and render commands cannot be used in the same action.");
    const other = run().api;
    other.prompt.render("confirm");
    throwsExact(() => other.redirect.sendUserTo("https://idv.example.com/"), Error,
      "Redirect and render commands cannot be used in the same action.");
  });

  it("access.deny wants a string reason; challengeWith a factor object", () => {
    const { api } = run();
    throwsExact(() => api.access.deny(), TypeError, "api.access.deny: reason must be a string (got undefined)");
    throwsExact(() => api.authentication.challengeWith("otp"), TypeError,
      'api.authentication.challengeWith: factor must be an object like {type: "otp"} (got "otp")');
    throwsExact(() => api.authentication.challengeWithAny([]), Error,
      "api.authentication.challengeWithAny: factors must contain at least one factor");
  });

  it("redirect.validateToken without a token names the parameter, as Auth0 does", () => {
    const { api } = run({ phase: "continue" });
    throwsExact(() => api.redirect.validateToken({ secret: "s" }), Error,
      "There is no parameter called 'session_token' available in either the POST body or query string.");
  });
});

describe("password-reset-post-challenge: the example Action", () => {
  const example = () => loadExample(ID);

  it("exports both handlers as async functions", () => {
    const mod = example();
    assert.equal(mod.onExecutePostChallenge.constructor.name, "AsyncFunction");
    assert.equal(mod.onContinuePostChallenge.constructor.name, "AsyncFunction");
  });

  it("on the default event: counts the reset, challenges with MFA and sets the result URL", async () => {
    const { api, calls, event } = run();
    await example().onExecutePostChallenge(event, api);
    assert.deepEqual(calls, [
      { api: "cache.set", args: ["password-reset:auth0|65a5027f9b3c4d1e2f3a4b5c", "1", { expires_at: NOW + 3600000 }] },
      {
        api: "authentication.challengeWith",
        args: [{ type: "otp" }, { additionalFactors: [{ type: "phone", options: { preferredMethod: "sms" } }] }],
      },
      {
        api: "transaction.setResultUrl",
        args: ["https://www.example.com/account?password_reset=done&client_id=8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs"],
      },
    ]);
  });

  it("denies a locked account, and the fourth reset within the hour", async () => {
    const locked = run();
    locked.event.user.app_metadata.reset_locked = true;
    await example().onExecutePostChallenge(locked.event, locked.api);
    assert.deepEqual(locked.calls.map((c) => c.api), ["access.deny"]);

    const cache = new Map();
    const mod = example();
    for (let i = 0; i < 3; i++) {
      const r = run({ cache });
      await mod.onExecutePostChallenge(r.event, r.api);
    }
    const fourth = run({ cache });
    await mod.onExecutePostChallenge(fourth.event, fourth.api);
    assert.deepEqual(fourth.calls, [{ api: "access.deny", args: ["Too many password resets. Please try again in an hour."] }]);
  });

  it("asks with challengeWithAny when the user has no OTP factor, and renders the confirmation prompt when the app asks", async () => {
    const r = run();
    r.event.user.enrolledFactors = [{ type: "email" }, { type: "phone" }];
    r.event.client.metadata.confirm_reset = "true";
    await example().onExecutePostChallenge(r.event, r.api);
    assert.deepEqual(r.calls.slice(1), [
      { api: "authentication.challengeWithAny", args: [[{ type: "email" }, { type: "phone" }]] },
      { api: "prompt.render", args: ["confirm-password-reset", { vars: { email: "jane.doe@example.com", locale: "en" } }] },
    ]);
  });

  it("sends a user due an identity check away with a signed token, and on return validates the answer", async () => {
    const r = run();
    r.event.user.app_metadata.identity_check_required = true;
    r.event.secrets.IDV_SECRET = "idv-shared-secret";
    r.event.authentication.methods.push({ name: "mfa", timestamp: "2024-06-01T09:35:00.000Z" });
    await example().onExecutePostChallenge(r.event, r.api);
    assert.deepEqual(r.calls.map((c) => c.api), ["cache.set", "redirect.sendUserTo"]);
    const sent = new URL(r.calls[1].args[0]);
    assert.equal(sent.origin + sent.pathname, "https://idv.example.com/verify");
    const claims = JSON.parse(Buffer.from(sent.searchParams.get("session_token").split(".")[1], "base64url"));
    assert.equal(claims.state, "hKFo2SBfZ3pLdU1XQ2VzTjRkV3J5");
    assert.equal(claims.exp, NOW_S + 300);

    const answer = (verified) => signJwt({
      sub: "auth0|65a5027f9b3c4d1e2f3a4b5c", state: "hKFo2SBfZ3pLdU1XQ2VzTjRkV3J5", exp: NOW_S + 60, verified,
      check_id: "idv_7781",
    }, "idv-shared-secret");
    for (const verified of [true, false]) {
      const c = run({ phase: "continue", cache: r.store });
      c.event.secrets.IDV_SECRET = "idv-shared-secret";
      c.event.request.query = { session_token: answer(verified), state: "hKFo2SBfZ3pLdU1XQ2VzTjRkV3J5" };
      await example().onContinuePostChallenge(c.event, c.api);
      assert.deepEqual(c.calls, verified
        ? [
          { api: "cache.delete", args: ["password-reset:auth0|65a5027f9b3c4d1e2f3a4b5c"] },
          { api: "transaction.setResultUrl", args: ["https://www.example.com/account?password_reset=done&identity_check=idv_7781"] },
        ]
        : [{ api: "access.deny", args: ["We could not verify your identity."] }]);
    }
  });
});

describe("password-reset-post-challenge: the default event", () => {
  it("has every field Auth0's event type requires, with the tenant's shared values", () => {
    const e = defaultEvent(ID);
    assert.ok(Array.isArray(e.authentication.methods) && e.authentication.methods.every((m) =>
      typeof m.name === "string" && !Number.isNaN(Date.parse(m.timestamp))));
    assert.deepEqual(e.authorization, { roles: [] });
    assert.deepEqual(e.client, { client_id: "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs", name: "Example Application", metadata: {} });
    for (const k of ["id", "name", "strategy"]) assert.equal(typeof e.connection[k], "string");
    assert.deepEqual([e.configuration, e.secrets], [{}, {}]);
    for (const k of ["body", "geoip", "query"]) assert.equal(typeof e.request[k], "object");
    assert.equal(e.request.ip, "203.0.113.42");
    assert.equal(typeof e.request.method, "string");
    assert.equal(typeof e.stats.logins_count, "number");
    assert.equal(e.tenant.id, "example");
    assert.equal(typeof e.transaction.locale, "string");
    assert.ok(Array.isArray(e.transaction.ui_locales));
    for (const k of ["app_metadata", "user_metadata"]) assert.equal(typeof e.user[k], "object");
    for (const k of ["created_at", "updated_at"]) assert.ok(!Number.isNaN(Date.parse(e.user[k])));
    assert.equal(e.user.user_id, "auth0|65a5027f9b3c4d1e2f3a4b5c");
    assert.equal(typeof e.user.email_verified, "boolean");
    assert.ok(Array.isArray(e.user.identities));
  });
});
