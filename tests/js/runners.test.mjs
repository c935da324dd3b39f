// The host's runners under Node: the legacy Rule runner and its globals (js_runtime/rules/) and
// the Actions runner (js_runtime/actions/runner.js), loaded through the `ext:` hooks the engine's
// specifiers resolve with. Each test runs a script as the engine would (a compiled wrapper, the
// input the host sends, the host hooks) and checks the result the host reads against what Auth0's
// documentation of Rules and Actions promises.
import assert from "node:assert/strict";
import { register } from "node:module";
import { describe, it } from "node:test";

register("./ext_hooks.mjs", import.meta.url);
const execution = await import("ext:actionhost_runtime/execution.js");
const { nextRuleInput, runRule } = await import("ext:actionhost_rules/rule_runner.js");
const { UnauthorizedError, createAuth0 } = await import("ext:actionhost_rules/rule_globals.js");
const { actionRunner } = await import("ext:actionhost_actions/runner.js");

/** The engine's host hooks, as Node provides them: the next turn of the event loop, no require. */
const host = {
  nextTurn: (fn) => setImmediate(fn),
  createRequire: (container, filename) => (name) => {
    throw new Error(`require(${JSON.stringify(name)}) from ${filename}${container ? " in a container" : ""}`);
  },
  hmacSha256: () => "",
};

// What the engine's timers do with a callback that throws, or a rejection nobody handles
// (execution.fail), offered to the scripts below as `fail(error)`.
globalThis.fail = (error) => execution.fail(error);

/** What the recorded commands of the execution in progress are, as the host reads them. */
function recorded() {
  return JSON.parse(execution.snapshotText()).commands;
}

// ---------------------------------------------------------------------------------------------
// Rules: `function (user, context, callback)`, with configuration, auth0, UnauthorizedError and
// global in scope (Auth0: "Rules environment").

/** The wrapper the engine compiles around a Rule's source. */
function ruleWrapper(source) {
  return new Function(
    "configuration",
    "auth0",
    "UnauthorizedError",
    "global",
    "require",
    "module",
    "exports",
    `return (${source});`,
  );
}

const AUTH0 = { domain: "example.auth0.com", access_token: "mgmt-token" };

async function rule(source, { user = { user_id: "auth0|1" }, context = { clientID: "c1" }, container, configuration } = {}) {
  execution.begin();
  const input = { filename: "rule.js", user, context, auth0: AUTH0, configuration };
  const result = await runRule(ruleWrapper(source), input, container, host);
  return { result, commands: recorded() };
}

