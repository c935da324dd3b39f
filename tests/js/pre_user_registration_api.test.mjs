// Tests for js_runtime/actions/pre_user_registration/ (run with `node --test tests/js/`). The
// expected api, checks and event fields are those of Auth0's pre-user-registration v2 type
// definitions and implementation (@auth0/actions src/pre-user-registration/v2: its
// PreUserRegistrationValidationErrorInput and PreUserRegistrationSetUserIdInput schemas) and its
// API object reference page.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER } from "../../js_runtime/actions/pre_user_registration/api.js";
import {
  assertApiShape, assertHasPaths, defaultEvent, runExample, setup, throwsExact,
} from "./trigger_support.mjs";

const NAME = "pre_user_registration";
const make = (event = defaultEvent(NAME), overrides) => setup(TRIGGER, event, overrides);

describe("pre-user-registration TRIGGER", () => {
  it("names Auth0's trigger id and both its handlers", () => {
    assert.equal(TRIGGER.id, "pre-user-registration");
    assert.deepEqual({ ...TRIGGER.handlers },
      { execute: "onExecutePreUserRegistration", continue: "onContinuePreUserRegistration" });
  });

  it("builds an api of access, cache, user and validation", () => {
    assertApiShape(make().api, {
      access: ["deny"],
      cache: ["get", "set", "delete"],
      user: ["setAppMetadata", "setUserMetadata", "setUserId"],
      validation: ["error"],
    });
  });
});

describe("pre-user-registration api.access.deny", () => {
  it("records the log reason and the user message and returns api", () => {
    const { api, calls } = make();
    assert.equal(api.access.deny("disposable_email", "Please use a permanent address."), api);
    api.access.deny("no message");
    api.access.deny("null message", null);
    assert.deepEqual(calls, [
      { api: "access.deny", args: ["disposable_email", "Please use a permanent address."] },
      { api: "access.deny", args: ["no message", null] },
      { api: "access.deny", args: ["null message", null] },
    ]);
  });

  it("rejects non-string arguments and records nothing", () => {
    const { api, calls } = make();
    throwsExact(() => api.access.deny(), TypeError, "api.access.deny: reason must be a string (got undefined)");
    throwsExact(() => api.access.deny("r", { text: "x" }), TypeError,
      "api.access.deny: userMessage must be a string (got an object)");
    assert.equal(calls.length, 0);
  });
});

describe("pre-user-registration api.user", () => {
  it("setAppMetadata / setUserMetadata record key and value (undefined as null) and return api", () => {
    const { api, calls } = make();
    assert.equal(api.user.setAppMetadata("plan", "free"), api);
    api.user.setUserMetadata("prefs", { theme: "dark" }).user.setUserMetadata("gone", undefined);
    assert.deepEqual(calls, [
      { api: "user.setAppMetadata", args: ["plan", "free"] },
      { api: "user.setUserMetadata", args: ["prefs", { theme: "dark" }] },
      { api: "user.setUserMetadata", args: ["gone", null] },
    ]);
  });

  it("works when the user about to be created has no metadata yet", () => {
    const event = defaultEvent(NAME);
    delete event.user.app_metadata;
    delete event.user.user_metadata;
    const { api, calls } = make(event);
    api.user.setAppMetadata("a", 1);
    api.user.setUserMetadata("b", 2);
    assert.equal(calls.length, 2);
  });

  it("metadata keys must be non-empty strings", () => {
    const { api, calls } = make();
    throwsExact(() => api.user.setAppMetadata(1, "x"), TypeError, "api.user.setAppMetadata: key must be a string (got 1)");
    throwsExact(() => api.user.setUserMetadata("", "x"), Error, "api.user.setUserMetadata: key must be a non-empty string");
    assert.equal(calls.length, 0);
  });

  it("setUserId accepts 1-255 of Auth0's user id characters", () => {
    const { api, calls } = make();
    assert.equal(api.user.setUserId("jane.doe+1@example.com"), api);
    api.user.setUserId("a".repeat(255));
    throwsExact(() => api.user.setUserId("a".repeat(256)), Error,
      `api.user.setUserId: user_id must be 1-255 letters, digits or @ . _ + - characters (got "${"a".repeat(57)}...")`);
    throwsExact(() => api.user.setUserId("auth0|123"), Error,
      'api.user.setUserId: user_id must be 1-255 letters, digits or @ . _ + - characters (got "auth0|123")');
    throwsExact(() => api.user.setUserId(""), Error,
      'api.user.setUserId: user_id must be 1-255 letters, digits or @ . _ + - characters (got "")');
    throwsExact(() => api.user.setUserId(42), TypeError, "api.user.setUserId: user_id must be a string (got 42)");
    assert.deepEqual(calls.map((c) => c.args[0].length), [22, 255]);
  });
});

