// Runs one legacy Rule: `function (user, context, callback)` with Auth0's globals. The execution
// ends when `callback` is called; one more turn of the event loop is allowed so that a second call made
// right after the first (the classic double-callback bug) is caught and reported.

import * as execution from "ext:actionhost_runtime/execution.js";
import { createAuth0, UnauthorizedError } from "./rule_globals.js";
import { describeError } from "ext:actionhost_runtime/json.js";

/**
 * The next Rule's input in a chain (one job for a login's Rules): the job's common input (the
 * Rules' input without `user` and `context`) with the `user` and `context` this Rule passed
 * to `callback(null, …)`; null when the Rule did not complete that way (denied, failed, or
 * passed something that is not an object), which ends the login's Rules or leaves them to
 * the host.
 */
export function nextRuleInput(input, result, filename) {
  const callback = result.ok === true ? result.callback : undefined;
  if (callback === undefined || callback.error !== null) return null;
  const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(callback.user) || !isObject(callback.context)) return null;
  return { ...input, user: callback.user, context: callback.context, filename };
}

export async function runRule(wrapper, input, container, host) {
  const rec = execution.current();
  try {
    const global = container !== undefined ? (container.global ??= Object.create(globalThis)) : Object.create(globalThis);
    const module = { exports: {} };
    const rule = wrapper(
      input.configuration ?? {},
      createAuth0(input.auth0),
      UnauthorizedError,
      global,
      host.createRequire(container, input.filename),
      module,
      module.exports,
    );
    if (typeof rule !== "function") {
      throw new TypeError(`${input.filename} must contain one function: function (user, context, callback) { … }`);
    }
    const user = input.user;
    const context = input.context;
    let calls = 0;
    const called = new Promise((resolve) => {
      rule(user, context, function callback(error, newUser, newContext) {
        calls += 1;
        // Only the first call is answered; later ones are counted, and schedule nothing (a
        // rule calling callback in a loop must not queue one engine operation per call).
        if (calls === 1) {
          host.nextTurn(() => resolve({ error, user: newUser ?? user, context: newContext ?? context }));
        }
      });
    });
    const result = await Promise.race([called, rec.failure]);
    if (calls > 1) {
      return { ok: false, error: { name: "CallbackError", message: `callback was called ${calls} times; a rule must call it exactly once` } };
    }
    // Auth0's rule runtime tests the first argument for truthiness: callback(false) continues.
    if (result.error) {
      // A denial is an answer, not a failure: its stack is not worth its cost.
      const denied = result.error instanceof UnauthorizedError || result.error.name === "UnauthorizedError";
      const error = describeError(result.error, "passed to callback", !denied);
      return { ok: true, callback: { error, denied, user: result.user, context: result.context } };
    }
    return { ok: true, callback: { error: null, denied: false, user: result.user, context: result.context } };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
