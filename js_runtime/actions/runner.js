// Runs one Action execution of any trigger: evaluates the script as a CommonJS module (once per
// execution, or once per shared container), checks the trigger's handler is an async function as
// Auth0 does, and calls it with the event and the trigger's recording `api`.

import * as execution from "ext:actionhost_runtime/execution.js";
import { describeError, toJsonSafe } from "ext:actionhost_runtime/json.js";

// In a shared container each script keeps its own module instance (keyed by its compiled
// wrapper, one per distinct source), as each Auth0 Action is its own module.
function loadModule(wrapper, input, container, createRequire) {
  const modules = container === undefined ? undefined : (container.modules ??= new Map());
  const kept = modules?.get(wrapper);
  if (kept !== undefined) {
    if (kept.error !== undefined) throw kept.error;
    return kept.module;
  }
  const module = { exports: {} };
  try {
    wrapper.call(module.exports, module.exports, createRequire(container, input.filename), module, input.filename, input.dirname);
  } catch (error) {
    // Auth0 throws a failed module initialisation again on every later execution.
    modules?.set(wrapper, { module, error });
    throw error;
  }
  modules?.set(wrapper, { module, error: undefined });
  return module;
}

/** The runner of `trigger` (`{id, handlers: {execute, continue?}, createApi}`, see `triggers.js`). */
export function actionRunner(trigger) {
  return (wrapper, input, container, host) => runAction(trigger, wrapper, input, container, host);
}

async function runAction(trigger, wrapper, input, container, host) {
  const rec = execution.current();
  try {
    const module = loadModule(wrapper, input, container, host.createRequire);
    const name = trigger.handlers[input.phase] ?? trigger.handlers.execute;
    const exports = module.exports;
    if (exports === null || typeof exports !== "object" && typeof exports !== "function") {
      throw new TypeError(`module.exports of ${input.filename} must be an object`);
    }
    const handler = exports[name];
    if (typeof handler !== "function" || handler.constructor?.name !== "AsyncFunction") {
      throw new Error(
        `Invalid function signature for the "${name}" handler. Use "exports.${name} = async function(event, api) { }" as the signature.`,
      );
    }
    const event = input.event;
    const api = trigger.createApi({
      event,
      phase: input.phase ?? "execute",
      record: (apiName, args) => execution.record(apiName, toJsonSafe(args)),
      cache: container !== undefined ? (container.cache ??= new Map()) : new Map(),
      rulesExecuted: input.rules_executed ?? [],
      now: () => Date.now(),
      hmacSha256: host.hmacSha256,
    });
    const returned = await Promise.race([handler(event, api), rec.failure]);
    return { ok: true, returned: returned ?? null };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
