// Tests for js_runtime/actions/event_stream/ (run with `node --test tests/js/`): the api against
// Auth0's @auth0/actions event-stream v1 types (the cache only), the default event (a CloudEvents
// message) and the example Action.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRIGGER, createApi } from "../../js_runtime/actions/event_stream/api.js";
import { NOW, assertShape, defaultEvent, fetchStub, loadExample, setup } from "./trigger_harness.mjs";

const ID = "event_stream";
const run = (overrides = {}) => setup(createApi, { event: defaultEvent(ID), ...overrides });

describe("event-stream: trigger", () => {
  it("is Auth0's trigger id with its handler", () => {
    assert.equal(TRIGGER.id, "event-stream");
    assert.deepEqual(TRIGGER.handlers, { execute: "onExecuteEventStream" });
    assert.equal(TRIGGER.createApi, createApi);
  });

  it("has exactly the cache, as Auth0's EventStreamAPI", () => {
    assertShape(run().api, { cache: ["get", "set", "delete"] });
  });

  it("cache.set and cache.delete record; cache.get does not", () => {
    const { api, calls } = run();
    api.cache.set("k", "v");
    assert.equal(api.cache.get("k").value, "v");
    api.cache.delete("k");
    assert.deepEqual(calls, [
      { api: "cache.set", args: ["k", "v", { expires_at: NOW + 15 * 60 * 1000 }] },
      { api: "cache.delete", args: ["k"] },
    ]);
  });
});

describe("event-stream: the example Action", () => {
  it("on the default event: upserts the CRM contact and remembers the event id", async () => {
    const stub = fetchStub(200);
    const { api, calls, event } = run();
    await loadExample(ID, { fetch: stub.fetch }).onExecuteEventStream(event, api);
    assert.deepEqual(stub.requests.map((r) => [r.method, r.url]), [
      ["PUT", "https://crm.example.com/api/contacts/auth0%7C65a5027f9b3c4d1e2f3a4b5c"],
    ]);
    assert.deepEqual(JSON.parse(stub.requests[0].body), {
      email: "jane.doe@example.com", name: "Jane Doe", source: "urn:auth0:example.auth0.com",
    });
    assert.deepEqual(calls, [
      { api: "cache.set", args: ["seen:evt_4Hn8Qw2Zr6Tk9Lm3Vb7Xc1", "2024-01-15T10:00:00.000Z", { expires_at: NOW + 86400000 }] },
    ]);
  });

  it("handles an event once", async () => {
    const cache = new Map();
    const mod = loadExample(ID, { fetch: fetchStub(200).fetch });
    const first = run({ cache });
    await mod.onExecuteEventStream(first.event, first.api);
    const stub = fetchStub(200);
    const again = run({ cache });
    await loadExample(ID, { fetch: stub.fetch }).onExecuteEventStream(again.event, again.api);
    assert.equal(stub.requests.length, 0);
    assert.deepEqual(again.calls, []);
  });

  it("on user.deleted: removes the contact and forgets its cached id", async () => {
    const cache = new Map([["contact:auth0|65a5027f9b3c4d1e2f3a4b5c", { value: "ct_1", expires_at: NOW + 60000 }]]);
    const stub = fetchStub(404);
    const r = run({ cache });
    r.event.message.type = "user.deleted";
    await loadExample(ID, { fetch: stub.fetch }).onExecuteEventStream(r.event, r.api);
    assert.deepEqual(stub.requests.map((q) => q.method), ["DELETE"]);
    assert.deepEqual(r.calls.map((c) => c.api), ["cache.delete", "cache.set"]);
    assert.deepEqual(r.calls[0].args, ["contact:auth0|65a5027f9b3c4d1e2f3a4b5c"]);
  });

  it("fails the execution when the CRM fails, so the event is delivered again", async () => {
    const { api, calls, event } = run();
    await assert.rejects(loadExample(ID, { fetch: fetchStub(503).fetch }).onExecuteEventStream(event, api),
      { message: "CRM answered HTTP 503" });
    assert.deepEqual(calls, []);
  });
});

describe("event-stream: the default event", () => {
  it("is a CloudEvents 1.0 message with the fields Auth0's event type requires", () => {
    const e = defaultEvent(ID);
    assert.deepEqual([e.configuration, e.secrets], [{}, {}]);
    const m = e.message;
    for (const k of ["id", "type", "source", "specversion"]) assert.equal(typeof m[k], "string", k);
    assert.equal(m.specversion, "1.0");
    assert.match(m.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, "RFC 3339");
    assert.equal(m.data.object.user_id, "auth0|65a5027f9b3c4d1e2f3a4b5c");
    assert.equal(m.data.object.created_at, m.time, "user.created happens when the user is created");
    assert.deepEqual(m.data.context.client, { id: "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs", name: "Example Application", metadata: {} });
    assert.equal(m.data.context.request.ip, "203.0.113.42");
    assert.equal(m.data.context.tenant.id, "example");
    assert.equal(m.a0tenant, "example");
  });
});
