// Tests for js_runtime/actions/custom_token_exchange/ (run with `node --test tests/js/`): the api
// against Auth0's @auth0/actions custom-token-exchange v1 types and harness (its argument
// schemas and error wording), the default event and the example Action.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER, createApi } from "../../js_runtime/actions/custom_token_exchange/api.js";
import {
  NOW, assertShape, defaultEvent, fetchStub, loadExample, setup, throwsExact,
} from "./trigger_harness.mjs";

const ID = "custom_token_exchange";
const run = (overrides = {}) => setup(createApi, { event: defaultEvent(ID), ...overrides });
const FLAG = { featureFlags: { actions_cte_transaction_metadata: true } };

describe("custom-token-exchange: trigger", () => {
  it("is Auth0's trigger id with its handler", () => {
    assert.equal(TRIGGER.id, "custom-token-exchange");
    assert.deepEqual(TRIGGER.handlers, { execute: "onExecuteCustomTokenExchange" });
    assert.equal(TRIGGER.createApi, createApi);
  });

  it("has exactly the namespaces and methods of Auth0's CustomTokenExchangeAPI", () => {
    assertShape(run().api, {
      access: ["deny", "rejectInvalidSubjectToken"],
      authentication: ["setUserById", "setUserByConnection", "setOrganization", "setActor"],
      cache: ["get", "set", "delete"],
      transaction: ["setMetadata"],
      user: ["setAppMetadata", "setUserMetadata"],
    });
  });
});

describe("custom-token-exchange: each method records its command", () => {
  it("access.deny and access.rejectInvalidSubjectToken", () => {
    const { api, calls } = run();
    api.access.deny("invalid_request", "Unsupported token");
    api.access.rejectInvalidSubjectToken("Token expired");
    assert.deepEqual(calls, [
      { api: "access.deny", args: ["invalid_request", "Unsupported token"] },
      { api: "access.rejectInvalidSubjectToken", args: ["Token expired"] },
    ]);
  });

  it("authentication.setUserById, setOrganization and setActor", () => {
    const { api, calls } = run();
    api.authentication.setOrganization("org_xS525r979AS33MSf");
    api.authentication.setUserById("auth0|65a5027f9b3c4d1e2f3a4b5c");
    api.authentication.setActor({ sub: "agent-7", tier: 2, act: { sub: "service-a" } });
    assert.deepEqual(calls, [
      { api: "authentication.setOrganization", args: ["org_xS525r979AS33MSf"] },
      { api: "authentication.setUserById", args: ["auth0|65a5027f9b3c4d1e2f3a4b5c"] },
      { api: "authentication.setActor", args: [{ sub: "agent-7", tier: 2, act: { sub: "service-a" } }] },
    ]);
  });

  it("authentication.setUserByConnection", () => {
    const { api, calls } = run();
    const attrs = { user_id: "legacy-1", email: "a@example.com", email_verified: true, custom_field: "kept" };
    const opts = { creationBehavior: "create_if_not_exists", updateBehavior: "replace" };
    api.authentication.setUserByConnection("Username-Password-Authentication", attrs, opts);
    assert.deepEqual(calls, [
      { api: "authentication.setUserByConnection", args: ["Username-Password-Authentication", attrs, opts] },
    ]);
  });

  it("user.setAppMetadata and setUserMetadata (undefined recorded as null, the deletion)", () => {
    const { api, calls } = run();
    api.user.setAppMetadata("plan", { tier: "gold" });
    api.user.setUserMetadata("locale", undefined);
    assert.deepEqual(calls, [
      { api: "user.setAppMetadata", args: ["plan", { tier: "gold" }] },
      { api: "user.setUserMetadata", args: ["locale", null] },
    ]);
  });

  it("transaction.setMetadata only behind Auth0's feature flag", () => {
    throwsExact(() => run().api.transaction.setMetadata("k", "v"), Error, "Method not implemented.");
    throwsExact(() => run({ ctx: { featureFlags: { other: true } } }).api.transaction.setMetadata("k", "v"), Error,
      "Method not implemented.");
    throwsExact(() => run({ ctx: { featureFlags: null } }).api.transaction.setMetadata("k", "v"), Error,
      "Method not implemented.");
    const { api, calls, event } = run({ ctx: FLAG });
    throwsExact(() => api.transaction.setMetadata.call({}, "k", "v"), TypeError,
      "api.transaction.setMetadata: must be called on the api object it belongs to (as api.transaction.setMetadata), " +
      "not detached from it or on another object");
    api.transaction.setMetadata("legacy_session_id", "s-1");
    assert.deepEqual(calls, [{ api: "transaction.setMetadata", args: ["legacy_session_id", "s-1"] }]);
    assert.deepEqual(event.transaction.metadata, { legacy_session_id: "s-1" });
  });
});

