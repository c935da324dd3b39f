// Tests for js_runtime/actions/custom_phone_provider/ (run with `node --test tests/js/`): the api
// against Auth0's @auth0/actions custom-phone-provider v1 types (notification.drop / retry, reasons
// truncated at 1024 characters), the default event and the example Action.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER, createApi } from "../../js_runtime/actions/custom_phone_provider/api.js";
import { NOW, assertShape, defaultEvent, fetchStub, loadExample, setup, throwsExact } from "./trigger_harness.mjs";

const ID = "custom_phone_provider";
const run = (overrides = {}) => setup(createApi, { event: defaultEvent(ID), ...overrides });

describe("custom-phone-provider: trigger", () => {
  it("is Auth0's trigger id with its handler", () => {
    assert.equal(TRIGGER.id, "custom-phone-provider");
    assert.deepEqual(TRIGGER.handlers, { execute: "onExecuteCustomPhoneProvider" });
    assert.equal(TRIGGER.createApi, createApi);
  });

  it("has exactly the namespaces and methods of Auth0's CustomPhoneProviderAPI", () => {
    assertShape(run().api, { cache: ["get", "set", "delete"], notification: ["drop", "retry"] });
  });
});

describe("custom-phone-provider: notification", () => {
  it("drop and retry record their reason, every call kept in order (Auth0 heeds the last)", () => {
    const { api, calls } = run();
    api.notification.retry("provider timeout");
    api.notification.drop("recipient unknown");
    assert.deepEqual(calls, [
      { api: "notification.retry", args: ["provider timeout"] },
      { api: "notification.drop", args: ["recipient unknown"] },
    ]);
  });

  it("truncates a reason to 1024 characters, never splitting a character", () => {
    const { api, calls } = run();
    api.notification.drop("x".repeat(1023) + "😀😀");
    api.notification.retry("r".repeat(1024));
    assert.equal(calls[0].args[0], "x".repeat(1023) + "😀");
    assert.equal([...calls[0].args[0]].length, 1024);
    assert.equal(calls[1].args[0], "r".repeat(1024));
  });

  it("wants a string reason", () => {
    const { api, calls } = run();
    throwsExact(() => api.notification.drop(), TypeError, "api.notification.drop: reason must be a string (got undefined)");
    throwsExact(() => api.notification.retry({ code: 1 }), TypeError,
      "api.notification.retry: reason must be a string (got an object)");
    assert.deepEqual(calls, []);
  });
});

describe("custom-phone-provider: the example Action", () => {
  it("on the default event: sends the message and records nothing", async () => {
    const stub = fetchStub(202, { id: "msg_1" });
    const { api, calls, event } = run();
    await loadExample(ID, { fetch: stub.fetch }).onExecuteCustomPhoneProvider(event, api);
    assert.deepEqual(stub.requests.map((r) => [r.method, r.url]), [["POST", "https://api.tel.example.net/v2/messages"]]);
    assert.deepEqual(calls, []);
  });

  it("asks for a retry when the provider is throttling", async () => {
    const { api, calls, event } = run();
    await loadExample(ID, { fetch: fetchStub(429).fetch }).onExecuteCustomPhoneProvider(event, api);
    assert.deepEqual(calls, [{ api: "notification.retry", args: ["telephony service answered HTTP 429"] }]);
  });

  it("drops on a permanent failure, remembers it, and drops the next message without sending", async () => {
    const cache = new Map();
    const first = run({ cache });
    await loadExample(ID, { fetch: fetchStub(404).fetch }).onExecuteCustomPhoneProvider(first.event, first.api);
    assert.deepEqual(first.calls.map((c) => c.api), ["cache.set", "notification.drop"]);
    assert.equal(first.calls[0].args[0], "unreachable:" + "+64211234567");
    assert.deepEqual(first.calls[0].args[2], { expires_at: NOW + 3600000 });
    assert.deepEqual(first.calls[1].args, [`+64211234567 is unreachable`]);

    const stub = fetchStub(202);
    const second = run({ cache });
    await loadExample(ID, { fetch: stub.fetch }).onExecuteCustomPhoneProvider(second.event, second.api);
    assert.equal(stub.requests.length, 0);
    assert.deepEqual(second.calls, [{ api: "notification.drop", args: ["+64211234567 was unreachable within the last hour"] }]);
  });

  it("clears a failure counter after a successful send", async () => {
    const cache = new Map([["send-failures:+64211234567", { value: "2", expires_at: NOW + 60000 }]]);
    const { api, calls, event } = run({ cache });
    await loadExample(ID, { fetch: fetchStub(202).fetch }).onExecuteCustomPhoneProvider(event, api);
    assert.deepEqual(calls, [{ api: "cache.delete", args: ["send-failures:+64211234567"] }]);
  });
});

describe("custom-phone-provider: the default event", () => {
  it("has every field Auth0's event type requires, with the tenant's shared values", () => {
    const e = defaultEvent(ID);
    assert.deepEqual(e.client, { client_id: "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs", name: "Example Application", metadata: {} });
    assert.deepEqual([e.configuration, e.secrets], [{}, {}]);
    const n = e.notification;
    for (const k of ["as_text", "as_voice", "recipient"]) assert.equal(typeof n[k], "string", k);
    assert.ok(["text", "voice"].includes(n.delivery_method));
    assert.ok(["otp_verify", "otp_enroll", "blocked_account", "change_password", "password_breach"].includes(n.message_type));
    assert.ok(n.as_text.includes(n.code), "the one-time code is in the text");
    assert.equal(n.recipient, e.user.phone_number);
    assert.equal(typeof e.request.geoip, "object");
    assert.equal(e.request.ip, "203.0.113.42");
    assert.equal(typeof e.request.method, "string");
    assert.equal(e.tenant.id, "example");
    assert.equal(e.user.user_id, "auth0|65a5027f9b3c4d1e2f3a4b5c");
    for (const k of ["created_at", "updated_at"]) assert.ok(!Number.isNaN(Date.parse(e.user[k])));
    assert.equal(typeof e.user.email_verified, "boolean");
    for (const k of ["app_metadata", "user_metadata"]) assert.equal(typeof e.user[k], "object");
  });
});
