// Tests for js_runtime/actions/credentials_exchange/ (run with `node --test tests/js/`). The
// expected api, checks and event fields are those of Auth0's credentials-exchange v2 type
// definitions (@auth0/actions src/credentials-exchange/v2) and its API object reference page.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER } from "../../js_runtime/actions/credentials_exchange/api.js";
import {
  assertApiShape, assertHasPaths, defaultEvent, runExample, setup, throwsExact,
} from "./trigger_support.mjs";

const NAME = "credentials_exchange";
const make = (event = defaultEvent(NAME), overrides) => setup(TRIGGER, event, overrides);

describe("credentials-exchange TRIGGER", () => {
  it("names Auth0's trigger id and its one handler", () => {
    assert.equal(TRIGGER.id, "credentials-exchange");
    assert.deepEqual({ ...TRIGGER.handlers }, { execute: "onExecuteCredentialsExchange" });
    assert.ok(Object.isFrozen(TRIGGER) && Object.isFrozen(TRIGGER.handlers));
  });

  it("builds an api of access, accessToken, cache and transaction", () => {
    const { api } = make();
    assertApiShape(api, {
      access: ["deny"],
      accessToken: ["setCustomClaim"],
      cache: ["get", "set", "delete"],
      transaction: ["addTargetScope", "removeTargetScope", "setTargetScopes", "clearTargetScopes"],
    });
    assert.notEqual(make().api.access, api.access, "one state per execution");
  });
});

describe("credentials-exchange api.access.deny", () => {
  it("records each of Auth0's three codes with its reason and returns api", () => {
    const { api, calls } = make();
    assert.equal(api.access.deny("invalid_scope", "no admin"), api);
    api.access.deny("invalid_request", "bad audience");
    api.access.deny("server_error");
    api.access.deny("server_error", null);
    assert.deepEqual(calls, [
      { api: "access.deny", args: ["invalid_scope", "no admin"] },
      { api: "access.deny", args: ["invalid_request", "bad audience"] },
      { api: "access.deny", args: ["server_error", null] },
      { api: "access.deny", args: ["server_error", null] },
    ]);
  });

  it("rejects other codes and non-string arguments, recording nothing", () => {
    const { api, calls } = make();
    throwsExact(() => api.access.deny("access_denied", "x"), Error,
      'api.access.deny: code must be one of "invalid_scope", "invalid_request", "server_error" (got "access_denied")');
    throwsExact(() => api.access.deny("Invalid_Scope"), Error,
      'api.access.deny: code must be one of "invalid_scope", "invalid_request", "server_error" (got "Invalid_Scope")');
    throwsExact(() => api.access.deny(), TypeError, "api.access.deny: code must be a string (got undefined)");
    throwsExact(() => api.access.deny("invalid_scope", 5), TypeError,
      "api.access.deny: reason must be a string when given (got 5)");
    assert.equal(calls.length, 0);
  });
});

describe("credentials-exchange api.accessToken.setCustomClaim", () => {
  it("records a JSON copy of the value and returns api", () => {
    const { api, calls } = make();
    const value = { tier: "gold", when: new Date(0) };
    assert.equal(api.accessToken.setCustomClaim("https://example.com/c", value), api);
    value.tier = "changed";
    api.accessToken.setCustomClaim("n", undefined);
    assert.deepEqual(calls, [
      { api: "accessToken.setCustomClaim", args: ["https://example.com/c", { tier: "gold", when: "1970-01-01T00:00:00.000Z" }] },
      { api: "accessToken.setCustomClaim", args: ["n", null] },
    ]);
  });

  it('refuses non-string keys and the reserved "scope" claim', () => {
    const { api, calls } = make();
    throwsExact(() => api.accessToken.setCustomClaim(1, "x"), TypeError,
      "api.accessToken.setCustomClaim: key must be a string (got 1)");
    throwsExact(() => api.accessToken.setCustomClaim("scope", "x"), Error,
      'api.accessToken.setCustomClaim: the "scope" claim cannot be set; use api.transaction.addTargetScope/removeTargetScope');
    assert.equal(calls.length, 0);
  });
});