describe("custom-token-exchange: argument checks in Auth0's words", () => {
  const { api } = run();
  const cases = [
    ["deny with an empty code", () => api.access.deny("", "x"),
      "Invalid deny arguments: code must NOT have fewer than 1 characters"],
    ["deny without a reason", () => api.access.deny("invalid_request"),
      "Invalid deny arguments:  must have required property 'reason'"],
    ["deny without arguments (problems of one property joined by a comma)", () => api.access.deny(),
      "Invalid deny arguments:  must have required property 'code', must have required property 'reason'"],
    ["deny with numbers", () => api.access.deny(1, 2),
      "Invalid deny arguments: code must be string; reason must be string"],
    ["deny with a 1025-character code", () => api.access.deny("c".repeat(1025), "r"),
      "Invalid deny arguments: code must NOT have more than 1024 characters"],
    ["rejectInvalidSubjectToken with 4097 characters", () => api.access.rejectInvalidSubjectToken("r".repeat(4097)),
      "Invalid rejectInvalidSubjectToken arguments: reason must NOT have more than 4096 characters"],
    ["setUserById without a user", () => api.authentication.setUserById(),
      "Invalid setUserById arguments:  must have required property 'user_id'"],
    ["setUserById with 513 characters", () => api.authentication.setUserById("u".repeat(513)),
      "Invalid setUserById arguments: user_id must NOT have more than 512 characters"],
    ["setOrganization with 51 characters", () => api.authentication.setOrganization("o".repeat(51)),
      "Invalid setOrganization arguments: organization_id_or_name must NOT have more than 50 characters"],
    ["setUserByConnection with several faults", () =>
      api.authentication.setUserByConnection("c", { email: 1 }, { creationBehavior: "always" }),
    "Invalid setUserByConnection arguments: options must have required property 'updateBehavior'; " +
      "creationBehavior must be equal to one of the allowed values; user_attributes must have required " +
      "property 'user_id'; email must be string"],
    ["setUserByConnection without options", () => api.authentication.setUserByConnection("c", { user_id: "u" }),
      "Invalid setUserByConnection arguments:  must have required property 'options'"],
    ["setUserByConnection with an unknown option and an empty name", () =>
      api.authentication.setUserByConnection("c", { user_id: "u", given_name: "" },
        { creationBehavior: "none", updateBehavior: "none", merge: true }),
    "Invalid setUserByConnection arguments: options must NOT have additional properties; " +
      "given_name must NOT have fewer than 1 characters"],
    ["setUserByConnection with 25 attributes", () => api.authentication.setUserByConnection("c",
      Object.fromEntries([["user_id", "u"], ...Array.from({ length: 24 }, (_, i) => [`a${i}`, "x"])]),
      { creationBehavior: "none", updateBehavior: "none" }),
    "Invalid setUserByConnection arguments: user_attributes must NOT have more than 24 properties"],
    ["setAppMetadata with a number key", () => api.user.setAppMetadata(1, "x"),
      "Invalid setAppMetadata arguments: key must be string"],
    ["setUserMetadata without a key", () => api.user.setUserMetadata(),
      "Invalid setUserMetadata arguments:  must have required property 'key'"],
    ["setActor with an array", () => api.authentication.setActor([]), "The actor must be a plain object."],
    ["setActor without sub", () => api.authentication.setActor({ role: "x" }), "The actor object must contain a sub claim."],
    ["setActor with an empty sub", () => api.authentication.setActor({ sub: "" }),
      "The actor object must contain a sub claim."],
    ["setActor with a 513-character sub", () => api.authentication.setActor({ sub: "s".repeat(513) }),
      "Invalid setActor arguments: sub must NOT have more than 512 characters"],
    ["setActor with six custom properties", () =>
      api.authentication.setActor({ sub: "s", a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 }),
    "No more than 5 custom properties are allowed in the actor object."],
    ["setActor with an object property", () => api.authentication.setActor({ sub: "s", a: {} }),
      "Custom property in an actor object must be a string, number, or boolean."],
    ["setActor with a 65-character key", () => api.authentication.setActor({ sub: "s", ["k".repeat(65)]: 1 }),
      "Custom property key in an actor object must NOT have more than 64 characters."],
    ["setActor with a 65-character value", () => api.authentication.setActor({ sub: "s", k: "v".repeat(65) }),
      "Custom string property value in an actor object must NOT have more than 64 characters."],
    ["setActor with a string act", () => api.authentication.setActor({ sub: "s", act: "t" }),
      "The act claim must be a plain object."],
    ["setActor nested six levels", () => api.authentication.setActor(
      { sub: "1", act: { sub: "2", act: { sub: "3", act: { sub: "4", act: { sub: "5", act: { sub: "6" } } } } } }),
    "Actor nesting must not exceed 5 levels."],
  ];
  for (const [what, fn, message] of cases) {
    it(what, () => throwsExact(fn, Error, message));
  }

  it("checks every user attribute of setUserByConnection by its type and length", () => {
    const opts = { creationBehavior: "none", updateBehavior: "none" };
    const call = (attrs, o = opts, name = "c") => () => run().api.authentication.setUserByConnection(name, attrs, o);
    const invalid = (problems) => "Invalid setUserByConnection arguments: " + problems;
    const types = {
      email: "string", email_verified: "boolean", family_name: "string", given_name: "string",
      name: "string", nickname: "string", phone_number: "string", phone_verified: "boolean",
      picture: "string", username: "string", verify_email: "boolean",
    };
    for (const [key, type] of Object.entries(types)) {
      throwsExact(call({ user_id: "u", [key]: 1 }), Error, invalid(`${key} must be ${type}`));
    }
    throwsExact(call({ user_id: 1 }), Error, invalid("user_id must be string"));
    const longest = { family_name: 150, given_name: 150, name: 300, nickname: 300, user_id: 255, username: 128 };
    for (const [key, max] of Object.entries(longest)) {
      throwsExact(call({ user_id: "u", [key]: "x".repeat(max + 1) }), Error,
        invalid(`${key} must NOT have more than ${max} characters`));
      call({ user_id: "u", [key]: "x".repeat(max) })();
    }
    throwsExact(call({ user_id: "u" }, opts, "c".repeat(513)), Error,
      invalid("connection_name must NOT have more than 512 characters"));
    call({ user_id: "u" }, opts, "c".repeat(512))();
    call(Object.fromEntries([["user_id", "u"], ...Array.from({ length: 23 }, (_, i) => [`a${i}`, "x"])]))();
    throwsExact(call({ user_id: "u" }, 5), Error, invalid("options must be object"));
    throwsExact(call(["u"]), Error, invalid("user_attributes must be object"));
    throwsExact(() => api.authentication.setOrganization(), Error,
      "Invalid setOrganization arguments:  must have required property 'organization_id_or_name'");
    throwsExact(() => api.access.rejectInvalidSubjectToken(), Error,
      "Invalid rejectInvalidSubjectToken arguments:  must have required property 'reason'");
  });

  it("records nothing for a rejected call", () => {
    const r = run();
    assert.throws(() => r.api.access.deny("", ""));
    assert.deepEqual(r.calls, []);
  });

  it("does not count or check an actor's type claim among its five custom properties", () => {
    const r = run();
    r.api.authentication.setActor({ sub: "s", type: { kind: "agent" }, a: 1, b: "2", c: true, d: 4, e: 5 });
    assert.equal(r.calls.length, 1);
  });

  it("accepts a 512-character sub, 64-character keys and 64-character string values", () => {
    const r = run();
    const actor = { sub: "s".repeat(512), ["k".repeat(64)]: "v".repeat(64) };
    r.api.authentication.setActor(actor);
    assert.deepEqual(r.calls, [{ api: "authentication.setActor", args: [actor] }]);
  });

  it("accepts an actor nested five levels", () => {
    const r = run();
    r.api.authentication.setActor({ sub: "1", act: { sub: "2", act: { sub: "3", act: { sub: "4", act: { sub: "5" } } } } });
    assert.equal(r.calls.length, 1);
  });

  it("sets the user exactly once and the actor at most once", () => {
    const { api, calls } = run();
    api.authentication.setUserById("auth0|1");
    throwsExact(() => api.authentication.setUserByConnection("c", { user_id: "u" },
      { creationBehavior: "none", updateBehavior: "none" }), Error,
    "api.authentication.setUserByConnection: exactly one of setUserById and setUserByConnection may be called " +
      "per execution (setUserById was called already)");
    api.authentication.setActor({ sub: "a" });
    throwsExact(() => api.authentication.setActor({ sub: "b" }), Error,
      "api.authentication.setActor: may be called at most once per execution");
    assert.deepEqual(calls.map((c) => c.api), ["authentication.setUserById", "authentication.setActor"]);

    const other = run();
    other.api.authentication.setUserByConnection("c", { user_id: "u" }, { creationBehavior: "none", updateBehavior: "none" });
    throwsExact(() => other.api.authentication.setUserById("auth0|1"), Error,
      "api.authentication.setUserById: exactly one of setUserById and setUserByConnection may be called " +
        "per execution (setUserByConnection was called already)");
  });
});

