// Tests for js_runtime/actions/common/ (run with `node --test tests/js/`): the string measures,
// value descriptions and call recording every trigger's api shares, and the notification
// reasons of the email and phone providers, each against Node's own behaviour (its string
// iterator for code points, Buffer for UTF-8, JSON for recorded arguments).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiObject, charLength, emit, got, utf8Length } from "../../js_runtime/actions/common/base.js";
import { borrowMethods } from "../../js_runtime/actions/common/borrow.js";
import { signToken, verifyToken } from "../../js_runtime/actions/common/jwt.js";
import { createApi } from "../../js_runtime/actions/custom_email_provider/api.js";
import { defaultEvent, hmacSha256, setup } from "./trigger_harness.mjs";

// Surrogate pairs at the edges of both halves' ranges, lone halves, and halves in the wrong
// order, next to ASCII and to two- and three-byte characters.
const SAMPLES = [
  "",
  "plain ascii",
  "\u007f\u0080\u07ff\u0800\uffff",
  "\ud800\udc00", // U+10000, the first pair
  "\udbff\udfff", // U+10FFFF, the last pair
  "\ud800\udfff",
  "\udbff\udc00",
  "a\ud83d\ude00b", // 😀
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "x\ud800",
  "\ud800x",
  "\udc00\ud800",
  "\ud7ff\udc00",
  "\ue000\udc00",
  "\ud800\ud800\udc00",
  "\ud800\ue000",
  "\ud800\udbff",
];

describe("common: string measures", () => {
  it("charLength counts code points as Node's string iterator does", () => {
    for (const s of SAMPLES) {
      assert.equal(charLength(s), [...s].length, JSON.stringify(s));
    }
  });

  it("utf8Length is the length of Node's UTF-8 encoding (a lone surrogate as U+FFFD)", () => {
    for (const s of SAMPLES) {
      assert.equal(utf8Length(s), Buffer.byteLength(s, "utf8"), JSON.stringify(s));
    }
  });
});

describe("common: value descriptions in error messages", () => {
  it("shows a string of up to 60 characters whole, a longer one cut to 57 and an ellipsis", () => {
    const sixty = "s".repeat(60);
    assert.equal(got(sixty), JSON.stringify(sixty));
    assert.equal(got(sixty + "t"), JSON.stringify("s".repeat(57) + "..."));
  });

  it("names every other kind of value", () => {
    assert.equal(got(null), "null");
    assert.equal(got(undefined), "undefined");
    assert.equal(got(12n), "12");
    assert.equal(got(false), "false");
    assert.equal(got(NaN), "NaN");
    assert.equal(got(() => 1), "a function");
    assert.equal(got([1]), "an array");
    assert.equal(got({}), "an object");
  });
});

describe("common: recorded arguments", () => {
  function recorder() {
    const calls = [];
    return { calls, s: { ctx: { record: (api, args) => calls.push({ api, args }) } } };
  }

  it("records a JSON copy of the arguments, as JSON.stringify writes them", () => {
    const { calls, s } = recorder();
    const when = new Date(0);
    const args = [NaN, Infinity, undefined, { a: undefined, when }, "x", null, true];
    emit(s, "user.setAppMetadata", args);
    assert.deepEqual(calls[0].args, JSON.parse(JSON.stringify(args)));
    assert.deepEqual(calls[0].args, [null, null, null, { when: "1970-01-01T00:00:00.000Z" }, "x", null, true]);
  });

  it("records a number JSON cannot write as null, even when every argument is a primitive", () => {
    const { calls, s } = recorder();
    emit(s, "accessToken.setCustomClaim", [NaN]);
    emit(s, "accessToken.setCustomClaim", [-Infinity]);
    assert.deepEqual(calls.map((c) => c.args), [JSON.parse(JSON.stringify([NaN])), [null]]);
  });

  it("refuses arguments JSON cannot write, with JSON's reason", () => {
    const { s } = recorder();
    let reason;
    try {
      JSON.stringify([1n]);
    } catch (e) {
      reason = e.message;
    }
    assert.throws(() => emit(s, "user.setAppMetadata", ["k", 1n]), (e) => {
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, `api.user.setAppMetadata: arguments must be JSON-serializable (${reason})`);
      return true;
    });
  });
});