describe("credentials-exchange api.transaction target scopes", () => {
  it("starts from event.transaction.target_scopes and mirrors each change into it", () => {
    const { api, calls, event } = make();
    assert.equal(api.transaction.addTargetScope("  read:audit  "), undefined);
    assert.deepEqual(event.transaction.target_scopes, ["read:reports", "write:reports", "read:audit"]);
    api.transaction.removeTargetScope("write:reports");
    assert.deepEqual(event.transaction.target_scopes, ["read:reports", "read:audit"]);
    api.transaction.setTargetScopes(["a", " b ", "a"]);
    assert.deepEqual(event.transaction.target_scopes, ["a", "b"]);
    api.transaction.clearTargetScopes();
    assert.deepEqual(event.transaction.target_scopes, []);
    assert.deepEqual(calls, [
      { api: "transaction.addTargetScope", args: ["read:audit"] },
      { api: "transaction.removeTargetScope", args: ["write:reports"] },
      { api: "transaction.setTargetScopes", args: [["a", "b"]] },
      { api: "transaction.clearTargetScopes", args: [] },
    ]);
  });

  it("starts from event.accessToken.scope when the event has no target_scopes", () => {
    const event = defaultEvent(NAME);
    delete event.transaction.target_scopes;
    event.accessToken.scope = ["read:x"];
    const { api } = make(event);
    api.transaction.addTargetScope("read:y");
    assert.deepEqual(event.transaction.target_scopes, ["read:x", "read:y"]);
  });

  it("prefers target_scopes to accessToken.scope, keeps only their strings, else starts empty", () => {
    const both = defaultEvent(NAME);
    both.transaction.target_scopes = ["read:a", 5, null];
    both.accessToken.scope = ["read:b"];
    make(both).api.transaction.addTargetScope("read:c");
    assert.deepEqual(both.transaction.target_scopes, ["read:a", "read:c"]);
    const neither = defaultEvent(NAME);
    delete neither.transaction.target_scopes;
    delete neither.accessToken;
    make(neither).api.transaction.addTargetScope("read:c");
    assert.deepEqual(neither.transaction.target_scopes, ["read:c"]);
    const notAList = defaultEvent(NAME);
    delete notAList.transaction.target_scopes;
    notAList.accessToken.scope = "read:x read:y";
    make(notAList).api.transaction.addTargetScope("read:c");
    assert.deepEqual(notAList.transaction.target_scopes, ["read:c"]);
  });

  it("mirrors into a new event.transaction when the event has none, and keeps the other fields of one it has", () => {
    for (const transaction of [null, undefined, "x"]) {
      const event = defaultEvent(NAME);
      event.transaction = transaction;
      event.accessToken.scope = ["read:x"];
      make(event).api.transaction.addTargetScope("read:y");
      assert.deepEqual(event.transaction, { target_scopes: ["read:x", "read:y"] }, String(transaction));
    }
    const event = defaultEvent(NAME);
    const requested = event.transaction.requested_scopes;
    make(event).api.transaction.removeTargetScope("write:reports");
    assert.deepEqual(event.transaction.requested_scopes, requested);
    assert.deepEqual(event.transaction.target_scopes, ["read:reports"]);
  });

  it("keeps its own set: an Action writing event.transaction.target_scopes does not change what is recorded", () => {
    // The host applies the recorded calls to the event's initial scopes; the mirror shows that result.
    const { api, event } = make();
    api.transaction.addTargetScope("read:audit");
    event.transaction.target_scopes = ["other"];
    api.transaction.addTargetScope("read:more");
    assert.deepEqual(event.transaction.target_scopes, ["read:reports", "write:reports", "read:audit", "read:more"]);
  });

  it("records setTargetScopes([]) as the clear it is", () => {
    const { api, calls, event } = make();
    api.transaction.setTargetScopes([]);
    assert.deepEqual(calls, [{ api: "transaction.clearTargetScopes", args: [] }]);
    assert.deepEqual(event.transaction.target_scopes, []);
  });

  it("checks scopes as Auth0 does: strings, trimmed, not empty, at most 280 characters, no whitespace", () => {
    const { api, calls, event } = make();
    api.transaction.addTargetScope("s".repeat(280));
    throwsExact(() => api.transaction.addTargetScope("s".repeat(281)), Error,
      "api.transaction.addTargetScope: scope must be at most 280 characters (got 281)");
    throwsExact(() => api.transaction.addTargetScope(5), TypeError,
      "api.transaction.addTargetScope: scope must be a string (got 5)");
    throwsExact(() => api.transaction.removeTargetScope("   "), Error,
      "api.transaction.removeTargetScope: scope must not be empty");
    throwsExact(() => api.transaction.addTargetScope("read write"), Error,
      'api.transaction.addTargetScope: scope must not contain whitespace (got "read write")');
    throwsExact(() => api.transaction.setTargetScopes("read"), TypeError,
      'api.transaction.setTargetScopes: scopes must be an array of strings (got "read")');
    throwsExact(() => api.transaction.setTargetScopes(["ok", 7]), TypeError,
      "api.transaction.setTargetScopes: scopes[1] must be a string (got 7)");
    throwsExact(() => api.transaction.setTargetScopes(["ok", "a b"]), Error,
      'api.transaction.setTargetScopes: scopes[1] must not contain whitespace (got "a b")');
    assert.equal(calls.length, 1);
    assert.equal(event.transaction.target_scopes.length, 3, "failed calls change nothing");
  });

  it("allows at most 1000 target scopes", () => {
    const { api, calls } = make();
    const many = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    api.transaction.setTargetScopes([...many, "s0"]); // duplicates count once
    api.transaction.addTargetScope("s5"); // already present
    throwsExact(() => api.transaction.addTargetScope("one-more"), Error,
      "api.transaction.addTargetScope: the number of target scopes exceeds the maximum of 1000");
    throwsExact(() => api.transaction.setTargetScopes([...many, "one-more"]), Error,
      "api.transaction.setTargetScopes: the number of target scopes exceeds the maximum of 1000");
    api.transaction.removeTargetScope("s1");
    api.transaction.addTargetScope("one-more");
    assert.equal(calls.length, 4);
  });
});