describe("custom-token-exchange: the example Action", () => {
  const SESSION = {
    active: true, sid: "ls-5521", sub: "legacy-58213", email: "jane.doe@example.com", email_verified: true,
    given_name: "Jane", family_name: "Doe", customer_id: "C-58213", locale: "en-NZ", org_id: "org_4Tq8Zm2Xv6Kp1Rn9",
    impersonated_by: "agent-112",
  };
  const CACHE_KEY = "legacy-session:lst_9QmV2xR7kT4pZ8wL3nB6";

  it("on the default event: introspects the token, caches it and issues tokens for the legacy user", async () => {
    const stub = fetchStub(200, SESSION);
    const { api, calls, event } = run();
    await loadExample(ID, { fetch: stub.fetch }).onExecuteCustomTokenExchange(event, api);
    assert.deepEqual(stub.requests.map((r) => [r.method, r.url]), [["POST", "https://legacy.example.com/api/sessions/introspect"]]);
    assert.deepEqual(JSON.parse(stub.requests[0].body), { token: "lst_9QmV2xR7kT4pZ8wL3nB6" });
    assert.deepEqual(calls, [
      { api: "cache.set", args: [CACHE_KEY, JSON.stringify(SESSION), { expires_at: NOW + 60000 }] },
      {
        api: "authentication.setUserByConnection",
        args: ["Username-Password-Authentication", {
          user_id: "legacy-58213", email: "jane.doe@example.com", email_verified: true, given_name: "Jane",
          family_name: "Doe", verify_email: false,
        }, { creationBehavior: "create_if_not_exists", updateBehavior: "none" }],
      },
      { api: "authentication.setOrganization", args: ["org_4Tq8Zm2Xv6Kp1Rn9"] },
      { api: "authentication.setActor", args: [{ sub: "agent-112", role: "support" }] },
      { api: "user.setAppMetadata", args: ["legacy_customer_id", "C-58213"] },
      { api: "user.setUserMetadata", args: ["preferred_locale", "en-NZ"] },
    ]);
  });

  it("a migrated user is set by id, from the cache, with the session recorded in the transaction metadata", async () => {
    const cache = new Map([[CACHE_KEY, {
      value: JSON.stringify({ active: true, sid: "ls-1", auth0_user_id: "auth0|65a5027f9b3c4d1e2f3a4b5c", customer_id: "C-1" }),
      expires_at: NOW + 30000,
    }]]);
    const stub = fetchStub(500);
    const r = run({ cache, ctx: FLAG });
    r.event.secrets.RECORD_LEGACY_SESSION = "true";
    await loadExample(ID, { fetch: stub.fetch }).onExecuteCustomTokenExchange(r.event, r.api);
    assert.equal(stub.requests.length, 0);
    assert.deepEqual(r.calls, [
      { api: "authentication.setUserById", args: ["auth0|65a5027f9b3c4d1e2f3a4b5c"] },
      { api: "user.setAppMetadata", args: ["legacy_customer_id", "C-1"] },
      { api: "user.setUserMetadata", args: ["preferred_locale", null] },
      { api: "transaction.setMetadata", args: ["legacy_session_id", "ls-1"] },
    ]);
  });

  it("rejects an inactive token, denies a locked account (forgetting it) and an unknown token type", async () => {
    const inactive = run();
    await loadExample(ID, { fetch: fetchStub(200, { active: false }).fetch }).onExecuteCustomTokenExchange(inactive.event, inactive.api);
    assert.deepEqual(inactive.calls, [
      { api: "access.rejectInvalidSubjectToken", args: ["The legacy session token is expired or revoked."] },
    ]);

    const cache = new Map([[CACHE_KEY, { value: JSON.stringify({ active: true, locked: true }), expires_at: NOW + 30000 }]]);
    const locked = run({ cache });
    await loadExample(ID, { fetch: fetchStub(500).fetch }).onExecuteCustomTokenExchange(locked.event, locked.api);
    assert.deepEqual(locked.calls, [
      { api: "cache.delete", args: [CACHE_KEY] },
      { api: "access.deny", args: ["access_denied", "The legacy account is locked."] },
    ]);

    const other = run();
    other.event.transaction.subject_token_type = "urn:ietf:params:oauth:token-type:jwt";
    await loadExample(ID).onExecuteCustomTokenExchange(other.event, other.api);
    assert.deepEqual(other.calls, [
      { api: "access.deny", args: ["invalid_request", "Unsupported subject_token_type: urn:ietf:params:oauth:token-type:jwt"] },
    ]);
  });
});

describe("custom-token-exchange: the default event", () => {
  it("has every field Auth0's event type requires, with the tenant's shared values", () => {
    const e = defaultEvent(ID);
    assert.deepEqual(e.client, { client_id: "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs", name: "Example Application", metadata: {} });
    assert.deepEqual([e.configuration, e.secrets], [{}, {}]);
    for (const k of ["body", "geoip"]) assert.equal(typeof e.request[k], "object");
    assert.equal(e.request.ip, "203.0.113.42");
    assert.equal(typeof e.request.method, "string");
    assert.equal(e.request.body.grant_type, "urn:ietf:params:oauth:grant-type:token-exchange");
    assert.equal(e.resource_server.identifier, e.request.body.audience);
    assert.equal(e.tenant.id, "example");
    const t = e.transaction;
    assert.ok(Array.isArray(t.requested_scopes));
    assert.deepEqual(t.requested_scopes, e.request.body.scope.split(" "));
    assert.equal(t.requested_token_type, "urn:ietf:params:oauth:token-type:access_token");
    assert.equal(t.subject_token, e.request.body.subject_token);
    assert.equal(t.subject_token_type, e.request.body.subject_token_type);
    assert.equal("user" in e, false, "the user is what the Action decides");
  });
});
