// Tests for js_runtime/actions/post_change_password/ (run with `node --test tests/js/`), against
// Auth0's post-change-password v2 type definitions (@auth0/actions src/post-change-password/v2):
// an api of api.cache alone, and the event's required fields.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER } from "../../js_runtime/actions/post_change_password/api.js";
import { defaultEvent, describeCacheOnlyTrigger, runExample } from "./trigger_support.mjs";

const NAME = "post_change_password";

await describeCacheOnlyTrigger({
  name: NAME,
  trigger: TRIGGER,
  id: "post-change-password",
  handler: "onExecutePostChangePassword",
  paths: [
    "connection.id", "connection.name", "connection.strategy", "request.geoip", "request.ip", "request.method", "user",
    // optional in the types, present for a database user:
    "user.user_id", "user.email", "user.last_password_reset",
  ],
});

describe("post-change-password default event", () => {
  it("carries only the user fields the trigger has", () => {
    const { user } = defaultEvent(NAME);
    const allowed = ["email", "email_verified", "last_password_reset", "phone_number", "phone_verified", "user_id",
      "username"];
    for (const key of Object.keys(user)) assert.ok(allowed.includes(key), `user.${key} is a post-change-password field`);
    assert.equal(user.user_id, "auth0|65a5027f9b3c4d1e2f3a4b5c");
  });
});

describe("post-change-password example Action", () => {
  it("notes the change on the default event, and logs a repeated one", async () => {
    const cache = new Map();
    const first = await runExample(NAME, TRIGGER, defaultEvent(NAME), { cache });
    assert.deepEqual(first.calls, [
      { api: "cache.set", args: ["pwchange:auth0|65a5027f9b3c4d1e2f3a4b5c", "2024-06-01T09:30:00.000Z", { expires_at: 1_700_000_600_000 }] },
    ]);
    const second = await runExample(NAME, TRIGGER, defaultEvent(NAME), { cache });
    assert.equal(second.calls.length, 1);
    assert.deepEqual(second.logs, ["jane.doe@example.com changed their password again (previously 2024-06-01T09:30:00.000Z)"]);
  });

  it("drops the note of a user without an email", async () => {
    const event = defaultEvent(NAME);
    delete event.user.email;
    const cache = new Map([["pwchange:auth0|65a5027f9b3c4d1e2f3a4b5c", { value: "x", expires_at: 1_700_000_100_000 }]]);
    const { calls } = await runExample(NAME, TRIGGER, event, { cache });
    assert.deepEqual(calls, [{ api: "cache.delete", args: ["pwchange:auth0|65a5027f9b3c4d1e2f3a4b5c"] }]);
  });
});