describe("credentials-exchange api.cache", () => {
  it("is the common cache: set records, get reads, delete records", () => {
    const { api, calls, store } = make();
    assert.equal(api.cache.set("k", "v", { ttl: 1000 }).type, "success");
    assert.equal(api.cache.get("k").value, "v");
    assert.deepEqual(api.cache.delete("k"), { type: "success" });
    assert.equal(store.size, 0);
    assert.deepEqual(calls.map((c) => c.api), ["cache.set", "cache.delete"]);
  });
});

describe("credentials-exchange default event", () => {
  it("has every field Auth0's type definitions require, with the project's fixed values", () => {
    const event = defaultEvent(NAME);
    assertHasPaths(event, [
      "accessToken.customClaims", "accessToken.scope", "client.client_id", "client.metadata", "client.name",
      "request.body", "request.geoip", "request.ip", "request.method", "resource_server.identifier", "tenant.id",
      "transaction.requested_scopes", "secrets", "configuration",
    ]);
    assert.ok(Array.isArray(event.accessToken.scope));
    assert.equal(event.tenant.id, "example");
    assert.equal(event.client.client_id, "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs");
    assert.equal(event.request.ip, "203.0.113.42");
    assert.equal(event.request.body.grant_type, "client_credentials");
    assert.equal(event.request.body.audience, event.resource_server.identifier);
    assert.deepEqual([event.client.metadata, event.secrets, event.configuration], [{}, {}, {}]);
    assert.equal(event.user, undefined, "a machine-to-machine exchange has no user");
  });
});

describe("credentials-exchange example Action", () => {
  it("narrows the target scopes, counts the request and sets its claims on the default event", async () => {
    const { calls, event, store } = await runExample(NAME, TRIGGER, defaultEvent(NAME));
    assert.deepEqual(calls, [
      { api: "cache.set", args: ["cc-count:8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs", "1", { expires_at: 1_700_000_060_000 }] },
      { api: "transaction.setTargetScopes", args: [["read:reports", "write:reports"]] },
      { api: "transaction.removeTargetScope", args: ["write:reports"] },
      { api: "transaction.addTargetScope", args: ["read:reports"] },
      { api: "accessToken.setCustomClaim", args: ["https://example.com/client_name", "Example Application"] },
      { api: "accessToken.setCustomClaim", args: ["https://example.com/tenant", "example"] },
    ]);
    assert.deepEqual(event.transaction.target_scopes, ["read:reports"]);
    assert.equal(store.size, 1);
  });

  it("denies with each code where its guards say so", async () => {
    const audience = defaultEvent(NAME);
    audience.resource_server.identifier = "https://api.example.com/other";
    assert.deepEqual((await runExample(NAME, TRIGGER, audience)).calls, [
      { api: "access.deny", args: ["invalid_request", "Audience https://api.example.com/other is not available to machine clients."] },
    ]);
    const country = defaultEvent(NAME);
    country.request.geoip.countryCode = "KP";
    assert.deepEqual((await runExample(NAME, TRIGGER, country)).calls, [{ api: "access.deny", args: ["server_error", null] }]);
    const admin = defaultEvent(NAME);
    admin.transaction.requested_scopes = ["admin"];
    admin.client.metadata.tier = "trusted";
    const { calls } = await runExample(NAME, TRIGGER, admin);
    assert.deepEqual(calls.at(-1), {
      api: "access.deny", args: ["invalid_scope", "The admin scope cannot be requested with client credentials."],
    });
    const none = defaultEvent(NAME);
    none.transaction.requested_scopes = [];
    assert.ok((await runExample(NAME, TRIGGER, none)).calls.some((c) => c.api === "transaction.clearTargetScopes"));
  });

  it("denies the 101st request of a client within a minute and forgets its counter", async () => {
    const cache = new Map([["cc-count:8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs", { value: "100", expires_at: 1_700_000_030_000 }]]);
    const { calls } = await runExample(NAME, TRIGGER, defaultEvent(NAME), { cache });
    assert.deepEqual(calls, [
      { api: "cache.delete", args: ["cc-count:8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs"] },
      { api: "access.deny", args: ["invalid_request", "Too many token requests; try again in a minute."] },
    ]);
    assert.equal(cache.size, 0);
  });
});