describe("common: notification reasons", () => {
  // Auth0 truncates a reason longer than 1024 characters; a character is a code point, and
  // Node's string iterator says where each one ends.
  const expected = (reason) => [...reason].slice(0, 1024).join("");

  it("keeps the first 1024 code points, whatever the 1024th and 1025th are", () => {
    for (const tail of SAMPLES) {
      for (const reason of ["x".repeat(1023) + tail + "zz", "x".repeat(1022) + tail + "zz"]) {
        const { api, calls } = setup(createApi, { event: defaultEvent("custom_email_provider") });
        api.notification.drop(reason);
        assert.equal(calls[0].args[0], expected(reason), JSON.stringify(tail));
      }
    }
  });
});

describe("common: borrowed methods", () => {
  class Source extends ApiObject {
    method() {
      return "source";
    }
    get accessor() {
      return 1;
    }
  }
  Source.prototype.data = 5;

  it("gives the target the very function objects of the source, leaving the list given alone", () => {
    class Target extends ApiObject {}
    const names = ["method"];
    borrowMethods(Target, Source, names);
    assert.equal(Target.prototype.method, Source.prototype.method);
    assert.ok(!Object.isFrozen(names));
  });

  it("refuses a name that is no method of the source: missing, an accessor or data", () => {
    for (const name of ["missing", "accessor", "data"]) {
      class Target extends ApiObject {}
      assert.throws(() => borrowMethods(Target, Source, [name]), (e) => {
        assert.equal(e.message, `borrowMethods: ${name} is no method of the source class`);
        return true;
      });
      assert.ok(!Object.hasOwn(Target.prototype, name));
    }
  });
});

describe("common: session tokens (HS256 JWTs, RFC 7519), against Node's base64url and HMAC", () => {
  const ctx = { hmacSha256 };
  const SECRET = "s3cret";
  const b64u = (text) => Buffer.from(text, "utf8").toString("base64url");
  const HEADER = b64u('{"alg":"HS256","typ":"JWT"}');
  const token = (header, claims) => `${header}.${claims}.${hmacSha256(SECRET, `${header}.${claims}`)}`;
  // Claims of every length modulo 3, with characters whose base64 has "+" and "/", non-ASCII
  // text alone and mixed, and more than 4096 bytes.
  const BODIES = [
    '{"a":1}', '{"ab":1}', '{"abc":1}', '{"s":"???>>>~~~"}', '{"s":"é"}', '{"s":"\u00e9"}',
    JSON.stringify({ s: "é😀 日本" }), JSON.stringify({ s: "x".repeat(5000) + "é".repeat(3000) }),
  ];

  it("signs as Node encodes: unpadded base64url of the UTF-8 header and claims, then the HMAC", () => {
    for (const body of BODIES) {
      assert.equal(signToken(ctx, SECRET, body), token(HEADER, b64u(body)), body.slice(0, 40));
    }
    assert.equal(signToken(ctx, SECRET, "é"), token(HEADER, b64u("é")));
  });

  it("gives back the claims of a token signed with the secret", () => {
    for (const body of BODIES) {
      assert.deepEqual(verifyToken(ctx, SECRET, token(HEADER, b64u(body))), JSON.parse(body));
    }
    assert.deepEqual(verifyToken(ctx, SECRET, token(b64u('{"alg":"HS256","typ":"jwt"}'), b64u("{}"))), {});
    assert.deepEqual(verifyToken(ctx, SECRET, token(b64u('{"alg":"HS256"}'), b64u("{}"))), {});
  });

  it("refuses a token that is no well-formed HS256 JWT, saying why", () => {
    const invalid = (reason) => "The session token is invalid: " + reason;
    const claims = b64u("{}");
    const cases = [
      [5, "The token is not a string."],
      [`${HEADER}.${claims}`, "The token is malformed."],
      [token(HEADER, claims + "="), "The token is malformed."], // padding is not base64url
      [token(HEADER, "e+"), "The token is malformed."], // "+" is base64, not base64url
      [token(HEADER, "éé"), "The token is malformed."],
      [token(HEADER, "e30xx"), "The token is malformed."], // a length of 4n + 1 holds no whole byte
      [token(HEADER, "e31"), "The token is malformed."], // unused bits set: not the canonical form
      [token(HEADER, Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url")), "The token is malformed."], // no UTF-8
      // Characters outside base64url where a valid one stood, a byte too many, and bytes that
      // are no UTF-8 inside a JSON string: each still refused.
      [token(HEADER, "eyJhYmMiOiJ" + "é" + "eCJ9"), "The token is malformed."], // "A" → "é"
      [token(HEADER, "eyJhYmMiOiJ" + "\u0080" + "eCJ9"), "The token is malformed."],
      [token(HEADER, "eyJ" + "+" + "IjowfQ"), "The token is malformed."], // "B" → "+"
      [token(HEADER, "eyJ" + "é" + "IjowfQ"), "The token is malformed."],
      [token(HEADER, b64u('{"abc":1}') + "A"), "The token is malformed."],
      [token(HEADER, Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xff]), Buffer.from('"}')]).toString("base64url")),
        "The token is malformed."],
      [token(b64u("[]"), claims), "The token is malformed."],
      [token(HEADER, b64u("5")), "The token is malformed."],
      [token(HEADER, b64u("{")), "The token is malformed."],
      [token(b64u('{"alg":"none"}'), claims), "Unsupported signing algorithm."],
      [token(b64u('{"alg":"HS256","typ":"JWS"}'), claims), "Unexpected token payload type."],
      [token(b64u('{"alg":"HS256","typ":5}'), claims), "Unexpected token payload type."],
      [`${HEADER}.${claims}.${hmacSha256("other", `${HEADER}.${claims}`)}`, "Failed signature validation."],
    ];
    for (const [t, reason] of cases) {
      assert.throws(() => verifyToken(ctx, SECRET, t), (e) => {
        assert.equal(e.message, invalid(reason), String(t));
        return true;
      });
    }
  });
});

