// Tests for js_runtime/actions/post_login/ (run with `node --test tests/js/`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { register } from "node:module";
import { TRIGGER, createPostLoginApi } from "../../js_runtime/actions/post_login/api.js";

const NOW = 1_700_000_000_000; // fixed clock (ms)
const NOW_S = NOW / 1000;
const MIN = 60 * 1000;
const HOUR = 60 * MIN;

function hmacSha256(secret, data) {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(Buffer.from(data, "utf8")).digest("base64url");
}

function baseEvent() {
  return {
    client: { client_id: "cid", metadata: {}, name: "App" },
    connection: { id: "con_1", name: "Username-Password-Authentication", strategy: "auth0" },
    request: {
      ip: "203.0.113.7",
      method: "GET",
      hostname: "tenant.example.auth0.com",
      query: {},
      body: {},
      geoip: {},
    },
    secrets: {},
    stats: { logins_count: 3 },
    tenant: { id: "tenant" },
    transaction: { protocol: "oidc-basic-profile", metadata: {} },
    user: { user_id: "auth0|123", app_metadata: {}, user_metadata: {}, identities: [] },
  };
}

function setup(overrides = {}) {
  const calls = [];
  const clock = { now: NOW };
  const event = overrides.event ?? baseEvent();
  const ctx = {
    event,
    phase: overrides.phase ?? "execute",
    record(api, args) {
      calls.push({ api, args });
    },
    cache: overrides.cache ?? new Map(),
    rulesExecuted: overrides.rulesExecuted ?? [],
    now: () => clock.now,
    hmacSha256,
    ...overrides.ctx,
  };
  const api = createPostLoginApi(ctx);
  return { api, calls, event, store: ctx.cache, clock, ctx };
}

function throwsExact(fn, type, message) {
  assert.throws(fn, (e) => {
    assert.equal(e.constructor, type, `expected ${type.name}, got ${e.constructor.name}: ${e.message}`);
    assert.equal(e.message, message);
    return true;
  });
}

function decodeJwt(token) {
  const [h, p, s] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")),
    payload: JSON.parse(Buffer.from(p, "base64url").toString("utf8")),
    signingInput: `${h}.${p}`,
    signature: s,
  };
}