describe("Rule runner", () => {
  // Auth0: each Rule's callback(null, user, context) hands both objects to the next Rule; a
  // login's Rules run as one job, the engine making each input with `nextRuleInput`.
  it("makes the next Rule's input from the one before's callback, and ends the chain at anything else", async () => {
    const common = { auth0: AUTH0, configuration: { KEY: "v" } };
    const first = await rule(`function (user, context, callback) {
      user.roles = ["admin"];
      context.idToken = { "https://example.com/a": 1 };
      callback(null, user, context);
    }`);
    const next = nextRuleInput(common, JSON.parse(JSON.stringify(first.result)), "second.js");
    assert.deepEqual(next, {
      auth0: AUTH0,
      configuration: { KEY: "v" },
      user: { user_id: "auth0|1", roles: ["admin"] },
      context: { clientID: "c1", idToken: { "https://example.com/a": 1 } },
      filename: "second.js",
    });
    execution.begin();
    const second = await runRule(
      ruleWrapper("function (user, context, callback) { context.seen = user.roles[0] + configuration.KEY; callback(null, user, context); }"),
      next,
      undefined,
      host,
    );
    assert.equal(second.callback.context.seen, "adminv");
    for (const source of [
      "function (user, context, callback) { callback(new UnauthorizedError('no')); }",
      "function (user, context, callback) { callback(new Error('broken')); }",
      "function (user, context, callback) { callback(null, 'jane', context); }",
      "function (user, context, callback) { callback(null, user, [context]); }",
      "function (user, context, callback) { throw new Error('thrown'); }",
    ]) {
      const { result } = await rule(source);
      assert.equal(nextRuleInput(common, JSON.parse(JSON.stringify(result)), "second.js"), null, source);
    }
  });

  it("hands the user and context a rule passes to callback to the host", async () => {
    const { result } = await rule(`function (user, context, callback) {
      user.roles = ["admin"];
      callback(null, user, { ...context, idToken: { "https://example.com/a": 1 } });
    }`);
    assert.deepEqual(result, {
      ok: true,
      callback: {
        error: null,
        denied: false,
        user: { user_id: "auth0|1", roles: ["admin"] },
        context: { clientID: "c1", idToken: { "https://example.com/a": 1 } },
      },
    });
  });

  it("keeps the rule's input user and context when callback is given none (callback(null))", async () => {
    const { result } = await rule("function (user, context, callback) { user.seen = true; callback(null); }");
    assert.deepEqual(result.callback.user, { user_id: "auth0|1", seen: true });
    assert.deepEqual(result.callback.context, { clientID: "c1" });
    const other = await rule("function (user, context, callback) { callback(null, undefined, null); }");
    assert.deepEqual([other.result.callback.user, other.result.callback.context], [{ user_id: "auth0|1" }, { clientID: "c1" }]);
  });

  it("takes only a truthy first argument for an error: callback(false) continues", async () => {
    for (const first of [false, 0, "", null, undefined]) {
      const { result } = await rule(`function (user, context, callback) { callback(${JSON.stringify(first) ?? "undefined"}, user, context); }`);
      assert.equal(result.callback.error, null, String(first));
      assert.equal(result.callback.denied, false);
    }
  });

  it("reports callback(new UnauthorizedError(...)) as a denial, without a stack", async () => {
    const { result } = await rule("function (user, context, callback) { callback(new UnauthorizedError('Access denied.')); }");
    assert.equal(result.ok, true);
    assert.equal(result.callback.denied, true);
    assert.deepEqual(result.callback.error, {
      name: "UnauthorizedError",
      message: "Access denied.",
      stack: undefined,
      code: "unauthorized",
      statusCode: 401,
      description: "Access denied.",
    });
  });

  it("takes an error merely named UnauthorizedError for a denial as well", async () => {
    const { result } = await rule(`function (user, context, callback) {
      const e = new Error('no'); e.name = 'UnauthorizedError'; callback(e);
    }`);
    assert.equal(result.callback.denied, true);
    assert.equal(result.callback.error.stack, undefined);
  });

  it("reports any other error passed to callback as a failure, with its stack and how it came", async () => {
    const { result } = await rule("function (user, context, callback) { callback(new TypeError('broken')); }");
    assert.equal(result.ok, true);
    assert.equal(result.callback.denied, false);
    assert.equal(result.callback.error.name, "TypeError");
    assert.equal(result.callback.error.message, "broken");
    assert.match(result.callback.error.stack, /TypeError: broken/);
    const { result: text } = await rule("function (user, context, callback) { callback('plain words'); }");
    assert.deepEqual(text.callback.error, { name: "Error", message: "non-error value passed to callback: plain words" });
  });

  it("refuses a callback called twice in the same turn (the double-callback bug)", async () => {
    const { result } = await rule("function (user, context, callback) { callback(null, user, context); callback(null, user, context); }");
    assert.deepEqual(result, {
      ok: false,
      error: { name: "CallbackError", message: "callback was called 2 times; a rule must call it exactly once" },
    });
  });

  it("schedules one answer however many times callback is called", async () => {
    let turns = 0;
    const counting = { ...host, nextTurn: (fn) => (turns++, setImmediate(fn)) };
    execution.begin();
    const wrapper = ruleWrapper("function (user, context, callback) { for (let i = 0; i < 1000; i++) callback(null, user, context); }");
    const result = await runRule(wrapper, { filename: "rule.js", user: {}, context: {}, auth0: AUTH0 }, undefined, counting);
    assert.equal(result.error.message, "callback was called 1000 times; a rule must call it exactly once");
    assert.equal(turns, 1);
  });

  it("waits for a callback called later, from a promise or a timer", async () => {
    const { result } = await rule(`function (user, context, callback) {
      setTimeout(() => callback(null, { ...user, late: true }, context), 5);
    }`);
    assert.equal(result.callback.user.late, true);
  });

  it("fails a script that is not one function, naming its file", async () => {
    const { result } = await rule("42");
    assert.deepEqual(result.ok, false);
    assert.equal(result.error.name, "TypeError");
    assert.equal(result.error.message, "rule.js must contain one function: function (user, context, callback) { … }");
  });

  it("fails with what the rule throws", async () => {
    const { result } = await rule("function (user, context, callback) { throw new RangeError('thrown here'); }");
    assert.equal(result.ok, false);
    assert.equal(result.error.name, "RangeError");
    assert.equal(result.error.message, "thrown here");
  });

  it("ends with a failure raised outside the rule (a throwing timer) when callback never comes", async () => {
    execution.begin();
    const wrapper = ruleWrapper("function (user, context, callback) { setTimeout(() => fail(new Error('from a timer')), 1); }");
    const input = { filename: "rule.js", user: {}, context: {}, auth0: AUTH0 };
    const result = await runRule(wrapper, input, undefined, host);
    assert.equal(result.ok, false);
    assert.equal(result.error.message, "from a timer");
  });

  it("evaluates the rule's file with module and exports, as a CommonJS module", async () => {
    const { result } = await rule(`function (user, context, callback) {
      callback(null, user, { ...context, exports: typeof exports, same: exports === module.exports });
    }`);
    assert.deepEqual([result.callback.context.exports, result.callback.context.same], ["object", true]);
  });

  it("gives the rule its configuration, {} when there is none", async () => {
    const source = "function (user, context, callback) { callback(null, user, { ...context, seen: configuration }); }";
    const given = await rule(source, { configuration: { API_KEY: "k" } });
    assert.deepEqual(given.result.callback.context.seen, { API_KEY: "k" });
    const none = await rule(source);
    assert.deepEqual(none.result.callback.context.seen, {});
  });

  it("keeps `global` for the rules of one container only", async () => {
    const plant = "function (user, context, callback) { global.count = (global.count || 0) + 1; callback(null, user, { ...context, count: global.count }); }";
    const container = {};
    assert.equal((await rule(plant, { container })).result.callback.context.count, 1);
    assert.equal((await rule(plant, { container })).result.callback.context.count, 2, "the same container's global");
    assert.equal((await rule(plant, { container: {} })).result.callback.context.count, 1, "another container's");
    assert.equal((await rule(plant)).result.callback.context.count, 1);
    assert.equal((await rule(plant)).result.callback.context.count, 1, "no container: a fresh global each time");
    assert.equal(globalThis.count, undefined, "the real global object is untouched");
    assert.equal(Object.getPrototypeOf(container.global), globalThis, "global inherits the engine's globals");
  });

  it("gives the rule a require of its own file and container", async () => {
    const container = {};
    const { result } = await rule("function (user, context, callback) { require('ms'); }", { container });
    assert.equal(result.error.message, 'require("ms") from rule.js in a container');
  });
});

