// Tests for js_runtime/actions/post_user_registration/ (run with `node --test tests/js/`),
// against Auth0's post-user-registration v2 type definitions (@auth0/actions
// src/post-user-registration/v2): an api of api.cache alone, and the event's required fields.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER } from "../../js_runtime/actions/post_user_registration/api.js";
import { defaultEvent, describeCacheOnlyTrigger, runExample } from "./trigger_support.mjs";

const NAME = "post_user_registration";

await describeCacheOnlyTrigger({
  name: NAME,
  trigger: TRIGGER,
  id: "post-user-registration",
  handler: "onExecutePostUserRegistration",
  paths: [
    "connection.id", "connection.name", "connection.strategy", "user.app_metadata", "user.created_at",
    "user.email_verified", "user.updated_at", "user.user_id", "user.user_metadata",
    // optional in the types, present for a sign-up through Universal Login:
    "request.ip", "request.method", "request.geoip", "user.email", "transaction.locale",
  ],
});

describe("post-user-registration default event", () => {
  it("describes the user just created: no password reset yet", () => {
    const event = defaultEvent(NAME);
    assert.equal(event.user.user_id, "auth0|65a5027f9b3c4d1e2f3a4b5c");
    assert.equal(event.user.last_password_reset, undefined);
    assert.equal(event.client, undefined, "the trigger's event has no client");
  });
});

describe("post-user-registration example Action", () => {
  it("counts the sign-up of its connection on the default event", async () => {
    const { calls, logs } = await runExample(NAME, TRIGGER, defaultEvent(NAME));
    assert.deepEqual(calls, [
      { api: "cache.set", args: ["signups:Username-Password-Authentication", "1", { expires_at: 1_700_003_600_000 }] },
    ]);
    assert.deepEqual(logs, ["registered auth0|65a5027f9b3c4d1e2f3a4b5c (jane.doe@example.com)"]);
  });

  it("drops the count at the tenth sign-up", async () => {
    const cache = new Map([["signups:Username-Password-Authentication", { value: "9", expires_at: 1_700_000_100_000 }]]);
    const { calls } = await runExample(NAME, TRIGGER, defaultEvent(NAME), { cache });
    assert.deepEqual(calls, [{ api: "cache.delete", args: ["signups:Username-Password-Authentication"] }]);
    assert.equal(cache.size, 0);
  });
});