function signJwt(header, payload, secret) {
  const h = Buffer.from(JSON.stringify(header)).toString("base64url");
  const p = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${h}.${p}.${hmacSha256(secret, `${h}.${p}`)}`;
}

// ---------------------------------------------------------------------------------------------

const NAMESPACE_METHODS = {
  access: ["deny"],
  accessToken: ["setCustomClaim", "addScope", "removeScope"],
  authentication: ["challengeWith", "challengeWithAny", "enrollWith", "enrollWithAny", "recordMethod",
    "setPrimaryUser"],
  cache: ["get", "set", "delete"],
  idToken: ["setCustomClaim"],
  multifactor: ["enable"],
  prompt: ["render"],
  redirect: ["sendUserTo", "encodeToken", "validateToken", "canRedirect"],
  refreshToken: ["revoke", "setExpiresAt", "setIdleExpiresAt", "setMetadata", "deleteMetadata", "evictMetadata"],
  rules: ["wasExecuted"],
  samlResponse: ["setAttribute", "setAudience", "setRecipient", "setCreateUpnClaim",
    "setPassthroughClaimsWithNoMapping", "setMapUnknownClaimsAsIs", "setMapIdentities", "setSignatureAlgorithm",
    "setDigestAlgorithm", "setDestination", "setLifetimeInSeconds", "setSignResponse", "setNameIdentifierFormat",
    "setNameIdentifierProbes", "setAuthnContextClassRef", "setSigningCert", "setIncludeAttributeNameFormat",
    "setTypedAttributes", "setEncryptionCert", "setEncryptionPublicKey", "setCert", "setKey", "setRelayState",
    "setIssuer", "setEncryptionAlgorithm"],
  session: ["revoke", "setExpiresAt", "setIdleExpiresAt", "setCookieMode", "setMetadata", "deleteMetadata",
    "evictMetadata"],
  transaction: ["setMetadata"],
  user: ["setAppMetadata", "setUserMetadata"],
  validation: ["error"],
};
const NAMESPACES = Object.keys(NAMESPACE_METHODS).sort();

describe("post-login TRIGGER", () => {
  it("names Auth0's trigger id and its two handlers, and creates the post-login api", () => {
    assert.equal(TRIGGER.id, "post-login");
    assert.deepEqual({ ...TRIGGER.handlers }, { execute: "onExecutePostLogin", continue: "onContinuePostLogin" });
    assert.ok(Object.isFrozen(TRIGGER) && Object.isFrozen(TRIGGER.handlers));
    assert.equal(TRIGGER.createApi, createPostLoginApi);
  });
});

describe("api shape", () => {
  it("exposes every namespace through a getter as a frozen object of ordinary methods", () => {
    const { api } = setup();
    assert.ok(Object.isFrozen(api));
    const apiProto = Object.getPrototypeOf(api);
    assert.ok(Object.isFrozen(apiProto));
    assert.deepEqual(Object.getOwnPropertyNames(apiProto).sort(), NAMESPACES);
    for (const name of NAMESPACES) {
      const desc = Object.getOwnPropertyDescriptor(apiProto, name);
      assert.equal(typeof desc.get, "function", `${name} is a getter`);
      assert.equal(desc.set, undefined, `${name} has no setter`);
      const ns = api[name];
      assert.equal(typeof ns, "object", name);
      assert.ok(Object.isFrozen(ns), `${name} frozen`);
      const proto = Object.getPrototypeOf(ns);
      assert.ok(Object.isFrozen(proto), `${name} prototype frozen`);
      assert.deepEqual(Object.getOwnPropertyNames(proto), NAMESPACE_METHODS[name], `${name} methods`);
      for (const m of NAMESPACE_METHODS[name]) {
        const fn = ns[m];
        assert.equal(typeof fn, "function", `${name}.${m}`);
        assert.equal(fn.name, m, `${name}.${m} name`);
        assert.equal(fn.constructor.name, "Function", `${name}.${m} is an ordinary function`);
        assert.equal(Object.hasOwn(fn, "prototype"), false, `${name}.${m} has no prototype`);
      }
    }
  });

  it("prevents scripts from replacing methods or namespaces", () => {
    const { api, calls } = setup();
    const original = api.access.deny;
    assert.throws(() => { "use strict"; api.access.deny = () => {}; }, TypeError);
    assert.throws(() => { "use strict"; api.access = {}; }, TypeError);
    assert.equal(api.access.deny, original);
    api.access.deny("still works");
    assert.deepEqual(calls, [{ api: "access.deny", args: ["still works"] }]);
  });

  it("method shorthand functions are not constructors", () => {
    const { api } = setup();
    assert.throws(() => new api.access.deny("x"), TypeError);
  });

  it("builds independent state per execution", () => {
    const a = setup();
    const b = setup();
    a.api.prompt.render("p1");
    b.api.redirect.sendUserTo("https://example.com/"); // no render in b
    assert.equal(b.calls.length, 1);
  });
});

describe("api object model", () => {
  it("typeof on methods reached through the getters is function", () => {
    const { api } = setup();
    assert.equal(typeof api.idToken.setCustomClaim, "function");
    assert.equal(typeof api.accessToken.addScope, "function");
    assert.equal(typeof api.cache.get, "function");
  });

  it("returns the same namespace object on every access, and a different one per api", () => {
    const a = setup();
    const b = setup();
    for (const name of NAMESPACES) {
      const first = a.api[name];
      assert.equal(a.api[name], first, `${name} stable`);
      assert.equal(a.api[name], first, `${name} still stable`);
      assert.notEqual(b.api[name], first, `${name} is per api`);
      // The methods themselves are shared: defined once, on the prototype.
      assert.equal(Object.getPrototypeOf(b.api[name]), Object.getPrototypeOf(first), `${name} prototype`);
      for (const m of NAMESPACE_METHODS[name]) assert.equal(b.api[name][m], first[m], `${name}.${m} shared`);
    }
    assert.equal(Object.getPrototypeOf(a.api), Object.getPrototypeOf(b.api));
  });

  it("chains through the api returned by state-changing methods", () => {
    const { api, calls } = setup();
    const ret = api.idToken.setCustomClaim("a", 1).accessToken.setCustomClaim("b", 2)
      .user.setAppMetadata("c", 3).access.deny("d");
    assert.equal(ret, api);
    assert.deepEqual(calls, [
      { api: "idToken.setCustomClaim", args: ["a", 1] },
      { api: "accessToken.setCustomClaim", args: ["b", 2] },
      { api: "user.setAppMetadata", args: ["c", 3] },
      { api: "access.deny", args: ["d"] },
    ]);
  });

  it("two apis from two ctx objects do not share primary-user, redirect/render or scope state", () => {
    const a = setup();
    const b = setup();
    a.api.authentication.setPrimaryUser("auth0|a");
    b.api.authentication.setPrimaryUser("auth0|b"); // once on each works
    throwsExact(() => a.api.authentication.setPrimaryUser("auth0|a2"), Error,
      "The primary user can only be altered once per transaction");
    throwsExact(() => b.api.authentication.setPrimaryUser("auth0|b2"), Error,
      "The primary user can only be altered once per transaction");

    a.api.redirect.sendUserTo("https://a.example/");
    b.api.prompt.render("prompt-b"); // the redirect in a does not block a render in b
    throwsExact(() => a.api.prompt.render("prompt-a"), Error,
      "Redirect and render commands cannot be used in the same action.");
    throwsExact(() => b.api.redirect.sendUserTo("https://b.example/"), Error,
      "Redirect and render commands cannot be used in the same action.");

    for (let i = 0; i < 1000; i++) a.api.accessToken.addScope(`s${i}`);
    throwsExact(() => a.api.accessToken.addScope("one-more"), Error,
      "api.accessToken.addScope: the number of added scopes exceeds the maximum of 1000");
    b.api.accessToken.addScope("one-more"); // b counts its own scopes
    for (let i = 0; i < 999; i++) b.api.accessToken.addScope(`t${i}`);
    throwsExact(() => b.api.accessToken.addScope("too-many"), Error,
      "api.accessToken.addScope: the number of added scopes exceeds the maximum of 1000");

    assert.deepEqual(a.calls.filter((c) => c.api !== "accessToken.addScope").map((c) => c.args),
      [["auth0|a"], ["https://a.example/"]]);
    assert.deepEqual(b.calls.filter((c) => c.api !== "accessToken.addScope").map((c) => c.args),
      [["auth0|b"], ["prompt-b", {}]]);
    assert.equal(a.calls.length, 1002);
    assert.equal(b.calls.length, 1002);
  });

  it("primaryUserAlreadySet and the SAML attribute budget apply to their own api only", () => {
    const a = setup({ ctx: { primaryUserAlreadySet: true } });
    const b = setup();
    throwsExact(() => a.api.authentication.setPrimaryUser("auth0|a"), Error,
      "The primary user can only be altered once per transaction");
    b.api.authentication.setPrimaryUser("auth0|b");
    for (let i = 0; i < 100; i++) a.api.samlResponse.setAttribute(`a${i}`, "v");
    assert.throws(() => a.api.samlResponse.setAttribute("a100", "v"), /at most 100 SAML attributes/);
    b.api.samlResponse.setAttribute("b0", "v");
    assert.equal(b.calls.length, 2);
  });

  it("methods cannot be replaced on the namespace, its prototype or the api prototype", () => {
    const { api, calls } = setup();
    const ns = api.idToken;
    const proto = Object.getPrototypeOf(ns);
    const original = ns.setCustomClaim;
    const evil = () => "evil";
    assert.throws(() => { api.idToken.setCustomClaim = evil; }, TypeError);
    assert.throws(() => { Object.getPrototypeOf(api.idToken).setCustomClaim = evil; }, TypeError);
    assert.throws(() => Object.defineProperty(proto, "setCustomClaim", { value: evil }), TypeError);
    assert.throws(() => Object.defineProperty(ns, "setCustomClaim", { value: evil }), TypeError);
    assert.throws(() => { delete proto.setCustomClaim; }, TypeError);
    assert.throws(() => { proto.extra = evil; }, TypeError);
    assert.throws(() => Object.setPrototypeOf(ns, { setCustomClaim: evil }), TypeError);
    assert.throws(() => Object.setPrototypeOf(proto, { setCustomClaim: evil }), TypeError);
    const baseProto = Object.getPrototypeOf(proto);
    assert.ok(Object.isFrozen(baseProto));
    assert.throws(() => { baseProto.setCustomClaim = evil; }, TypeError);
    const apiProto = Object.getPrototypeOf(api);
    assert.throws(() => Object.defineProperty(apiProto, "idToken", { get: () => ({}) }), TypeError);
    assert.throws(() => Object.defineProperty(api, "idToken", { value: {} }), TypeError);
    assert.throws(() => { api.idToken = {}; }, TypeError);
    assert.throws(() => Object.setPrototypeOf(api, {}), TypeError);
    assert.equal(api.idToken, ns);
    assert.equal(ns.setCustomClaim, original);
    assert.equal(api.idToken.setCustomClaim("k", "v"), api);
    assert.deepEqual(calls, [{ api: "idToken.setCustomClaim", args: ["k", "v"] }]);
  });

  it("no constructor is reachable from the api", () => {
    const { api } = setup();
    assert.equal(api.constructor, Object);
    for (const name of NAMESPACES) {
      assert.equal(api[name].constructor, Object, name);
      assert.equal(Object.hasOwn(Object.getPrototypeOf(api[name]), "constructor"), false, name);
    }
    assert.equal(Object.hasOwn(Object.getPrototypeOf(api), "constructor"), false);
    const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(api), "idToken").get;
    assert.throws(() => new getter(), TypeError);
  });

  it("the per-execution state is not reachable through own keys, enumeration or JSON", () => {
    const { api, ctx } = setup();
    const objects = [api, ...NAMESPACES.map((n) => api[n])];
    for (const o of objects) {
      assert.deepEqual(Object.getOwnPropertyNames(o), []);
      assert.deepEqual(Object.getOwnPropertySymbols(o), []);
      assert.deepEqual(Reflect.ownKeys(o), []);
      assert.deepEqual(Object.keys(o), []);
      const enumerated = [];
      for (const k in o) enumerated.push(k);
      assert.deepEqual(enumerated, []);
      assert.equal(JSON.stringify(o), "{}");
      assert.deepEqual(Object.getOwnPropertySymbols(Object.getPrototypeOf(o)), []);
    }
    // Walk everything reachable through own properties (values, getters, setters, prototypes)
    // without calling anything: neither ctx nor anything holding it shows up.
    const secret = new Set([ctx, ctx.cache, ctx.record]);
    const seen = new Set();
    const queue = [...objects];
    while (queue.length > 0) {
      const o = queue.pop();
      if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) continue;
      if (o === Object.prototype || o === Function.prototype) continue;
      seen.add(o);
      assert.equal(secret.has(o), false, "reached the execution context");
      assert.equal(Object.hasOwn(o, "ctx"), false, "reached an object holding ctx");
      queue.push(Object.getPrototypeOf(o));
      for (const key of Reflect.ownKeys(o)) {
        const d = Object.getOwnPropertyDescriptor(o, key);
        queue.push(d.value, d.get, d.set);
      }
    }
    assert.ok(seen.size > objects.length);
  });

  it("methods called detached or on foreign objects throw a TypeError and record nothing", () => {
    const { api, calls } = setup();
    const { setCustomClaim } = api.idToken;
    throwsExact(() => setCustomClaim("a", 1), TypeError,
      "api.idToken.setCustomClaim: must be called on the api object it belongs to " +
      "(as api.idToken.setCustomClaim), not detached from it or on another object");
    assert.throws(() => ["s"].forEach(api.accessToken.addScope), TypeError);
    assert.throws(() => setCustomClaim.call({}, "a", 1), TypeError);
    assert.throws(() => setCustomClaim.call(Object.create(api.idToken), "a", 1), TypeError);
    assert.throws(() => setCustomClaim.call(new Proxy(api.idToken, {}), "a", 1), TypeError);
    assert.throws(() => setCustomClaim.call("idToken", "a", 1), TypeError);
    assert.throws(() => api.cache.get.call(undefined, "k"), TypeError);
    const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(api), "idToken").get;
    assert.throws(() => getter.call({}), TypeError);
    assert.throws(() => getter.call(api.idToken), TypeError);
    assert.throws(() => Object.create(api).idToken, TypeError);
    assert.deepEqual(calls, []);
  });

  it("every method called on a foreign object names itself as the script wrote it", () => {
    const { api, calls } = setup();
    const proto = Object.getPrototypeOf(api);
    for (const ns of Object.getOwnPropertyNames(proto)) {
      const o = api[ns];
      for (const m of Object.getOwnPropertyNames(Object.getPrototypeOf(o))) {
        const name = `api.${ns}.${m}`;
        throwsExact(() => o[m].call({}), TypeError,
          `${name}: must be called on the api object it belongs to (as ${name}), not detached from it or on another object`);
      }
    }
    assert.deepEqual(calls, []);
  });
});

describe("api.access", () => {
  it("deny records the reason and returns api", () => {
    const { api, calls } = setup();
    assert.equal(api.access.deny("blocked"), api);
    assert.deepEqual(calls, [{ api: "access.deny", args: ["blocked"] }]);
  });

  it("deny does not throw, so later statements still run", () => {
    const { api, calls } = setup();
    api.access.deny("no");
    api.user.setAppMetadata("k", 1);
    assert.deepEqual(calls.map((c) => c.api), ["access.deny", "user.setAppMetadata"]);
  });

  it("deny rejects a non-string reason with a TypeError and records nothing", () => {
    const { api, calls } = setup();
    throwsExact(() => api.access.deny(42), TypeError, "api.access.deny: reason must be a string (got 42)");
    throwsExact(() => api.access.deny(), TypeError, "api.access.deny: reason must be a string (got undefined)");
    assert.equal(calls.length, 0);
  });
});

describe("api.accessToken / api.idToken custom claims", () => {
  for (const ns of ["accessToken", "idToken"]) {
    it(`${ns}.setCustomClaim records a JSON copy and returns api`, () => {
      const { api, calls } = setup();
      const value = { roles: ["a", undefined, () => 1], when: new Date(0), skip: undefined, n: NaN };
      assert.equal(api[ns].setCustomClaim("https://x/claim", value), api);
      value.roles.push("mutated-later");
      assert.deepEqual(calls, [{
        api: `${ns}.setCustomClaim`,
        args: ["https://x/claim", { roles: ["a", null, null], when: "1970-01-01T00:00:00.000Z", n: null }],
      }]);
    });

    it(`${ns}.setCustomClaim keeps primitives and turns an undefined value into null`, () => {
      const { api, calls } = setup();
      api[ns].setCustomClaim("a", 1)[ns].setCustomClaim("b", undefined)[ns].setCustomClaim("c", true);
      assert.deepEqual(calls.map((c) => c.args), [["a", 1], ["b", null], ["c", true]]);
    });

    it(`${ns}.setCustomClaim refuses the "scope" claim`, () => {
      const { api, calls } = setup();
      throwsExact(() => api[ns].setCustomClaim("scope", "x"), Error,
        `api.${ns}.setCustomClaim: the "scope" claim cannot be set; use api.accessToken.addScope/removeScope`);
      assert.equal(calls.length, 0);
    });

    it(`${ns}.setCustomClaim rejects non-string keys and unserializable values`, () => {
      const { api, calls } = setup();
      throwsExact(() => api[ns].setCustomClaim(1, "x"), TypeError,
        `api.${ns}.setCustomClaim: key must be a string (got 1)`);
      const cyclic = {};
      cyclic.self = cyclic;
      assert.throws(() => api[ns].setCustomClaim("k", cyclic), (e) =>
        e instanceof TypeError && e.message.startsWith(`api.${ns}.setCustomClaim: arguments must be JSON-serializable`));
      assert.throws(() => api[ns].setCustomClaim("k", 10n), TypeError);
      assert.equal(calls.length, 0);
    });
  }
});

describe("api.accessToken scopes", () => {
  it("addScope / removeScope trim, record and return undefined", () => {
    const { api, calls } = setup();
    assert.equal(api.accessToken.addScope("  read:a  "), undefined);
    assert.equal(api.accessToken.removeScope("write:b"), undefined);
    assert.deepEqual(calls, [
      { api: "accessToken.addScope", args: ["read:a"] },
      { api: "accessToken.removeScope", args: ["write:b"] },
    ]);
  });

  it("accepts 280 characters and rejects 281", () => {
    const { api, calls } = setup();
    api.accessToken.addScope("s".repeat(280));
    throwsExact(() => api.accessToken.addScope("s".repeat(281)), Error,
      "api.accessToken.addScope: scope must be at most 280 characters (got 281)");
    throwsExact(() => api.accessToken.removeScope("s".repeat(281)), Error,
      "api.accessToken.removeScope: scope must be at most 280 characters (got 281)");
    assert.equal(calls.length, 1);
  });

  it("rejects whitespace, empty and non-string scopes", () => {
    const { api, calls } = setup();
    throwsExact(() => api.accessToken.addScope("a b"), Error,
      'api.accessToken.addScope: scope must be a non-empty string without whitespace (got "a b")');
    throwsExact(() => api.accessToken.addScope("a\tb"), Error,
      'api.accessToken.addScope: scope must be a non-empty string without whitespace (got "a\\tb")');
    throwsExact(() => api.accessToken.addScope("   "), Error,
      'api.accessToken.addScope: scope must be a non-empty string without whitespace (got "   ")');
    throwsExact(() => api.accessToken.removeScope(""), Error,
      'api.accessToken.removeScope: scope must be a non-empty string without whitespace (got "")');
    throwsExact(() => api.accessToken.addScope(["a"]), TypeError,
      "api.accessToken.addScope: scope must be a string (got an array)");
    assert.equal(calls.length, 0);
  });

  it("allows 1000 added scopes and rejects the 1001st distinct one", () => {
    const { api, calls } = setup();
    for (let i = 0; i < 1000; i++) api.accessToken.addScope(`s${i}`);
    api.accessToken.addScope("s0"); // re-adding does not count twice
    throwsExact(() => api.accessToken.addScope("s1000"), Error,
      "api.accessToken.addScope: the number of added scopes exceeds the maximum of 1000");
    api.accessToken.removeScope("s1"); // frees one slot
    api.accessToken.addScope("s1000");
    assert.equal(calls.length, 1003);
    assert.deepEqual(calls.at(-1), { api: "accessToken.addScope", args: ["s1000"] });
  });

  it("removing a scope never added neither counts toward the 1000 nor frees a slot", () => {
    const { api, calls } = setup();
    api.accessToken.removeScope("openid");
    for (let i = 0; i < 1000; i++) api.accessToken.addScope(`s${i}`);
    api.accessToken.removeScope("profile"); // allowed at the limit
    throwsExact(() => api.accessToken.addScope("s1000"), Error,
      "api.accessToken.addScope: the number of added scopes exceeds the maximum of 1000");
    assert.equal(calls.length, 1002);
  });
});

describe("api.multifactor.enable", () => {
  it("records the provider with normalized options and returns api", () => {
    const { api, calls } = setup();
    for (const p of ["none", "guardian", "google-authenticator", "any"]) assert.equal(api.multifactor.enable(p), api);
    api.multifactor.enable("duo", {
      allowRememberBrowser: true,
      providerOptions: { host: "api-x.duosecurity.com", ikey: "i", skey: "s" },
      ignored: 1,
    });
    assert.deepEqual(calls.map((c) => c.args), [
      ["none", {}], ["guardian", {}], ["google-authenticator", {}], ["any", {}],
      ["duo", { allowRememberBrowser: true, providerOptions: { host: "api-x.duosecurity.com", ikey: "i", skey: "s" } }],
    ]);
  });

  it("takes null options, and options whose fields are undefined, as none", () => {
    const { api, calls } = setup();
    api.multifactor.enable("any", null);
    api.multifactor.enable("duo", { allowRememberBrowser: undefined, providerOptions: undefined });
    assert.deepEqual(calls.map((c) => c.args), [["any", {}], ["duo", {}]]);
  });

  it("rejects unknown providers and bad options", () => {
    const { api, calls } = setup();
    throwsExact(() => api.multifactor.enable("sms"), Error,
      'api.multifactor.enable: provider must be one of "none", "guardian", "google-authenticator", "duo", "any" (got "sms")');
    throwsExact(() => api.multifactor.enable(), TypeError,
      "api.multifactor.enable: provider must be a string (got undefined)");
    throwsExact(() => api.multifactor.enable("any", { allowRememberBrowser: "yes" }), TypeError,
      'api.multifactor.enable: options.allowRememberBrowser must be a boolean (got "yes")');
    throwsExact(() => api.multifactor.enable("duo", { providerOptions: "x" }), TypeError,
      'api.multifactor.enable: options.providerOptions must be an object (got "x")');
    throwsExact(() => api.multifactor.enable("any", true), TypeError,
      "api.multifactor.enable: options must be an object (got true)");
    assert.equal(calls.length, 0);
  });
});

describe("api.authentication", () => {
  it("challengeWith / enrollWith record factors and return undefined", () => {
    const { api, calls } = setup();
    assert.equal(api.authentication.challengeWith({ type: "otp" }), undefined);
    assert.equal(api.authentication.challengeWith(
      { type: "phone", options: { preferredMethod: "voice" } },
      { additionalFactors: [{ type: "email" }, { type: "push-notification", options: { otpFallback: true } }] },
    ), undefined);
    assert.equal(api.authentication.enrollWith({ type: "webauthn-roaming" }), undefined);
    assert.deepEqual(calls, [
      { api: "authentication.challengeWith", args: [{ type: "otp" }] },
      {
        api: "authentication.challengeWith",
        args: [
          { type: "phone", options: { preferredMethod: "voice" } },
          { additionalFactors: [{ type: "email" }, { type: "push-notification", options: { otpFallback: true } }] },
        ],
      },
      { api: "authentication.enrollWith", args: [{ type: "webauthn-roaming" }] },
    ]);
  });

  it("challengeWithAny / enrollWithAny take a non-empty factor list", () => {
    const { api, calls } = setup();
    assert.equal(api.authentication.challengeWithAny([{ type: "otp" }, { type: "recovery-code" }]), undefined);
    assert.equal(api.authentication.enrollWithAny([{ type: "push" }]), undefined);
    assert.deepEqual(calls.map((c) => c.api), ["authentication.challengeWithAny", "authentication.enrollWithAny"]);
    assert.deepEqual(calls[0].args, [[{ type: "otp" }, { type: "recovery-code" }]]);
    throwsExact(() => api.authentication.challengeWithAny([]), Error,
      "api.authentication.challengeWithAny: factors must contain at least one factor");
    throwsExact(() => api.authentication.enrollWithAny({ type: "otp" }), TypeError,
      "api.authentication.enrollWithAny: factors must be an array of factors (got an object)");
    throwsExact(() => api.authentication.challengeWithAny([{ type: "otp" }, "email"]), TypeError,
      'api.authentication.challengeWithAny: factors[1] must be an object like {type: "otp"} (got "email")');
    assert.equal(calls.length, 2);
  });

  it("validates factor shapes and options", () => {
    const { api, calls } = setup();
    throwsExact(() => api.authentication.challengeWith("otp"), TypeError,
      'api.authentication.challengeWith: factor must be an object like {type: "otp"} (got "otp")');
    throwsExact(() => api.authentication.challengeWith({}), TypeError,
      "api.authentication.challengeWith: factor.type must be a non-empty string (got undefined)");
    throwsExact(() => api.authentication.challengeWith({ type: "phone", options: { preferredMethod: "fax" } }), Error,
      'api.authentication.challengeWith: factor.options.preferredMethod must be one of "sms", "voice", "both" (got "fax")');
    throwsExact(() => api.authentication.enrollWith({ type: "push", options: { otpFallback: 1 } }), TypeError,
      "api.authentication.enrollWith: factor.options.otpFallback must be a boolean (got 1)");
    throwsExact(() => api.authentication.challengeWith({ type: "otp" }, { additionalFactors: [] }), Error,
      "api.authentication.challengeWith: options.additionalFactors must contain at least one factor");
    throwsExact(() => api.authentication.enrollWith({ type: "otp" }, "x"), TypeError,
      'api.authentication.enrollWith: options must be an object (got "x")');
    throwsExact(() => api.authentication.challengeWith({ type: "" }), TypeError,
      'api.authentication.challengeWith: factor.type must be a non-empty string (got "")');
    throwsExact(() => api.authentication.challengeWith({ type: "otp", options: "x" }), TypeError,
      'api.authentication.challengeWith: factor.options must be an object (got "x")');
    throwsExact(() => api.authentication.challengeWithAny([{ type: "push-notification", options: { otpFallback: "yes" } }]),
      TypeError, 'api.authentication.challengeWithAny: factors[0].options.otpFallback must be a boolean (got "yes")');
    assert.equal(calls.length, 0);
  });

  it("checks preferredMethod only on phone factors and otpFallback only on push factors, both optional", () => {
    const { api, calls } = setup();
    const factors = [
      { type: "phone", options: {} },
      { type: "push-notification", options: {} },
      { type: "push", options: { otpFallback: false } },
      { type: "email", options: { preferredMethod: "fax", otpFallback: "yes" } },
      { type: "otp", options: { otpFallback: 1 } },
    ];
    api.authentication.challengeWithAny(factors);
    api.authentication.challengeWith({ type: "otp" }, {});
    api.authentication.enrollWith({ type: "phone", options: { preferredMethod: "both" } },
      { additionalFactors: [{ type: "otp" }] });
    api.authentication.enrollWithAny([{ type: "email" }]);
    assert.deepEqual(calls, [
      { api: "authentication.challengeWithAny", args: [factors] },
      { api: "authentication.challengeWith", args: [{ type: "otp" }, {}] },
      {
        api: "authentication.enrollWith",
        args: [{ type: "phone", options: { preferredMethod: "both" } }, { additionalFactors: [{ type: "otp" }] }],
      },
      { api: "authentication.enrollWithAny", args: [[{ type: "email" }]] },
    ]);
  });

  it("recordMethod works only in onContinuePostLogin", () => {
    const exec = setup();
    throwsExact(() => exec.api.authentication.recordMethod("https://idp.example.com/method"), Error,
      'api.authentication.recordMethod: can only be called from onContinuePostLogin (current phase: "execute")');
    assert.equal(exec.calls.length, 0);

    const cont = setup({ phase: "continue" });
    assert.equal(cont.api.authentication.recordMethod("https://idp.example.com/method"), cont.api);
    assert.equal(cont.api.authentication.recordMethod("http://idp.example.com/method"), cont.api);
    assert.deepEqual(cont.calls, [
      { api: "authentication.recordMethod", args: ["https://idp.example.com/method"] },
      { api: "authentication.recordMethod", args: ["http://idp.example.com/method"] },
    ]);
    throwsExact(() => cont.api.authentication.recordMethod("not a url"), Error,
      'api.authentication.recordMethod: provider_url must be an absolute http(s) URL (got "not a url")');
    throwsExact(() => cont.api.authentication.recordMethod("ftp://x/"), Error,
      'api.authentication.recordMethod: provider_url must be an absolute http(s) URL (got "ftp://x/")');
    throwsExact(() => cont.api.authentication.recordMethod(5), TypeError,
      "api.authentication.recordMethod: provider_url must be a string (got 5)");
    assert.equal(cont.calls.length, 2);
  });

  it("setPrimaryUser works once per transaction", () => {
    const { api, calls } = setup();
    assert.equal(api.authentication.setPrimaryUser("auth0|primary"), undefined);
    throwsExact(() => api.authentication.setPrimaryUser("auth0|other"), Error,
      "The primary user can only be altered once per transaction");
    assert.deepEqual(calls, [{ api: "authentication.setPrimaryUser", args: ["auth0|primary"] }]);
  });

  it("setPrimaryUser honours an earlier change in the transaction (ctx.primaryUserAlreadySet)", () => {
    const { api, calls } = setup({ ctx: { primaryUserAlreadySet: true } });
    throwsExact(() => api.authentication.setPrimaryUser("auth0|x"), Error,
      "The primary user can only be altered once per transaction");
    assert.equal(calls.length, 0);
  });

  it("setPrimaryUser validates the id (128 chars ok, 129 rejected) without using up the change", () => {
    const { api, calls } = setup();
    throwsExact(() => api.authentication.setPrimaryUser("u".repeat(129)), Error,
      "api.authentication.setPrimaryUser: primary_user_id must be at most 128 characters (got 129)");
    throwsExact(() => api.authentication.setPrimaryUser(""), Error,
      "api.authentication.setPrimaryUser: primary_user_id must be a non-empty string");
    throwsExact(() => api.authentication.setPrimaryUser(null), TypeError,
      "api.authentication.setPrimaryUser: primary_user_id must be a string (got null)");
    api.authentication.setPrimaryUser("u".repeat(128));
    assert.equal(calls.length, 1);
  });
});

describe("api.redirect.sendUserTo", () => {
  it("applies query with searchParams.set, records the final URL and returns api", () => {
    const { api, calls } = setup();
    const r = api.redirect.sendUserTo("https://app.example.com/step?keep=1&x=old", {
      query: { x: "new", y: "a b&c", n: 5 },
    });
    assert.equal(r, api);
    assert.deepEqual(calls, [{
      api: "redirect.sendUserTo",
      args: ["https://app.example.com/step?keep=1&x=new&y=a+b%26c&n=5"],
    }]);
  });

  it("records the normalized URL without options, or with options or a query that are null or absent", () => {
    const { api, calls } = setup();
    api.redirect.sendUserTo("HTTPS://App.Example.com");
    assert.deepEqual(calls[0].args, ["https://app.example.com/"]);
    for (const options of [null, {}, { query: null }, { query: undefined }]) {
      const s = setup();
      s.api.redirect.sendUserTo("https://app.example.com/step?keep=1", options);
      assert.deepEqual(s.calls[0].args, ["https://app.example.com/step?keep=1"], JSON.stringify(options));
    }
  });

  it("rejects relative or non-string URLs and bad options", () => {
    const { api, calls } = setup();
    throwsExact(() => api.redirect.sendUserTo("/relative"), Error,
      'api.redirect.sendUserTo: url must be an absolute URL (got "/relative")');
    throwsExact(() => api.redirect.sendUserTo(undefined), TypeError,
      "api.redirect.sendUserTo: url must be a string (got undefined)");
    throwsExact(() => api.redirect.sendUserTo("https://a.example/", { query: "x=1" }), TypeError,
      'api.redirect.sendUserTo: options.query must be an object (got "x=1")');
    throwsExact(() => api.redirect.sendUserTo("https://a.example/", 7), TypeError,
      "api.redirect.sendUserTo: options must be an object like {query} (got 7)");
    assert.equal(calls.length, 0);
  });

  it("cannot be combined with prompt.render in the same action (either order)", () => {
    const a = setup();
    a.api.redirect.sendUserTo("https://a.example/");
    throwsExact(() => a.api.prompt.render("prompt-1"), Error,
      "Redirect and render commands cannot be used in the same action.");
    assert.deepEqual(a.calls.map((c) => c.api), ["redirect.sendUserTo"]);

    const b = setup();
    b.api.prompt.render("prompt-1");
    throwsExact(() => b.api.redirect.sendUserTo("https://a.example/"), Error,
      "Redirect and render commands cannot be used in the same action.");
    assert.deepEqual(b.calls.map((c) => c.api), ["prompt.render"]);
  });

  it("a failed redirect does not block a later render", () => {
    const { api, calls } = setup();
    assert.throws(() => api.redirect.sendUserTo("nope"));
    api.prompt.render("p");
    assert.deepEqual(calls.map((c) => c.api), ["prompt.render"]);
  });
});

describe("api.redirect.encodeToken / validateToken", () => {
  it("encodeToken builds an HS256 JWT with the documented claims", () => {
    const { api, calls } = setup();
    const token = api.redirect.encodeToken({ secret: "s3cret", payload: { foo: "bar", ip: "override" } });
    const { header, payload, signingInput, signature } = decodeJwt(token);
    assert.equal(Buffer.from(token.split(".")[0], "base64url").toString(), '{"alg":"HS256","typ":"JWT"}');
    assert.deepEqual(header, { alg: "HS256", typ: "JWT" });
    assert.deepEqual(payload, {
      iat: NOW_S,
      iss: "tenant.example.auth0.com",
      sub: "auth0|123",
      exp: NOW_S + 900,
      ip: "override",
      foo: "bar",
    });
    assert.deepEqual(Object.keys(payload), ["iat", "iss", "sub", "exp", "ip", "foo"]);
    assert.equal(signature, hmacSha256("s3cret", signingInput));
    assert.ok(!token.includes("="));
    assert.equal(calls.length, 0, "encodeToken is a pure read");
  });

  it("encodeToken honours expiresInSeconds and floors iat from ctx.now()", () => {
    const { api, clock } = setup();
    clock.now = NOW + 999;
    const { payload } = decodeJwt(api.redirect.encodeToken({ secret: "s", payload: {}, expiresInSeconds: 60 }));
    assert.equal(payload.iat, NOW_S);
    assert.equal(payload.exp, NOW_S + 60);
  });

  it("encodeToken encodes non-ASCII payloads as UTF-8", () => {
    const { api } = setup();
    const { payload } = decodeJwt(api.redirect.encodeToken({ secret: "s", payload: { name: "Zoë ✓ 🎉" } }));
    assert.equal(payload.name, "Zoë ✓ 🎉");
    const big = "é".repeat(5000) + "🎉"; // > 4096 UTF-8 bytes: encoded in chunks
    const token = api.redirect.encodeToken({ secret: "s", payload: { big } });
    assert.equal(decodeJwt(token).payload.big, big);
    assert.equal(decodeJwt(token).signature, hmacSha256("s", decodeJwt(token).signingInput));
  });

  it("encodeToken validates its options", () => {
    const { api } = setup();
    throwsExact(() => api.redirect.encodeToken(), TypeError,
      "api.redirect.encodeToken: options must be an object like {secret, payload} (got undefined)");
    throwsExact(() => api.redirect.encodeToken({ payload: {} }), TypeError,
      "api.redirect.encodeToken: secret must be a string (got undefined)");
    throwsExact(() => api.redirect.encodeToken({ secret: "" }), Error,
      "api.redirect.encodeToken: secret must be a non-empty string");
    throwsExact(() => api.redirect.encodeToken({ secret: "s", payload: "x" }), TypeError,
      'api.redirect.encodeToken: payload must be an object (got "x")');
    throwsExact(() => api.redirect.encodeToken({ secret: "s", expiresInSeconds: "60" }), TypeError,
      'api.redirect.encodeToken: expiresInSeconds must be a finite number (got "60")');
  });

  it("encodeToken takes a null or missing payload and expiresInSeconds as absent", () => {
    const { api } = setup();
    for (const options of [{ secret: "s" }, { secret: "s", payload: null, expiresInSeconds: null }]) {
      const { payload } = decodeJwt(api.redirect.encodeToken(options));
      assert.deepEqual(payload, {
        iat: NOW_S, iss: "tenant.example.auth0.com", sub: "auth0|123", exp: NOW_S + 900, ip: "203.0.113.7",
      });
    }
  });

  it("encodeToken refuses a payload JSON cannot serialize, with the serializer's reason", () => {
    const { api } = setup();
    let reason;
    try {
      JSON.stringify({ n: 1n });
    } catch (e) {
      reason = e.message;
    }
    throwsExact(() => api.redirect.encodeToken({ secret: "s", payload: { n: 1n } }), TypeError,
      `api.redirect.encodeToken: payload must be JSON-serializable (${reason})`);
  });

  function continueWith(token, { where = "query", state = "st-1", param = "session_token", now = NOW } = {}) {
    const event = baseEvent();
    event.request.query = { state };
    event.request[where][param] = token;
    const s = setup({ event, phase: "continue" });
    s.clock.now = now;
    return s;
  }

  it("round-trips: a token from encodeToken with the continue state validates and returns its payload", () => {
    const { api: execApi } = setup();
    const token = execApi.redirect.encodeToken({ secret: "shh", payload: { state: "st-1", color: "blå 🎉" } });
    const { api, calls } = continueWith(token);
    const payload = api.redirect.validateToken({ secret: "shh" });
    assert.equal(payload.color, "blå 🎉");
    assert.equal(payload.sub, "auth0|123");
    assert.equal(payload.state, "st-1");
    assert.equal(calls.length, 0, "validateToken is a pure read");
  });

  it("finds the token in the POST body and under a custom parameter name", () => {
    const token = setup().api.redirect.encodeToken({ secret: "shh", payload: { state: "st-1" } });
    const body = continueWith(token, { where: "body" });
    assert.equal(body.api.redirect.validateToken({ secret: "shh" }).state, "st-1");
    const custom = continueWith(token, { param: "my_token" });
    assert.equal(custom.api.redirect.validateToken({ secret: "shh", tokenParameterName: "my_token" }).state, "st-1");
  });

  it("a state and token POSTed to /continue are read from the body", () => {
    const token = setup().api.redirect.encodeToken({ secret: "shh", payload: { state: "st-1" } });
    const event = baseEvent();
    event.request.method = "POST";
    event.request.body = { state: "st-1", session_token: token };
    assert.equal(setup({ event, phase: "continue" }).api.redirect.validateToken({ secret: "shh" }).state, "st-1");
  });

  it("an empty or null token in the query gives way to the one in the body", () => {
    const token = setup().api.redirect.encodeToken({ secret: "shh", payload: { state: "st-1" } });
    for (const inQuery of ["", null]) {
      const s = continueWith(inQuery);
      s.event.request.body.session_token = token;
      assert.equal(s.api.redirect.validateToken({ secret: "shh" }).state, "st-1", String(inQuery));
    }
  });

  it("a null, empty or missing tokenParameterName means session_token", () => {
    const token = setup().api.redirect.encodeToken({ secret: "shh", payload: { state: "st-1" } });
    for (const tokenParameterName of [null, "", undefined]) {
      const { api } = continueWith(token);
      assert.equal(api.redirect.validateToken({ secret: "shh", tokenParameterName }).state, "st-1");
    }
  });

  it("reports a missing parameter with the exact message", () => {
    const { api } = continueWith("x");
    throwsExact(() => api.redirect.validateToken({ secret: "shh", tokenParameterName: "other" }), Error,
      "There is no parameter called 'other' available in either the POST body or query string.");
    const empty = continueWith("");
    throwsExact(() => empty.api.redirect.validateToken({ secret: "shh" }), Error,
      "There is no parameter called 'session_token' available in either the POST body or query string.");
    for (const inBody of ["", null]) {
      throwsExact(() => continueWith(inBody, { where: "body" }).api.redirect.validateToken({ secret: "shh" }), Error,
        "There is no parameter called 'session_token' available in either the POST body or query string.");
    }
  });

  it("rejects a wrong signature", () => {
    const token = setup().api.redirect.encodeToken({ secret: "shh", payload: { state: "st-1" } });
    const { api } = continueWith(token);
    throwsExact(() => api.redirect.validateToken({ secret: "wrong" }), Error,
      "The session token is invalid: Failed signature validation.");
    const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    throwsExact(() => continueWith(tampered).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: Failed signature validation.");
  });

  it("rejects a state mismatch", () => {
    const token = setup().api.redirect.encodeToken({ secret: "shh", payload: { state: "other" } });
    throwsExact(() => continueWith(token).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: State in the token does not match the /continue state.");
    const noState = setup().api.redirect.encodeToken({ secret: "shh", payload: {} });
    throwsExact(() => continueWith(noState).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: State in the token does not match the /continue state.");
    const noStateAnywhere = continueWith(noState);
    delete noStateAnywhere.event.request.query.state;
    throwsExact(() => noStateAnywhere.api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: State in the token does not match the /continue state.");
  });

  it("rejects a sub that is not the current user", () => {
    const token = signJwt({ alg: "HS256", typ: "JWT" }, { sub: "auth0|999", state: "st-1", exp: NOW_S + 60 }, "shh");
    throwsExact(() => continueWith(token).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: The sub claim does not match the user_id.");
  });

  it("rejects an expired token (exp == now) and accepts exp == now + 1", () => {
    const token = signJwt({ alg: "HS256", typ: "JWT" }, { sub: "auth0|123", state: "st-1", exp: NOW_S }, "shh");
    throwsExact(() => continueWith(token).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: Token has expired.");
    const ok = signJwt({ alg: "HS256", typ: "JWT" }, { sub: "auth0|123", state: "st-1", exp: NOW_S + 1 }, "shh");
    assert.equal(continueWith(ok).api.redirect.validateToken({ secret: "shh" }).exp, NOW_S + 1);
  });

  it("an encodeToken token expires after expiresInSeconds on the fixed clock", () => {
    const token = setup().api.redirect.encodeToken({ secret: "shh", payload: { state: "st-1" }, expiresInSeconds: 30 });
    assert.ok(continueWith(token, { now: NOW + 29_999 }).api.redirect.validateToken({ secret: "shh" }));
    throwsExact(() => continueWith(token, { now: NOW + 30_000 }).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: Token has expired.");
  });

  it("rejects malformed tokens, other algorithms and a missing exp", () => {
    for (const bad of ["abc", "a.b", "a.b.c.d", "!!.!!.x"]) {
      throwsExact(() => continueWith(bad).api.redirect.validateToken({ secret: "shh" }), Error,
        "The session token is invalid: The token is malformed.");
    }
    const none = signJwt({ alg: "none", typ: "JWT" }, { sub: "auth0|123", state: "st-1", exp: NOW_S + 60 }, "shh");
    throwsExact(() => continueWith(none).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: Unsupported signing algorithm.");
    const noExp = signJwt({ alg: "HS256", typ: "JWT" }, { sub: "auth0|123", state: "st-1" }, "shh");
    throwsExact(() => continueWith(noExp).api.redirect.validateToken({ secret: "shh" }), Error,
      "The session token is invalid: Missing or invalid standard claims.");
  });

  it("validateToken validates its options", () => {
    const { api } = continueWith("x");
    throwsExact(() => api.redirect.validateToken(), TypeError,
      "api.redirect.validateToken: options must be an object like {secret} (got undefined)");
    throwsExact(() => api.redirect.validateToken({}), TypeError,
      "api.redirect.validateToken: secret must be a string (got undefined)");
    throwsExact(() => api.redirect.validateToken({ secret: "" }), Error,
      "api.redirect.validateToken: secret must be a non-empty string");
    throwsExact(() => api.redirect.validateToken({ secret: "shh", tokenParameterName: 5 }), TypeError,
      "api.redirect.validateToken: tokenParameterName must be a string (got 5)");
  });
});

describe("api.redirect.canRedirect", () => {
  it("is true for interactive protocols and false for prompt=none or non-redirect protocols", () => {
    assert.equal(setup().api.redirect.canRedirect(), true);
    for (const protocol of ["oauth2-resource-owner", "oauth2-refresh-token", "oauth2-password", "oauth2-webauthn"]) {
      const event = baseEvent();
      event.transaction.protocol = protocol;
      assert.equal(setup({ event }).api.redirect.canRedirect(), false, protocol);
    }
    const event = baseEvent();
    event.request.query.prompt = "none";
    assert.equal(setup({ event }).api.redirect.canRedirect(), false);
    const noTx = baseEvent();
    delete noTx.transaction;
    const s = setup({ event: noTx });
    assert.equal(s.api.redirect.canRedirect(), true);
    assert.equal(s.calls.length, 0);
  });
});

describe("api.user metadata", () => {
  it("setAppMetadata / setUserMetadata record and return api (null or undefined deletes)", () => {
    const { api, calls, event } = setup();
    assert.equal(api.user.setAppMetadata("plan", { tier: "gold" }), api);
    assert.equal(api.user.setUserMetadata("theme", "dark"), api);
    api.user.setUserMetadata("old", null);
    api.user.setAppMetadata("gone", undefined);
    assert.deepEqual(calls, [
      { api: "user.setAppMetadata", args: ["plan", { tier: "gold" }] },
      { api: "user.setUserMetadata", args: ["theme", "dark"] },
      { api: "user.setUserMetadata", args: ["old", null] },
      { api: "user.setAppMetadata", args: ["gone", null] },
    ]);
    assert.deepEqual(event.user.app_metadata, {}, "writes are deferred, not applied to the event");
  });

  it("throws the documented error when the metadata is not an object", () => {
    for (const bad of ["str", null, undefined, [], 5]) {
      const event = baseEvent();
      event.user.app_metadata = bad;
      event.user.user_metadata = bad;
      const { api, calls } = setup({ event });
      throwsExact(() => api.user.setAppMetadata("k", 1), Error, "Unexpected app_metadata format: expected an object");
      throwsExact(() => api.user.setUserMetadata("k", 1), Error, "Unexpected user_metadata format: expected an object");
      assert.equal(calls.length, 0);
    }
  });

  it("requires a non-empty string key", () => {
    const { api, calls } = setup();
    throwsExact(() => api.user.setAppMetadata(1, "v"), TypeError, "api.user.setAppMetadata: key must be a string (got 1)");
    throwsExact(() => api.user.setUserMetadata("", "v"), Error, "api.user.setUserMetadata: key must be a non-empty string");
    assert.equal(calls.length, 0);
  });
});

describe("api.cache", () => {
  it("set stores a record with the default 15 minute TTL; get returns the record, unrecorded", () => {
    const { api, calls, store } = setup();
    const res = api.cache.set("k", "v");
    assert.deepEqual(res, { type: "success", record: { value: "v", expires_at: NOW + 15 * MIN } });
    assert.deepEqual(store.get("k"), { value: "v", expires_at: NOW + 15 * MIN });
    assert.deepEqual(api.cache.get("k"), { value: "v", expires_at: NOW + 15 * MIN });
    assert.equal(api.cache.get("missing"), undefined);
    assert.deepEqual(calls, [{ api: "cache.set", args: ["k", "v", { expires_at: NOW + 15 * MIN }] }]);
  });

  it("get returns a copy, so mutating it does not change the store", () => {
    const { api, store } = setup();
    api.cache.set("k", "v");
    api.cache.get("k").value = "changed";
    assert.equal(store.get("k").value, "v");
  });

  it("honours ttl, expires_at, and the earlier of both", () => {
    const { api } = setup();
    assert.equal(api.cache.set("a", "1", { ttl: 1000.9 }).record.expires_at, NOW + 1000);
    assert.equal(api.cache.set("b", "1", { expires_at: NOW + 5000.5 }).record.expires_at, NOW + 5000);
    assert.equal(api.cache.set("c", "1", { ttl: 1000, expires_at: NOW + 5000 }).record.expires_at, NOW + 1000);
    assert.equal(api.cache.set("d", "1", { ttl: 9000, expires_at: NOW + 5000 }).record.expires_at, NOW + 5000);
  });

  it("caps lifetimes at 24 hours", () => {
    const { api } = setup();
    assert.equal(api.cache.set("a", "1", { ttl: 24 * HOUR }).record.expires_at, NOW + 24 * HOUR);
    assert.equal(api.cache.set("b", "1", { ttl: 48 * HOUR }).record.expires_at, NOW + 24 * HOUR);
    assert.equal(api.cache.set("c", "1", { expires_at: NOW + 30 * HOUR }).record.expires_at, NOW + 24 * HOUR);
  });

  it("returns InvalidExpiry / ItemAlreadyExpired without storing or recording", () => {
    const { api, calls, store } = setup();
    for (const opts of [{ ttl: NaN }, { ttl: Infinity }, { ttl: "60" }, { expires_at: "soon" },
      { expires_at: -Infinity }, { expires_at: 2 ** 53 }, { ttl: 1000, expires_at: null }]) {
      assert.deepEqual(api.cache.set("k", "v", opts), { type: "error", code: "InvalidExpiry" }, JSON.stringify(opts));
    }
    assert.deepEqual(api.cache.set("k", "v", { ttl: 0 }), { type: "error", code: "ItemAlreadyExpired" });
    assert.deepEqual(api.cache.set("k", "v", { ttl: -5 }), { type: "error", code: "ItemAlreadyExpired" });
    assert.deepEqual(api.cache.set("k", "v", { expires_at: NOW }), { type: "error", code: "ItemAlreadyExpired" });
    assert.equal(store.size, 0);
    assert.equal(calls.length, 0);
  });

  it("limits keys to 64 bytes (UTF-8)", () => {
    const { api, store } = setup();
    assert.equal(api.cache.set("k".repeat(64), "v").type, "success");
    assert.deepEqual(api.cache.set("k".repeat(65), "v"), { type: "error", code: "CacheKeySizeExceeded" });
    assert.equal(api.cache.set("é".repeat(32), "v").type, "success"); // 64 bytes
    assert.deepEqual(api.cache.set("é".repeat(32) + "x", "v"), { type: "error", code: "CacheKeySizeExceeded" });
    assert.equal(store.size, 2);
  });

  it("limits values to 4096 bytes (UTF-8)", () => {
    const { api } = setup();
    assert.equal(api.cache.set("a", "v".repeat(4096)).type, "success");
    assert.deepEqual(api.cache.set("b", "v".repeat(4097)), { type: "error", code: "CacheValueSizeExceeded" });
    assert.deepEqual(api.cache.set("c", "€".repeat(1366)), { type: "error", code: "CacheValueSizeExceeded" }); // 4098 B
  });

  it("allows 20 entries and rejects the 21st; overwriting at the limit is fine", () => {
    const { api, store, calls } = setup();
    for (let i = 0; i < 20; i++) assert.equal(api.cache.set(`k${i}`, "v").type, "success");
    assert.deepEqual(api.cache.set("k20", "v"), { type: "error", code: "CacheSizeExceeded" });
    assert.equal(api.cache.set("k5", "new").type, "success");
    assert.equal(store.size, 20);
    assert.equal(calls.length, 21);
  });

  it("limits keys+values to 8192 bytes in total (replacing a key does not double count)", () => {
    const { api } = setup();
    assert.equal(api.cache.set("a", "x".repeat(4095)).type, "success"); // 4096
    assert.equal(api.cache.set("b", "x".repeat(4095)).type, "success"); // 8192
    assert.deepEqual(api.cache.set("c", ""), { type: "error", code: "CacheSizeExceeded" });
    assert.equal(api.cache.set("a", "y".repeat(4095)).type, "success");
    assert.deepEqual(api.cache.set("a", "y".repeat(4096)), { type: "error", code: "CacheSizeExceeded" });
  });

  it("takes the total budget from ctx.cacheMaxTotalBytes when given", () => {
    const { api } = setup({ ctx: { cacheMaxTotalBytes: 16 * 1024 + 256 } });
    for (const k of ["a", "b", "c", "d"]) assert.equal(api.cache.set(k, "x".repeat(4095)).type, "success");
    assert.equal(api.cache.set("e", "x".repeat(255)).type, "success"); // 16384 + 256
    assert.deepEqual(api.cache.set("f", ""), { type: "error", code: "CacheSizeExceeded" });
  });

  it("ignores and purges expired entries (they count toward no limit)", () => {
    const { api, store, clock } = setup();
    for (let i = 0; i < 20; i++) api.cache.set(`k${i}`, "v", { ttl: 1000 });
    clock.now = NOW + 999;
    assert.deepEqual(api.cache.get("k0"), { value: "v", expires_at: NOW + 1000 });
    clock.now = NOW + 1000;
    assert.equal(api.cache.get("k0"), undefined);
    assert.equal(store.has("k0"), false, "get purges the expired record");
    assert.equal(api.cache.set("fresh", "v").type, "success");
    assert.equal(store.size, 1, "set purges every expired record");
  });

  it("delete removes live keys and reports CacheKeyDoesNotExist otherwise", () => {
    const { api, calls, store, clock } = setup();
    api.cache.set("k", "v");
    assert.deepEqual(api.cache.delete("k"), { type: "success" });
    assert.equal(store.has("k"), false);
    assert.deepEqual(api.cache.delete("k"), { type: "error", code: "CacheKeyDoesNotExist" });
    assert.deepEqual(api.cache.delete(42), { type: "error", code: "CacheKeyDoesNotExist" });
    api.cache.set("old", "v", { ttl: 10 });
    clock.now = NOW + 10;
    assert.deepEqual(api.cache.delete("old"), { type: "error", code: "CacheKeyDoesNotExist" });
    assert.deepEqual(calls.map((c) => c.api), ["cache.set", "cache.delete", "cache.set"]);
    assert.deepEqual(calls[1].args, ["k"]);
  });

  it("set requires string key and value (TypeError)", () => {
    const { api, calls } = setup();
    throwsExact(() => api.cache.set("k", 5), TypeError, "api.cache.set: value must be a string (got 5)");
    throwsExact(() => api.cache.set(undefined, "v"), TypeError, "api.cache.set: key must be a string (got undefined)");
    throwsExact(() => api.cache.set("k", "v", 5), TypeError,
      "api.cache.set: options must be an object like {ttl, expires_at} (got 5)");
    assert.equal(api.cache.get(undefined), undefined);
    assert.equal(calls.length, 0);
  });

  it("reports FailedToSetCacheRecord when the store does not keep the record", () => {
    const broken = { get: () => undefined, set() {}, delete: () => false, *entries() {} };
    const { api, calls } = setup({ cache: broken });
    assert.deepEqual(api.cache.set("k", "v"), { type: "error", code: "FailedToSetCacheRecord" });
    assert.equal(calls.length, 0);
  });

  it("reports FailedToSetCacheRecord when the store keeps another value, FailedToDeleteCacheRecord when it cannot delete", () => {
    const live = { value: "other", expires_at: NOW + MIN };
    const stubborn = { get: () => live, set() {}, delete: () => false, *entries() {} };
    const { api, calls } = setup({ cache: stubborn });
    assert.deepEqual(api.cache.set("k", "v"), { type: "error", code: "FailedToSetCacheRecord" });
    assert.deepEqual(api.cache.delete("k"), { type: "error", code: "FailedToDeleteCacheRecord" });
    assert.equal(calls.length, 0);
  });

  it("looks up no key that is not a string (a store keyed by strings is never asked)", () => {
    const asked = [];
    const store = new Map([["42", { value: "v", expires_at: NOW + MIN }]]);
    const byString = {
      get: (k) => (asked.push(k), store.get(String(k))),
      set: (k, v) => store.set(String(k), v),
      delete: (k) => store.delete(String(k)),
      entries: () => store.entries(),
    };
    const { api, calls } = setup({ cache: byString });
    assert.equal(api.cache.get(42), undefined);
    assert.deepEqual(api.cache.delete(42), { type: "error", code: "CacheKeyDoesNotExist" });
    assert.deepEqual(asked, []);
    assert.equal(store.size, 1);
    assert.equal(calls.length, 0);
  });

  it("set purges the expired records and deletes no other key", () => {
    const deleted = [];
    const map = new Map();
    const store = {
      get: (k) => map.get(k),
      set: (k, v) => map.set(k, v),
      delete: (k) => (deleted.push(k), map.delete(k)),
      entries: () => map.entries(),
    };
    const { api, clock } = setup({ cache: store });
    api.cache.set("short1", "v", { ttl: 10 });
    api.cache.set("long", "v", { ttl: 1000 });
    api.cache.set("short2", "v", { ttl: 10 });
    clock.now = NOW + 10;
    assert.equal(api.cache.set("new", "v").type, "success");
    assert.deepEqual(deleted, ["short1", "short2"]);
    assert.deepEqual([...map.keys()], ["long", "new"]);
  });

  it("set takes null options as none", () => {
    const { api } = setup();
    assert.deepEqual(api.cache.set("k", "v", null), { type: "success", record: { value: "v", expires_at: NOW + 15 * MIN } });
  });

  // docs/outcome.md (batch request lines), `container`: "requests with the same key run on the same worker; each Action
  // keeps … the container's `api.cache`"; without it "every execution starts fresh". Runs the
  // host's own runner (js_runtime/actions/runner.js), whose store this is.
  it("is shared through the host store by the executions of one container only", async () => {
    register("./ext_hooks.mjs", import.meta.url);
    const execution = await import("ext:actionhost_runtime/execution.js");
    const { actionRunner } = await import("ext:actionhost_actions/runner.js");
    const { TRIGGER } = await import("ext:actionhost_actions/post_login/api.js");
    const runPostLogin = actionRunner(TRIGGER);
    const source = `exports.onExecutePostLogin = async (event, api) => {
      const seen = api.cache.get("visits")?.value ?? "0";
      api.cache.set("visits", String(Number(seen) + 1));
      return seen;
    };`;
    const wrapper = new Function("exports", "require", "module", "__filename", "__dirname", source);
    const host = { createRequire: () => () => { throw new Error("no require here"); }, hmacSha256 };
    const run = (container) => {
      execution.begin();
      return runPostLogin(wrapper, { event: baseEvent(), phase: "execute", filename: "a.js", dirname: "." }, container, host);
    };
    const container = {};
    assert.deepEqual(await run(container), { ok: true, returned: "0" });
    assert.deepEqual(await run(container), { ok: true, returned: "1" }, "the second execution sees the first's record");
    assert.equal(container.cache.get("visits").value, "2", "the records live in the container");
    assert.deepEqual(await run({}), { ok: true, returned: "0" }, "another container has its own store");
    assert.deepEqual(await run(undefined), { ok: true, returned: "0" });
    assert.deepEqual(await run(undefined), { ok: true, returned: "0" }, "without a container nothing is kept");
  });
});

describe("api.samlResponse", () => {
  it("setAttribute records values, null/undefined remove, returns api", () => {
    const { api, calls } = setup();
    assert.equal(api.samlResponse.setAttribute("email", "a@b.c"), api);
    api.samlResponse.setAttribute("groups", ["a", 1, true]);
    api.samlResponse.setAttribute("age", 42).samlResponse.setAttribute("ok", false);
    api.samlResponse.setAttribute("email", undefined);
    api.samlResponse.setAttribute("groups", null);
    assert.deepEqual(calls.map((c) => c.args), [
      ["email", "a@b.c"], ["groups", ["a", 1, true]], ["age", 42], ["ok", false], ["email", null], ["groups", null],
    ]);
    assert.ok(calls.every((c) => c.api === "samlResponse.setAttribute"));
  });

  it("setAttribute validates name and value limits", () => {
    const { api, calls } = setup();
    api.samlResponse.setAttribute("n".repeat(1024), "v".repeat(2048));
    throwsExact(() => api.samlResponse.setAttribute("n".repeat(1025), "v"), Error,
      "api.samlResponse.setAttribute: attribute must be at most 1024 characters (got 1025)");
    throwsExact(() => api.samlResponse.setAttribute("a", "v".repeat(2049)), Error,
      "api.samlResponse.setAttribute: value must be at most 2048 characters (got 2049)");
    throwsExact(() => api.samlResponse.setAttribute("a", ["ok", "v".repeat(2049)]), Error,
      "api.samlResponse.setAttribute: value[1] must be at most 2048 characters");
    throwsExact(() => api.samlResponse.setAttribute("a", { x: 1 }), TypeError,
      "api.samlResponse.setAttribute: value must be a string, number, boolean, array or null (got an object)");
    throwsExact(() => api.samlResponse.setAttribute("a", [null]), TypeError,
      "api.samlResponse.setAttribute: value[0] must be a string, number or boolean (got null)");
    throwsExact(() => api.samlResponse.setAttribute("a", NaN), Error,
      "api.samlResponse.setAttribute: value must be a finite number (got NaN)");
    throwsExact(() => api.samlResponse.setAttribute(7, "v"), TypeError,
      "api.samlResponse.setAttribute: attribute must be a string (got 7)");
    throwsExact(() => api.samlResponse.setAttribute("", "v"), Error,
      "api.samlResponse.setAttribute: attribute must be a non-empty string");
    throwsExact(() => api.samlResponse.setAttribute("a", [1, NaN]), TypeError,
      "api.samlResponse.setAttribute: value[1] must be a string, number or boolean (got NaN)");
    api.samlResponse.setAttribute("list", ["v".repeat(2048), "€".repeat(2048)]);
    assert.equal(calls.length, 2);
  });

  it("setAttribute accepts exactly 102400 serialized bytes and keeps what a refused change would have replaced", () => {
    const { api, calls } = setup();
    // By hand: `{"a":[` + 50 quoted strings with 49 commas + `]}` is 8 + 100 + 49 = 157 bytes
    // besides the characters: 49 strings of 2048 and one of 1891 characters make 102,400 bytes.
    const list = (last) => [...Array(49).fill("x".repeat(2048)), "x".repeat(last)];
    throwsExact(() => api.samlResponse.setAttribute("a", list(1892)), Error,
      "api.samlResponse.setAttribute: the serialized SAML attributes must be at most 102400 bytes (got 102401)");
    assert.equal(api.samlResponse.setAttribute("a", list(1891)), api);
    // "a" keeps its 102,400 bytes after a refused replacement: adding "b" would still overflow.
    assert.throws(() => api.samlResponse.setAttribute("a", list(1892)), /at most 102400 bytes/);
    throwsExact(() => api.samlResponse.setAttribute("b", 1), Error, // `,"b":1` adds 6 bytes
      "api.samlResponse.setAttribute: the serialized SAML attributes must be at most 102400 bytes (got 102406)");
    assert.equal(calls.length, 1);
  });

  it("an attribute refused for size is not counted among the 100", () => {
    const { api } = setup();
    for (let i = 0; i < 99; i++) api.samlResponse.setAttribute(`a${i}`, "v");
    const huge = Array(51).fill("x".repeat(2048));
    assert.throws(() => api.samlResponse.setAttribute("big", huge), /at most 102400 bytes/);
    api.samlResponse.setAttribute("big", "v"); // the 100th
    throwsExact(() => api.samlResponse.setAttribute("a99", "v"), Error,
      "api.samlResponse.setAttribute: at most 100 SAML attributes can be changed");
  });

  it("setAttribute enforces the 102400-byte serialized total", () => {
    const { api, calls } = setup();
    const value = "€".repeat(2048); // 3 bytes of UTF-8 each: 6144 bytes
    // Sizes by hand: one member `"attrNN":"<value>"` is 8 + 1 + 6146 = 6155 bytes; k members with
    // their k - 1 commas and the braces are 6156k + 1 bytes: 98,497 for 16, 104,653 for 17.
    const kept = [];
    let thrown;
    for (let i = 0; i < 40 && !thrown; i++) {
      const name = `attr${String(i).padStart(2, "0")}`;
      try {
        api.samlResponse.setAttribute(name, value);
        kept.push(name);
      } catch (e) {
        thrown = e;
      }
    }
    assert.equal(kept.length, 16, "16 attributes (98,497 bytes) fit");
    assert.equal(thrown?.message,
      "api.samlResponse.setAttribute: the serialized SAML attributes must be at most 102400 bytes (got 104653)");
    assert.equal(calls.length, 16);
    api.samlResponse.setAttribute("attr00", "small"); // shrinking an existing one still works
    api.samlResponse.setAttribute("extra", value); // and frees room
    assert.equal(calls.length, 18);
  });

  it("setAttribute allows 100 distinct attributes and rejects the 101st", () => {
    const { api } = setup();
    for (let i = 0; i < 99; i++) api.samlResponse.setAttribute(`a${i}`, "v");
    api.samlResponse.setAttribute("a0", "again"); // a change of an attribute already changed is not counted
    api.samlResponse.setAttribute("a99", "v");
    throwsExact(() => api.samlResponse.setAttribute("a100", "v"), Error,
      "api.samlResponse.setAttribute: at most 100 SAML attributes can be changed");
  });

  const strings = [
    ["setAudience", 2048], ["setRecipient", 2048], ["setDestination", 2048],
    ["setRelayState", 512], ["setIssuer", 512], ["setAuthnContextClassRef", 512], ["setNameIdentifierFormat", 512],
    ["setCert", 4096], ["setKey", 4096], ["setSigningCert", 4096], ["setEncryptionCert", 4096],
    ["setEncryptionPublicKey", 4096],
  ];
  for (const [method, max] of strings) {
    it(`${method} accepts strings up to ${max} characters`, () => {
      const { api, calls } = setup();
      assert.equal(api.samlResponse[method]("x".repeat(max)), api);
      assert.deepEqual(calls, [{ api: `samlResponse.${method}`, args: ["x".repeat(max)] }]);
      assert.throws(() => api.samlResponse[method]("x".repeat(max + 1)),
        (e) => e.constructor === Error && e.message.includes(`must be at most ${max} characters (got ${max + 1})`));
      const key = method[3].toLowerCase() + method.slice(4);
      throwsExact(() => api.samlResponse[method](5), TypeError,
        `api.samlResponse.${method}: ${key === "relayState" ? "RelayState" : key} must be a string (got 5)`);
      assert.equal(calls.length, 1);
    });
  }

  const booleans = ["setCreateUpnClaim", "setPassthroughClaimsWithNoMapping", "setMapUnknownClaimsAsIs",
    "setMapIdentities", "setSignResponse", "setIncludeAttributeNameFormat", "setTypedAttributes"];
  for (const method of booleans) {
    it(`${method} takes a boolean`, () => {
      const { api, calls } = setup();
      assert.equal(api.samlResponse[method](true), api);
      api.samlResponse[method](false);
      const key = method[3].toLowerCase() + method.slice(4);
      throwsExact(() => api.samlResponse[method]("true"), TypeError,
        `api.samlResponse.${method}: ${key} must be a boolean (got "true")`);
      assert.deepEqual(calls.map((c) => c.args), [[true], [false]]);
      assert.ok(calls.every((c) => c.api === `samlResponse.${method}`));
    });
  }

  it("enum setters accept only the documented algorithms", () => {
    const { api, calls } = setup();
    api.samlResponse.setSignatureAlgorithm("rsa-sha256").samlResponse.setSignatureAlgorithm("rsa-sha1");
    api.samlResponse.setDigestAlgorithm("sha256").samlResponse.setDigestAlgorithm("sha1");
    api.samlResponse.setEncryptionAlgorithm("aes256-gcm").samlResponse.setEncryptionAlgorithm("aes256-cbc");
    throwsExact(() => api.samlResponse.setSignatureAlgorithm("rsa-sha512"), Error,
      'api.samlResponse.setSignatureAlgorithm: signatureAlgorithm must be one of "rsa-sha256", "rsa-sha1" (got "rsa-sha512")');
    throwsExact(() => api.samlResponse.setDigestAlgorithm("md5"), Error,
      'api.samlResponse.setDigestAlgorithm: digestAlgorithm must be one of "sha256", "sha1" (got "md5")');
    throwsExact(() => api.samlResponse.setEncryptionAlgorithm("aes128-cbc"), Error,
      'api.samlResponse.setEncryptionAlgorithm: encryptionAlgorithm must be one of "aes256-gcm", "aes256-cbc" (got "aes128-cbc")');
    assert.equal(calls.length, 6);
  });

  it("setLifetimeInSeconds takes a finite number", () => {
    const { api, calls } = setup();
    api.samlResponse.setLifetimeInSeconds(3600);
    throwsExact(() => api.samlResponse.setLifetimeInSeconds(Infinity), TypeError,
      "api.samlResponse.setLifetimeInSeconds: lifetimeInSeconds must be a finite number (got Infinity)");
    assert.deepEqual(calls, [{ api: "samlResponse.setLifetimeInSeconds", args: [3600] }]);
  });

  it("setNameIdentifierProbes takes at most 10 strings of at most 512 characters", () => {
    const { api, calls } = setup();
    api.samlResponse.setNameIdentifierProbes(Array(10).fill("x".repeat(512)));
    throwsExact(() => api.samlResponse.setNameIdentifierProbes(Array(11).fill("x")), Error,
      "api.samlResponse.setNameIdentifierProbes: nameIdentifierProbes must have at most 10 items (got 11)");
    throwsExact(() => api.samlResponse.setNameIdentifierProbes(["x".repeat(513)]), Error,
      "api.samlResponse.setNameIdentifierProbes: nameIdentifierProbes[0] must be at most 512 characters");
    throwsExact(() => api.samlResponse.setNameIdentifierProbes(["x", 5]), TypeError,
      "api.samlResponse.setNameIdentifierProbes: nameIdentifierProbes[1] must be a string (got 5)");
    throwsExact(() => api.samlResponse.setNameIdentifierProbes("x"), TypeError,
      'api.samlResponse.setNameIdentifierProbes: nameIdentifierProbes must be an array of strings (got "x")');
    assert.equal(calls.length, 1);
  });

  it("setNameIdentifierFormat defaults to the unspecified format", () => {
    const { api, calls } = setup();
    api.samlResponse.setNameIdentifierFormat();
    assert.deepEqual(calls[0].args, ["urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"]);
  });
});

describe("api.validation.error", () => {
  it("records code and message and returns api", () => {
    const { api, calls } = setup();
    assert.equal(api.validation.error("invalid_x", "Bad x"), api);
    assert.deepEqual(calls, [{ api: "validation.error", args: ["invalid_x", "Bad x"] }]);
  });

  it("limits code and message to 100 characters", () => {
    const { api, calls } = setup();
    api.validation.error("c".repeat(100), "m".repeat(100));
    throwsExact(() => api.validation.error("c".repeat(101), "m"), Error,
      "api.validation.error: errorCode must be at most 100 characters (got 101)");
    throwsExact(() => api.validation.error("c", "m".repeat(101)), Error,
      "api.validation.error: errorMessage must be at most 100 characters (got 101)");
    throwsExact(() => api.validation.error("c"), TypeError,
      "api.validation.error: errorMessage must be a string (got undefined)");
    throwsExact(() => api.validation.error(1, "m"), TypeError, "api.validation.error: errorCode must be a string (got 1)");
    assert.equal(calls.length, 1);
  });
});

describe("api.rules.wasExecuted", () => {
  it("checks ctx.rulesExecuted and records nothing", () => {
    const { api, calls } = setup({ rulesExecuted: ["rul_1", "My Rule"] });
    assert.equal(api.rules.wasExecuted("rul_1"), true);
    assert.equal(api.rules.wasExecuted("My Rule"), true);
    assert.equal(api.rules.wasExecuted("rul_2"), false);
    assert.equal(setup({ rulesExecuted: undefined, ctx: { rulesExecuted: undefined } }).api.rules.wasExecuted("x"), false);
    assert.equal(calls.length, 0);
  });
});

describe("api.prompt.render", () => {
  it("records the prompt id and options and returns undefined", () => {
    const { api, calls } = setup();
    assert.equal(api.prompt.render("form_1", { fields: { first_name: "Ana" }, vars: { "any key": 1 } }), undefined);
    assert.deepEqual(calls, [{
      api: "prompt.render",
      args: ["form_1", { fields: { first_name: "Ana" }, vars: { "any key": 1 } }],
    }]);
    for (const none of [undefined, null]) {
      const other = setup();
      other.api.prompt.render("p", none);
      assert.deepEqual(other.calls[0].args, ["p", {}]);
    }
  });

  it("allows one render per action", () => {
    const { api, calls } = setup();
    api.prompt.render("p1");
    throwsExact(() => api.prompt.render("p2"), Error, "api.prompt.render: only one render command per action is allowed");
    assert.equal(calls.length, 1);
  });

  it("validates the prompt id (48 chars ok, 49 rejected)", () => {
    const { api } = setup();
    throwsExact(() => api.prompt.render("p".repeat(49)), Error,
      "api.prompt.render: promptId must be at most 48 characters (got 49)");
    throwsExact(() => api.prompt.render(3), TypeError, "api.prompt.render: promptId must be a string (got 3)");
    throwsExact(() => api.prompt.render(""), Error, "api.prompt.render: promptId must be a non-empty string");
    api.prompt.render("p".repeat(48));
  });

  it("validates the options object", () => {
    const { api, calls } = setup();
    const keys = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
    throwsExact(() => api.prompt.render("p", { fields: keys(25) }), Error,
      "api.prompt.render: options.fields must have at most 24 properties (got 25)");
    throwsExact(() => api.prompt.render("p", { vars: keys(25) }), Error,
      "api.prompt.render: options.vars must have at most 24 properties (got 25)");
    throwsExact(() => api.prompt.render("p", { fields: { "bad-name": 1 } }), Error,
      'api.prompt.render: options.fields name "bad-name" must match ^[a-zA-Z_][a-zA-Z0-9_]{0,49}$');
    throwsExact(() => api.prompt.render("p", { other: 1 }), Error,
      'api.prompt.render: options may only contain fields and vars (got "other")');
    throwsExact(() => api.prompt.render("p", { fields: [] }), TypeError,
      "api.prompt.render: options.fields must be an object (got an array)");
    throwsExact(() => api.prompt.render("p", "x"), TypeError,
      'api.prompt.render: options must be an object like {fields, vars} (got "x")');
    throwsExact(() => api.prompt.render("p", { fields: { ok: 1, _also_ok: 2, "9lives": 3 } }), Error,
      'api.prompt.render: options.fields name "9lives" must match ^[a-zA-Z_][a-zA-Z0-9_]{0,49}$');
    let reason;
    try {
      JSON.stringify({ n: 1n });
    } catch (e) {
      reason = e.message;
    }
    throwsExact(() => api.prompt.render("p", { vars: { n: 1n } }), TypeError,
      `api.prompt.render: options must be JSON-serializable (${reason})`);
    api.prompt.render("p", { fields: keys(24), vars: keys(24) });
    assert.equal(calls.length, 1);
  });

  it("limits the options to 24 KiB of JSON", () => {
    const base = JSON.stringify({ vars: { v: "" } }).length;
    const fits = { vars: { v: "x".repeat(24 * 1024 - base) } };
    assert.equal(JSON.stringify(fits).length, 24 * 1024);
    setup().api.prompt.render("p", fits);
    const over = { vars: { v: "x".repeat(24 * 1024 - base + 1) } };
    throwsExact(() => setup().api.prompt.render("p", over), Error,
      "api.prompt.render: options must be at most 24576 bytes as JSON (got 24577)");
  });
});

describe("api.refreshToken", () => {
  function rtEvent(extra = {}) {
    const event = baseEvent();
    event.transaction.protocol = "oauth2-refresh-token";
    event.refresh_token = { id: "rt_1", metadata: { a: "1" }, ...extra };
    return event;
  }

  it("revoke only works on refresh-token exchanges", () => {
    const { api, calls } = setup();
    throwsExact(() => api.refreshToken.revoke("x"), Error,
      'api.refreshToken.revoke: can only be called when event.transaction.protocol is "oauth2-refresh-token" (got "oidc-basic-profile")');
    assert.equal(calls.length, 0);
    const rt = setup({ event: rtEvent() });
    assert.equal(rt.api.refreshToken.revoke("compromised"), rt.api);
    rt.api.refreshToken.revoke();
    assert.deepEqual(rt.calls, [
      { api: "refreshToken.revoke", args: ["compromised"] },
      { api: "refreshToken.revoke", args: [null] },
    ]);
    rt.api.refreshToken.revoke("r".repeat(1024));
    throwsExact(() => rt.api.refreshToken.revoke("r".repeat(1025)), Error,
      "api.refreshToken.revoke: reason must be at most 1024 characters (got 1025)");
  });

  it("setExpiresAt / setIdleExpiresAt take epoch milliseconds", () => {
    const { api, calls } = setup({ event: rtEvent() });
    assert.equal(api.refreshToken.setExpiresAt(NOW + HOUR), api);
    api.refreshToken.setIdleExpiresAt(NOW + MIN);
    assert.deepEqual(calls, [
      { api: "refreshToken.setExpiresAt", args: [NOW + HOUR] },
      { api: "refreshToken.setIdleExpiresAt", args: [NOW + MIN] },
    ]);
    throwsExact(() => api.refreshToken.setExpiresAt(), Error,
      "api.refreshToken.setExpiresAt: an expiration time (milliseconds since the epoch) must be provided");
    for (const none of [null, 0]) {
      throwsExact(() => api.refreshToken.setIdleExpiresAt(none), Error,
        "api.refreshToken.setIdleExpiresAt: an expiration time (milliseconds since the epoch) must be provided");
    }
    throwsExact(() => api.refreshToken.setIdleExpiresAt("soon"), TypeError,
      'api.refreshToken.setIdleExpiresAt: expiration must be a finite number of milliseconds since the epoch (got "soon")');
  });

  it("refuses changes to an online refresh token", () => {
    const { api, calls } = setup({ event: rtEvent({ access: "online" }) });
    throwsExact(() => api.refreshToken.setExpiresAt(NOW + 1), Error,
      "api.refreshToken.setExpiresAt: cannot be called on an online refresh token");
    throwsExact(() => api.refreshToken.setMetadata("k", "v"), Error,
      "api.refreshToken.setMetadata: cannot be called on an online refresh token");
    assert.equal(calls.length, 0);
  });

  it("setMetadata / deleteMetadata / evictMetadata update event.refresh_token.metadata", () => {
    const { api, calls, event } = setup({ event: rtEvent() });
    assert.equal(api.refreshToken.setMetadata("b", "2"), api);
    assert.deepEqual(event.refresh_token.metadata, { a: "1", b: "2" });
    api.refreshToken.setMetadata("a", null);
    assert.deepEqual(event.refresh_token.metadata, { b: "2" });
    const before = event.refresh_token.metadata;
    api.refreshToken.setMetadata("missing", null); // no-op, the event's object untouched
    assert.equal(event.refresh_token.metadata, before);
    api.refreshToken.deleteMetadata("missing"); // no-op
    api.refreshToken.deleteMetadata("b");
    assert.deepEqual(event.refresh_token.metadata, {});
    api.refreshToken.evictMetadata(); // already empty: no-op
    api.refreshToken.setMetadata("c", "3").refreshToken.evictMetadata();
    assert.deepEqual(event.refresh_token.metadata, {});
    assert.deepEqual(calls, [
      { api: "refreshToken.setMetadata", args: ["b", "2"] },
      { api: "refreshToken.setMetadata", args: ["a", null] },
      { api: "refreshToken.deleteMetadata", args: ["b"] },
      { api: "refreshToken.setMetadata", args: ["c", "3"] },
      { api: "refreshToken.evictMetadata", args: [] },
    ]);
  });

  it("setMetadata works without event.refresh_token and does not create it", () => {
    const { api, calls, event } = setup();
    api.refreshToken.setMetadata("k", "v");
    assert.equal(event.refresh_token, undefined);
    api.refreshToken.deleteMetadata("k"); // the api remembers "k" without an event to show it
    assert.deepEqual(calls, [
      { api: "refreshToken.setMetadata", args: ["k", "v"] },
      { api: "refreshToken.deleteMetadata", args: ["k"] },
    ]);
  });

  it("deleteMetadata takes a string key", () => {
    const event = rtEvent();
    event.refresh_token.metadata = { 5: "v" };
    const { api, calls } = setup({ event });
    throwsExact(() => api.refreshToken.deleteMetadata(5), TypeError,
      "api.refreshToken.deleteMetadata: key must be a string (got 5)");
    assert.deepEqual(event.refresh_token.metadata, { 5: "v" });
    assert.equal(calls.length, 0);
  });

  it("metadata rules: 25 keys, key pattern, 255-character values", () => {
    const { api, calls } = setup({ event: rtEvent() });
    for (let i = 0; i < 24; i++) api.refreshToken.setMetadata(`k${i}`, "v"); // + "a" = 25
    throwsExact(() => api.refreshToken.setMetadata("k24", "v"), Error,
      "api.refreshToken.setMetadata: metadata must not contain more than 25 entries");
    api.refreshToken.setMetadata("k0", "v".repeat(255)); // replacing is fine at the limit
    throwsExact(() => api.refreshToken.setMetadata("k0", "v".repeat(256)), Error,
      "api.refreshToken.setMetadata: value must be at most 255 characters (got 256)");
    throwsExact(() => api.refreshToken.setMetadata("bad key", "v"), Error,
      'api.refreshToken.setMetadata: key must be 1-255 letters, digits, underscores or hyphens (got "bad key")');
    throwsExact(() => api.refreshToken.setMetadata("k".repeat(256), "v"), Error,
      `api.refreshToken.setMetadata: key must be 1-255 letters, digits, underscores or hyphens (got "${"k".repeat(57)}...")`);
    throwsExact(() => api.refreshToken.setMetadata("k0", 5), TypeError,
      "api.refreshToken.setMetadata: value must be a string or null (got 5)");
    throwsExact(() => api.refreshToken.setMetadata("k0", "a\u0000b"), Error,
      "api.refreshToken.setMetadata: value must not contain null bytes");
    throwsExact(() => api.refreshToken.setMetadata("k0", "\u0000b"), Error,
      "api.refreshToken.setMetadata: value must not contain null bytes");
    throwsExact(() => api.refreshToken.setMetadata("k\u0000", "v"), Error,
      'api.refreshToken.setMetadata: key must be 1-255 letters, digits, underscores or hyphens (got "k\\u0000")');
    throwsExact(() => api.refreshToken.setMetadata(5, "v"), TypeError,
      "api.refreshToken.setMetadata: key must be a string (got 5)");
    assert.equal(calls.length, 25);
  });
});

describe("api.session", () => {
  function sessionEvent() {
    const event = baseEvent();
    event.session = { id: "sess_1", metadata: { a: "1" }, cookie: { mode: "persistent" } };
    return event;
  }

  it("revoke records reason and options and returns api", () => {
    const { api, calls } = setup();
    assert.equal(api.session.revoke("risk", { preserveRefreshTokens: true }), api);
    api.session.revoke();
    assert.deepEqual(calls, [
      { api: "session.revoke", args: ["risk", { preserveRefreshTokens: true }] },
      { api: "session.revoke", args: [null, {}] },
    ]);
    throwsExact(() => api.session.revoke("x", { other: 1 }), Error,
      'api.session.revoke: options may only contain preserveRefreshTokens (got "other")');
    throwsExact(() => api.session.revoke("x", { preserveRefreshTokens: "yes" }), TypeError,
      'api.session.revoke: options.preserveRefreshTokens must be a boolean (got "yes")');
    throwsExact(() => api.session.revoke(5), TypeError, "api.session.revoke: reason must be a string (got 5)");
    api.session.revoke("risk", { preserveRefreshTokens: undefined }); // as if absent
    assert.deepEqual(calls[2], { api: "session.revoke", args: ["risk", {}] });
    assert.equal(calls.length, 3);
  });

  it("setExpiresAt / setIdleExpiresAt", () => {
    const { api, calls } = setup();
    api.session.setExpiresAt(NOW + HOUR).session.setIdleExpiresAt(NOW + MIN);
    assert.deepEqual(calls.map((c) => [c.api, c.args]), [
      ["session.setExpiresAt", [NOW + HOUR]],
      ["session.setIdleExpiresAt", [NOW + MIN]],
    ]);
    throwsExact(() => api.session.setExpiresAt(0), Error,
      "api.session.setExpiresAt: an expiration time (milliseconds since the epoch) must be provided");
  });

  it("setCookieMode validates the mode and updates event.session.cookie", () => {
    const { api, calls, event } = setup({ event: sessionEvent() });
    assert.equal(api.session.setCookieMode("non-persistent"), api);
    assert.equal(event.session.cookie.mode, "non-persistent");
    throwsExact(() => api.session.setCookieMode("forever"), Error,
      'api.session.setCookieMode: mode must be "persistent" or "non-persistent" (got "forever")');
    throwsExact(() => api.session.setCookieMode(), Error, "api.session.setCookieMode: mode must be provided");
    assert.deepEqual(calls, [{ api: "session.setCookieMode", args: ["non-persistent"] }]);
    const none = setup();
    none.api.session.setCookieMode("persistent");
    assert.equal(none.event.session, undefined, "does not invent a session");
  });

  it("revoke, setCookieMode and deleteMetadata refuse arguments of the wrong type, recording nothing", () => {
    const { api, calls } = setup({ event: sessionEvent() });
    throwsExact(() => api.session.revoke("x", 5), TypeError,
      "api.session.revoke: options must be an object like {preserveRefreshTokens} (got 5)");
    throwsExact(() => api.session.revoke("x", ["a"]), TypeError,
      "api.session.revoke: options must be an object like {preserveRefreshTokens} (got an array)");
    throwsExact(() => api.session.setCookieMode(null), Error, "api.session.setCookieMode: mode must be provided");
    throwsExact(() => api.session.setCookieMode(""), Error, "api.session.setCookieMode: mode must be provided");
    throwsExact(() => api.session.setCookieMode(1), TypeError, "api.session.setCookieMode: mode must be a string (got 1)");
    throwsExact(() => api.session.deleteMetadata(1), TypeError, "api.session.deleteMetadata: key must be a string (got 1)");
    assert.deepEqual(calls, []);
    api.session.revoke("x", null);
    assert.deepEqual(calls, [{ api: "session.revoke", args: ["x", {}] }]);
  });

  it("setCookieMode writes the mode into the event's session cookie, creating the cookie only for a session", () => {
    const noCookie = baseEvent();
    noCookie.session = { id: "sess_1" };
    const a = setup({ event: noCookie });
    a.api.session.setCookieMode("non-persistent");
    assert.deepEqual(a.event.session.cookie, { mode: "non-persistent" });
    const withCookie = sessionEvent();
    withCookie.session.cookie.extra = "kept";
    const b = setup({ event: withCookie });
    b.api.session.setCookieMode("non-persistent");
    assert.deepEqual(b.event.session.cookie, { mode: "non-persistent", extra: "kept" });
    const empty = baseEvent();
    empty.session = {};
    const c = setup({ event: empty });
    c.api.session.setCookieMode("persistent");
    assert.deepEqual(c.event.session, {});
  });

  it("setMetadata throws when event.session is absent", () => {
    const { api, calls } = setup();
    throwsExact(() => api.session.setMetadata("k", "v"), Error,
      "api.session.setMetadata: cannot set metadata on a session that does not exist (event.session is absent)");
    api.session.deleteMetadata("k"); // no-op
    api.session.evictMetadata(); // no-op
    assert.equal(calls.length, 0);
  });

  it("setMetadata / deleteMetadata / evictMetadata update event.session.metadata", () => {
    const { api, calls, event } = setup({ event: sessionEvent() });
    api.session.setMetadata("b", "2");
    assert.deepEqual(event.session.metadata, { a: "1", b: "2" });
    api.session.setMetadata("a", null);
    api.session.deleteMetadata("b");
    assert.deepEqual(event.session.metadata, {});
    api.session.setMetadata("c", "3");
    api.session.evictMetadata();
    assert.deepEqual(event.session.metadata, {});
    assert.deepEqual(calls.map((c) => [c.api, c.args]), [
      ["session.setMetadata", ["b", "2"]],
      ["session.setMetadata", ["a", null]],
      ["session.deleteMetadata", ["b"]],
      ["session.setMetadata", ["c", "3"]],
      ["session.evictMetadata", []],
    ]);
    throwsExact(() => api.session.setMetadata("k", "v".repeat(256)), Error,
      "api.session.setMetadata: value must be at most 255 characters (got 256)");
  });

  it("evictMetadata of a session without metadata records nothing", () => {
    const event = sessionEvent();
    event.session.metadata = {};
    const { api, calls } = setup({ event });
    api.session.evictMetadata();
    assert.equal(calls.length, 0);
  });

  it("keeps its own copy: an Action writing event.session.metadata does not change what is recorded", () => {
    // The host applies the recorded calls to the session's metadata; the event shows that result.
    const { api, event } = setup({ event: sessionEvent() });
    api.session.setMetadata("b", "2");
    event.session.metadata.x = "written directly";
    api.session.setMetadata("c", "3");
    assert.deepEqual(event.session.metadata, { a: "1", b: "2", c: "3" });
  });
});

describe("api.transaction.setMetadata", () => {
  it("updates event.transaction.metadata in place immediately and returns api", () => {
    const { api, calls, event } = setup();
    const meta = event.transaction.metadata;
    assert.equal(api.transaction.setMetadata("s", "x"), api);
    api.transaction.setMetadata("n", 42).transaction.setMetadata("b", true).transaction.setMetadata("f", 1.5);
    assert.equal(event.transaction.metadata, meta, "same object");
    assert.deepEqual(meta, { s: "x", n: 42, b: true, f: 1.5 });
    api.transaction.setMetadata("s", null);
    assert.deepEqual(meta, { n: 42, b: true, f: 1.5 });
    assert.deepEqual(calls.map((c) => c.args), [["s", "x"], ["n", 42], ["b", true], ["f", 1.5], ["s", null]]);
    assert.ok(calls.every((c) => c.api === "transaction.setMetadata"));
  });

  it("creates event.transaction and its metadata when missing", () => {
    const event = baseEvent();
    delete event.transaction;
    const { api } = setup({ event });
    api.transaction.setMetadata("k", "v");
    assert.deepEqual(event.transaction, { metadata: { k: "v" } });
    const event2 = baseEvent();
    delete event2.transaction.metadata;
    setup({ event: event2 }).api.transaction.setMetadata("k", 1);
    assert.deepEqual(event2.transaction.metadata, { k: 1 });
  });

  it("limits keys to 64 characters", () => {
    const { api, calls, event } = setup();
    api.transaction.setMetadata("k".repeat(64), 1);
    throwsExact(() => api.transaction.setMetadata("k".repeat(65), 1), Error,
      "api.transaction.setMetadata: key must be at most 64 characters (got 65)");
    throwsExact(() => api.transaction.setMetadata("", 1), Error, "api.transaction.setMetadata: key must be a non-empty string");
    throwsExact(() => api.transaction.setMetadata(1, 1), TypeError, "api.transaction.setMetadata: key must be a string (got 1)");
    assert.equal(calls.length, 1);
    assert.deepEqual(Object.keys(event.transaction.metadata), ["k".repeat(64)]);
  });

  it("limits values to 8 KB (UTF-8 bytes)", () => {
    const { api, event } = setup();
    api.transaction.setMetadata("a", "x".repeat(8192));
    throwsExact(() => api.transaction.setMetadata("b", "x".repeat(8193)), Error,
      "api.transaction.setMetadata: value must be at most 8192 bytes (got 8193)");
    throwsExact(() => api.transaction.setMetadata("b", "é".repeat(4097)), Error,
      "api.transaction.setMetadata: value must be at most 8192 bytes (got 8194)");
    assert.equal(event.transaction.metadata.b, undefined);
  });

  it("limits the total to 16 KB, counting existing metadata and replacing in place", () => {
    const { api, calls, event } = setup();
    api.transaction.setMetadata("k1", "x".repeat(8190)); // 8192
    api.transaction.setMetadata("k2", "x".repeat(8190)); // 16384
    throwsExact(() => api.transaction.setMetadata("k3", "x"), Error,
      "api.transaction.setMetadata: transaction metadata must be at most 16384 bytes in total (would be 16387)");
    api.transaction.setMetadata("k1", "y".repeat(8190)); // replace: still 16384
    api.transaction.setMetadata("k9", null); // a delete is never refused for size
    api.transaction.setMetadata("k2", null);
    api.transaction.setMetadata("k3", "x");
    assert.equal(calls.length, 6);
    assert.deepEqual(Object.keys(event.transaction.metadata), ["k1", "k3"]);
  });

  it("counts metadata set by earlier Actions", () => {
    const event = baseEvent();
    event.transaction.metadata = { prev: "x".repeat(16384 - 4 - 2) };
    const { api } = setup({ event });
    api.transaction.setMetadata("n", 1); // exactly 16384
    assert.throws(() => api.transaction.setMetadata("m", 1), /at most 16384 bytes in total/);
  });

  it("accepts only string, number, boolean or null; integers must be safe", () => {
    const { api, calls, event } = setup();
    api.transaction.setMetadata("max", Number.MAX_SAFE_INTEGER);
    throwsExact(() => api.transaction.setMetadata("big", 2 ** 53), Error,
      "api.transaction.setMetadata: integer values must be safe integers (got 9007199254740992)");
    throwsExact(() => api.transaction.setMetadata("nan", NaN), Error,
      "api.transaction.setMetadata: value must be a finite number (got NaN)");
    throwsExact(() => api.transaction.setMetadata("o", { a: 1 }), TypeError,
      "api.transaction.setMetadata: value must be a string, number, boolean or null (got an object)");
    throwsExact(() => api.transaction.setMetadata("u", undefined), TypeError,
      "api.transaction.setMetadata: value must be a string, number, boolean or null (got undefined)");
    assert.equal(calls.length, 1);
    assert.deepEqual(event.transaction.metadata, { max: Number.MAX_SAFE_INTEGER });
  });
});

describe("recording", () => {
  it("records calls in order, with method names as dotted paths", () => {
    const { api, calls } = setup();
    api.idToken.setCustomClaim("a", 1);
    api.accessToken.addScope("read");
    api.cache.set("k", "v");
    api.cache.get("k");
    api.rules.wasExecuted("x");
    api.redirect.canRedirect();
    api.transaction.setMetadata("t", 1);
    api.redirect.sendUserTo("https://x.example/");
    api.access.deny("done");
    assert.deepEqual(calls.map((c) => c.api), [
      "idToken.setCustomClaim", "accessToken.addScope", "cache.set", "transaction.setMetadata",
      "redirect.sendUserTo", "access.deny",
    ]);
    assert.doesNotThrow(() => JSON.stringify(calls));
  });

  it("never calls Date.now (uses ctx.now)", () => {
    const realNow = Date.now;
    Date.now = () => { throw new Error("Date.now used"); };
    try {
      const { api } = setup();
      api.cache.set("k", "v");
      api.cache.get("k");
      api.redirect.encodeToken({ secret: "s", payload: {} });
    } finally {
      Date.now = realNow;
    }
  });
});