describe("Rule globals", () => {
  it("UnauthorizedError is an Error named UnauthorizedError, code unauthorized, status 401", () => {
    const error = new UnauthorizedError("Access denied.");
    assert.ok(error instanceof Error);
    assert.equal(error.name, "UnauthorizedError");
    assert.equal(error.message, "Access denied.");
    assert.equal(error.description, "Access denied.");
    assert.equal(error.code, "unauthorized");
    assert.equal(error.statusCode, 401);
    assert.match(String(error.stack), /^UnauthorizedError: Access denied\./);
    assert.deepEqual(Object.keys(error), ["description"], "name, code and statusCode live on the prototype");
    // Set on the prototype with the attributes of Error.prototype.name: writable, configurable,
    // not enumerable.
    const { value: _, ...attributes } = Object.getOwnPropertyDescriptor(Error.prototype, "name");
    for (const [key, value] of [["name", "UnauthorizedError"], ["code", "unauthorized"], ["statusCode", 401]]) {
      assert.deepEqual(Object.getOwnPropertyDescriptor(UnauthorizedError.prototype, key), { value, ...attributes }, key);
    }
    error.code = "custom";
    error.statusCode = 403;
    error.name = "Renamed";
    assert.deepEqual([error.code, error.statusCode, error.name], ["custom", 403, "Renamed"]);
  });

  it("auth0 holds the tenant's domain, its base URL and the management token", () => {
    const auth0 = createAuth0(AUTH0);
    assert.equal(auth0.domain, "example.auth0.com");
    assert.equal(auth0.baseUrl, "https://example.auth0.com");
    assert.equal(auth0.accessToken, "mgmt-token");
    assert.ok(Object.isFrozen(auth0) && Object.isFrozen(auth0.users));
  });

  it("auth0.users.updateAppMetadata / updateUserMetadata record the call and resolve to the updated user", async () => {
    execution.begin();
    const auth0 = createAuth0(AUTH0);
    const app = await auth0.users.updateAppMetadata("auth0|1", { plan: "gold", when: new Date(0) });
    assert.deepEqual(app, { user_id: "auth0|1", app_metadata: { plan: "gold", when: "1970-01-01T00:00:00.000Z" } });
    const seen = [];
    const returned = auth0.users.updateUserMetadata("auth0|1", { lang: "fr" }, (error, user) => seen.push([error, user]));
    assert.ok(returned instanceof Promise);
    assert.deepEqual(await returned, { user_id: "auth0|1", user_metadata: { lang: "fr" } });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [[null, { user_id: "auth0|1", user_metadata: { lang: "fr" } }]], "the callback form");
    auth0.users.updateUserMetadata("auth0|2", { n: 1 }, "not a function");
    assert.deepEqual(recorded(), [
      { api: "auth0.users.updateAppMetadata", args: ["auth0|1", { plan: "gold", when: "1970-01-01T00:00:00.000Z" }] },
      { api: "auth0.users.updateUserMetadata", args: ["auth0|1", { lang: "fr" }] },
      { api: "auth0.users.updateUserMetadata", args: ["auth0|2", { n: 1 }] },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Actions: `exports.onExecute<Trigger> = async (event, api) => {…}` (Auth0: "Actions triggers").

/** A trigger as triggers.js describes one, with an api that records what the runner gave it. */
function trigger(seen) {
  return {
    id: "post-login",
    handlers: { execute: "onExecutePostLogin", continue: "onContinuePostLogin" },
    createApi(ctx) {
      seen.push(ctx);
      return { record: (...args) => ctx.record("test.record", args) };
    },
  };
}

function actionWrapper(source) {
  return new Function("exports", "require", "module", "__filename", "__dirname", source);
}

async function action(source, { phase, container, event = { user: { user_id: "u" } }, rulesExecuted, wrapper } = {}) {
  const seen = [];
  execution.begin();
  const input = { event, phase, filename: "/tenant/actions/a/code.js", dirname: "/tenant/actions/a", rules_executed: rulesExecuted };
  const result = await actionRunner(trigger(seen))(wrapper ?? actionWrapper(source), input, container, host);
  return { result, ctx: seen[0], commands: recorded() };
}

describe("Actions runner", () => {
  it("calls the trigger's handler with the event and the api, and reports what it returns", async () => {
    const { result, ctx, commands } = await action(`exports.onExecutePostLogin = async (event, api) => {
      api.record(event.user.user_id, { n: 1 });
      return "done";
    };`);
    assert.deepEqual(result, { ok: true, returned: "done" });
    assert.deepEqual(commands, [{ api: "test.record", args: ["u", { n: 1 }] }]);
    assert.equal(ctx.phase, "execute");
    assert.deepEqual(ctx.rulesExecuted, []);
    assert.deepEqual(ctx.event, { user: { user_id: "u" } });
  });

  it("reports a handler that returns nothing as returned null", async () => {
    const { result } = await action("exports.onExecutePostLogin = async () => {};");
    assert.deepEqual(result, { ok: true, returned: null });
  });

  it("calls onContinuePostLogin in the continue phase, with the phase and rules executed given to the api", async () => {
    const source = `exports.onExecutePostLogin = async () => "execute";
      exports.onContinuePostLogin = async () => "continue";`;
    const { result, ctx } = await action(source, { phase: "continue", rulesExecuted: ["r1"] });
    assert.deepEqual(result, { ok: true, returned: "continue" });
    assert.equal(ctx.phase, "continue");
    assert.deepEqual(ctx.rulesExecuted, ["r1"]);
    assert.deepEqual((await action(source, { phase: "execute" })).result.returned, "execute");
  });

  it("calls the execute handler for a phase the trigger has no handler for", async () => {
    const { result, ctx } = await action('exports.onExecutePostLogin = async () => "execute";', { phase: "other" });
    assert.deepEqual(result, { ok: true, returned: "execute" });
    assert.equal(ctx.phase, "other");
  });

  it("refuses a handler that is missing or not async, with Auth0's message", async () => {
    const message =
      'Invalid function signature for the "onExecutePostLogin" handler. Use "exports.onExecutePostLogin = async function(event, api) { }" as the signature.';
    for (const source of [
      "exports.onExecutePostLogin = function (event, api) {};",
      "exports.onExecutePostLogin = (event, api) => Promise.resolve();",
      "exports.onExecutePostLogin = 'async';",
      "exports.somethingElse = async () => {};",
      "exports.onExecutePostLogin = async function* () {};",
      // An async function whose prototype chain was cut has no constructor to ask.
      "exports.onExecutePostLogin = Object.setPrototypeOf(async () => {}, null);",
    ]) {
      const { result } = await action(source);
      assert.deepEqual(result, { ok: false, error: { name: "Error", message, stack: result.error?.stack } }, source);
    }
  });

  it("accepts handlers on module.exports and on a function exported as the module", async () => {
    assert.deepEqual((await action("module.exports = { onExecutePostLogin: async () => 1 };")).result, { ok: true, returned: 1 });
    const fn = "const f = function () {}; f.onExecutePostLogin = async () => 2; module.exports = f;";
    assert.deepEqual((await action(fn)).result, { ok: true, returned: 2 });
  });

  it("refuses a module.exports that is neither an object nor a function", async () => {
    for (const value of ["null", "42", "'text'"]) {
      const { result } = await action(`module.exports = ${value};`);
      assert.equal(result.ok, false);
      assert.equal(result.error.name, "TypeError", value);
      assert.equal(result.error.message, "module.exports of /tenant/actions/a/code.js must be an object", value);
    }
  });

  it("evaluates the module with exports as `this`, its require, and the file's name and folder", async () => {
    const { result } = await action(`const self = this;
      exports.onExecutePostLogin = async () => [self === exports, __filename, __dirname, typeof require];`);
    assert.deepEqual(result.returned, [true, "/tenant/actions/a/code.js", "/tenant/actions/a", "function"]);
  });

  it("fails with what the handler throws or rejects with", async () => {
    const { result } = await action("exports.onExecutePostLogin = async () => { throw new SyntaxError('bad'); };");
    assert.equal(result.ok, false);
    assert.deepEqual([result.error.name, result.error.message], ["SyntaxError", "bad"]);
  });

  it("evaluates the module once per execution, or once per shared container", async () => {
    const wrapper = actionWrapper("let n = 0; exports.onExecutePostLogin = async () => ++n;");
    assert.equal((await action(null, { wrapper })).result.returned, 1);
    assert.equal((await action(null, { wrapper })).result.returned, 1, "no container: a fresh module");
    const container = {};
    assert.equal((await action(null, { wrapper, container })).result.returned, 1);
    assert.equal((await action(null, { wrapper, container })).result.returned, 2, "the container keeps the module");
    const other = actionWrapper("let n = 10; exports.onExecutePostLogin = async () => ++n;");
    assert.equal((await action(null, { wrapper: other, container })).result.returned, 11, "each script its own module");
    assert.equal((await action(null, { wrapper, container: {} })).result.returned, 1, "another container");
  });

  it("throws a failed module initialisation again on every later execution in the container (as Auth0 does)", async () => {
    let evaluated = 0;
    const wrapper = function () {
      evaluated += 1;
      throw new Error(`init failed ${evaluated}`);
    };
    const container = {};
    const first = await action(null, { wrapper, container });
    const second = await action(null, { wrapper, container });
    assert.equal(first.result.error.message, "init failed 1");
    assert.equal(second.result.error.message, "init failed 1", "the same error, not a second evaluation");
    assert.equal(evaluated, 1);
    const alone = await action(null, { wrapper });
    assert.equal(evaluated, 2, "without a container the module is evaluated again");
    assert.equal(alone.result.error.message, "init failed 2");
  });

  it("gives the api the container's cache store, a fresh one without a container", async () => {
    const source = "exports.onExecutePostLogin = async () => {};";
    const container = {};
    const a = (await action(source, { container })).ctx.cache;
    const b = (await action(source, { container })).ctx.cache;
    assert.ok(a instanceof Map);
    assert.equal(a, b);
    assert.equal(container.cache, a);
    const c = (await action(source)).ctx.cache;
    const d = (await action(source)).ctx.cache;
    assert.notEqual(c, d);
    assert.notEqual(c, a);
  });

  it("gives the api the engine's clock and HMAC", async () => {
    const { ctx } = await action("exports.onExecutePostLogin = async () => {};");
    const before = Date.now();
    const now = ctx.now();
    assert.ok(now >= before && now <= Date.now());
    assert.equal(ctx.hmacSha256, host.hmacSha256);
  });

  it("ends with a failure raised outside the handler while the handler's promise is pending", async () => {
    const pending = await action(
      "exports.onExecutePostLogin = async () => { await new Promise(() => setTimeout(() => fail(new Error('lost rejection')), 1)); };",
    );
    assert.equal(pending.result.ok, false);
    assert.equal(pending.result.error.message, "lost rejection");
  });
});
