// trigger_api.js: owns what the api of every trigger but post-login starts from: the
// per-execution state its namespace objects hold (newTriggerState) and, for the triggers whose
// api is api.cache alone (post-user-registration, post-change-password, send-phone-message),
// that whole api (createCacheOnlyApi).

import { isFiniteNumber, seal } from "./base.js";
import { freeze } from "./builtins.js";
import { CacheApi } from "./cache.js";
import { DEFAULT_CACHE_TOTAL_BYTES } from "./limits.js";

/**
 * The state of one execution, shared by its api and namespace objects (as post-login's): the
 * ctx, the event, the cache store and its total budget, plus the trigger's own `extra` slots.
 * Null prototype, so lazily added slots never resolve through Object.prototype. `api` is set by
 * the caller to the object the chaining methods return.
 *
 * ctx: { event, phase, record(name, args), cache (Map-like store), now(): ms,
 *        hmacSha256(secret, data), cacheMaxTotalBytes?: number (default 8192) }
 */
export function newTriggerState(ctx, extra) {
  const s = {
    __proto__: null,
    ctx,
    event: ctx.event,
    store: ctx.cache,
    isContinue: ctx.phase === "continue",
    cacheMaxTotal: isFiniteNumber(ctx.cacheMaxTotalBytes) ? ctx.cacheMaxTotalBytes : DEFAULT_CACHE_TOTAL_BYTES,
    api: null,
  };
  if (extra) for (const k in extra) s[k] = extra[k];
  return s;
}

// The api of a trigger that offers api.cache and nothing else.
class CacheOnlyApi {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
}

seal(CacheOnlyApi);

/** Builds the `api` ({cache}) of one execution of a cache-only trigger. */
export function createCacheOnlyApi(ctx) {
  const s = newTriggerState(ctx, null);
  return (s.api = new CacheOnlyApi(s));
}