describe("pre-user-registration api.validation.error", () => {
  it("records code and message (at most 100 characters each) and returns api", () => {
    const { api, calls } = make();
    assert.equal(api.validation.error("invalid_job_title", "Too long."), api);
    api.validation.error("c".repeat(100), "m".repeat(100));
    throwsExact(() => api.validation.error("c".repeat(101), "m"), Error,
      "api.validation.error: errorCode must be at most 100 characters (got 101)");
    throwsExact(() => api.validation.error("c", "m".repeat(101)), Error,
      "api.validation.error: errorMessage must be at most 100 characters (got 101)");
    throwsExact(() => api.validation.error("c"), TypeError,
      "api.validation.error: errorMessage must be a string (got undefined)");
    assert.deepEqual(calls.map((c) => c.api), ["validation.error", "validation.error"]);
    assert.deepEqual(calls[0].args, ["invalid_job_title", "Too long."]);
  });
});

describe("pre-user-registration api.cache", () => {
  it("is the common cache", () => {
    const { api, calls } = make();
    api.cache.set("k", "v");
    assert.equal(api.cache.get("k").value, "v");
    assert.deepEqual(api.cache.delete("nope"), { type: "error", code: "CacheKeyDoesNotExist" });
    assert.deepEqual(calls.map((c) => c.api), ["cache.set"]);
  });
});

describe("pre-user-registration default event", () => {
  it("has every field Auth0's type definitions require, and a user that does not exist yet", () => {
    const event = defaultEvent(NAME);
    assertHasPaths(event, [
      "connection.id", "connection.name", "connection.strategy", "request.body", "request.geoip", "request.ip",
      "request.method", "tenant.id", "user", "secrets", "configuration",
      // optional in the types, present in a Universal Login sign-up:
      "client.client_id", "client.metadata", "client.name", "transaction.acr_values", "transaction.locale",
      "transaction.requested_scopes", "transaction.ui_locales", "user.email",
    ]);
    assert.equal(event.user.user_id, undefined, "the user has no id before it is created");
    assert.equal(event.connection.name, "Username-Password-Authentication");
    assert.equal(event.client.name, "Example Application");
    assert.equal(event.tenant.id, "example");
    assert.deepEqual([event.client.metadata, event.secrets, event.configuration], [{}, {}, {}]);
  });
});

describe("pre-user-registration example Action", () => {
  it("records the sign-up's metadata and chooses the user id on the default event", async () => {
    const { calls } = await runExample(NAME, TRIGGER, defaultEvent(NAME));
    assert.deepEqual(calls, [
      { api: "user.setUserMetadata", args: ["signup_country", "NZ"] },
      { api: "user.setUserMetadata", args: ["job_title", "Engineer"] },
      { api: "user.setAppMetadata", args: ["signup_client", "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs"] },
      { api: "user.setAppMetadata", args: ["plan", "free"] },
      { api: "user.setUserId", args: ["jane.doe@example.com"] },
    ]);
  });

  it("denies a disposable domain and remembers it; a validation error for a bad field", async () => {
    const disposable = defaultEvent(NAME);
    disposable.user.email = "x@mailinator.com";
    const cache = new Map();
    assert.deepEqual((await runExample(NAME, TRIGGER, disposable, { cache })).calls, [
      { api: "cache.set", args: ["denied:mailinator.com", "disposable", { expires_at: 1_700_086_400_000 }] },
      { api: "access.deny", args: ["disposable_email:mailinator.com", "Please sign up with a permanent email address."] },
    ]);
    assert.equal(cache.get("denied:mailinator.com").value, "disposable");

    const known = defaultEvent(NAME);
    const stale = new Map([["denied:example.com", { value: "old", expires_at: 0 }]]);
    const live = await runExample(NAME, TRIGGER, known, { cache: stale });
    assert.equal(live.calls.some((c) => c.api === "access.deny"), false, "an expired record does not deny");

    const field = defaultEvent(NAME);
    field.request.body["ulp-job-title"] = "x".repeat(65);
    assert.deepEqual((await runExample(NAME, TRIGGER, field)).calls, [
      { api: "validation.error", args: ["invalid_job_title", "Job title must be at most 64 characters."] },
    ]);
  });

  it("denies a domain remembered in the cache, and lets an unblocked one through, dropping its record", async () => {
    const cache = new Map([["denied:example.com", { value: "disposable", expires_at: 1_700_000_060_000 }]]);
    const denied = await runExample(NAME, TRIGGER, defaultEvent(NAME), { cache });
    assert.deepEqual(denied.calls.map((c) => c.api), ["cache.set", "access.deny"]);

    const unblocked = defaultEvent(NAME);
    unblocked.secrets.UNBLOCKED_DOMAINS = "example.org,example.com";
    const { calls } = await runExample(NAME, TRIGGER, unblocked, { cache });
    assert.deepEqual(calls[0], { api: "cache.delete", args: ["denied:example.com"] });
    assert.equal(calls.at(-1).api, "user.setUserId");
    assert.equal(cache.size, 0);
  });
});