// The triggers whose api `common/trigger_api.js` builds (every one but post-login).
const TRIGGERS_OF_DEFINE_API = [
  "credentials_exchange",
  "custom_email_provider",
  "custom_phone_provider",
  "custom_token_exchange",
  "event_stream",
  "password_reset_post_challenge",
  "post_change_password",
  "post_user_registration",
  "pre_user_registration",
  "send_phone_message",
];

describe("common: the api object of every trigger but post-login", () => {
  for (const trigger of TRIGGERS_OF_DEFINE_API) {
    it(`${trigger}: shows no keys, gives one namespace object per execution, a new one the next`, async () => {
      const { createApi: create } = await import(`../../js_runtime/actions/${trigger}/api.js`);
      const first = setup(create, { event: defaultEvent(trigger) });
      const second = setup(create, { event: defaultEvent(trigger) });
      const { api } = first;
      assert.deepEqual(Reflect.ownKeys(api), []);
      const enumerated = [];
      for (const key in api) enumerated.push(key);
      assert.deepEqual(enumerated, []);
      assert.equal(JSON.stringify(api), "{}");
      const prototype = Object.getPrototypeOf(api);
      const names = Object.getOwnPropertyNames(prototype).filter((name) => name !== "constructor");
      assert.ok(names.length > 0, "the api has namespaces");
      for (const name of names) {
        const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
        assert.equal(typeof descriptor.get, "function", name);
        assert.equal(descriptor.enumerable, false, name);
        assert.equal(descriptor.configurable, false, name);
        const namespace = api[name];
        assert.equal(typeof namespace, "object", name);
        assert.equal(api[name], namespace, `${name}: the same object on every access`);
        assert.notEqual(second.api[name], namespace, `${name}: another execution's own object`);
      }
      assert.ok(Object.isFrozen(prototype) && Object.isFrozen(api));
    });
  }
});
