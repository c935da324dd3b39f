// Tests for js_runtime/actions/send_phone_message/ (run with `node --test tests/js/`), against
// Auth0's send-phone-message v2 type definitions (@auth0/actions src/send-phone-message/v2): an
// api of api.cache alone, and the event's required fields.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER } from "../../js_runtime/actions/send_phone_message/api.js";
import { defaultEvent, describeCacheOnlyTrigger, runExample } from "./trigger_support.mjs";

const NAME = "send_phone_message";

await describeCacheOnlyTrigger({
  name: NAME,
  trigger: TRIGGER,
  id: "send-phone-message",
  handler: "onExecuteSendPhoneMessage",
  paths: [
    "message_options.action", "message_options.code", "message_options.message_type", "message_options.recipient",
    "message_options.text", "request.geoip", "request.ip", "request.method", "user.app_metadata", "user.created_at",
    "user.email_verified", "user.updated_at", "user.user_id", "user.user_metadata",
    // optional in the types, present for a user with an SMS factor:
    "client.client_id", "user.phone_number",
  ],
});

describe("send-phone-message default event", () => {
  it("sends the code of the message to the user's phone, in one of Auth0's actions and types", () => {
    const { message_options: m, user } = defaultEvent(NAME);
    assert.ok(["enrollment", "second-factor-authentication"].includes(m.action));
    assert.ok(["sms", "voice"].includes(m.message_type));
    assert.equal(m.recipient, user.phone_number);
    assert.ok(m.text.includes(m.code));
    assert.equal(user.user_id, "auth0|65a5027f9b3c4d1e2f3a4b5c");
  });
});

describe("send-phone-message example Action", () => {
  it("caches the provider token and the code sent on the default event", async () => {
    const cache = new Map();
    const { calls, logs } = await runExample(NAME, TRIGGER, defaultEvent(NAME), { cache });
    assert.deepEqual(calls, [
      { api: "cache.set", args: ["provider-token", "tok-example", { expires_at: 1_700_003_000_000 }] },
      { api: "cache.set", args: ["sent:+64211234567", "482913", { expires_at: 1_700_000_300_000 }] },
    ]);
    assert.deepEqual(logs, [
      "sms to +64211234567 via provider (tok-example): Your Example Application verification code is: 482913",
    ]);
    const again = await runExample(NAME, TRIGGER, defaultEvent(NAME), { cache });
    assert.deepEqual(again.calls, [], "the same code is not sent twice");
  });

  it("forgets the last code sent when the message is an enrollment", async () => {
    const event = defaultEvent(NAME);
    event.message_options.action = "enrollment";
    const cache = new Map([
      ["sent:+64211234567", { value: "111111", expires_at: 1_700_000_100_000 }],
      ["provider-token", { value: "tok", expires_at: 1_700_000_100_000 }],
    ]);
    const { calls } = await runExample(NAME, TRIGGER, event, { cache });
    assert.deepEqual(calls, [{ api: "cache.delete", args: ["sent:+64211234567"] }]);
  });
});
