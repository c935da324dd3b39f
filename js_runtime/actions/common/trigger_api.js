// trigger_api.js: owns what the api of every trigger but post-login is built from: the
// per-execution state its namespace objects hold (baseState) and defineApi, which makes a
// trigger's api class from its namespaces (one getter each, creating the namespace object on
// first access), sealed like post-login's.

import { isFiniteNumber, seal } from "./base.js";
import { freeze } from "./builtins.js";
import { DEFAULT_CACHE_TOTAL_BYTES } from "./limits.js";

/**
 * The state of one execution, shared by its api and namespace objects (as post-login's): the
 * ctx, the event, the cache store and its total budget, the namespace objects made so far. Null
 * prototype, so slots a trigger adds never resolve through Object.prototype. `api` is the object
 * the chaining methods return. (No trigger built here has a continue phase: post-login, the one
 * that has, builds its own state.)
 *
 * ctx: { event, phase: "execute"|"continue", record(name, args), cache (Map-like store),
 *        now(): ms, hmacSha256(secret, data): base64url string, cacheMaxTotalBytes?: number }
 */
export function baseState(ctx) {
  return {
    __proto__: null,
    ctx,
    event: ctx.event,
    store: ctx.cache,
    cacheMaxTotal: isFiniteNumber(ctx.cacheMaxTotalBytes) ? ctx.cacheMaxTotalBytes : DEFAULT_CACHE_TOTAL_BYTES,
    api: null,
    namespaces: new Map(),
  };
}

/**
 * Makes a trigger's `createApi(ctx)` from its namespaces (`{access: AccessApi, cache: CacheApi}`):
 * the api object has one getter per namespace on a sealed prototype, and holds the state in a
 * private field scripts cannot reach. `init(s)` adds the trigger's own state slots.
 */
export function defineApi(namespaces, init = undefined) {
  let stateOfApi;
  class TriggerApi {
    #s;
    constructor(s) {
      this.#s = s;
      freeze(this);
    }
    static {
      stateOfApi = (api) => api.#s;
    }
  }
  // Accessors neither enumerable nor configurable (defineProperty's defaults), as post-login's:
  // `for…in` over `api` lists nothing, and the prototype is sealed right after.
  for (const name of Object.keys(namespaces)) {
    const Namespace = namespaces[name];
    Object.defineProperty(TriggerApi.prototype, name, {
      get() {
        const s = stateOfApi(this);
        let namespace = s.namespaces.get(name);
        if (namespace === undefined) s.namespaces.set(name, (namespace = new Namespace(s)));
        return namespace;
      },
    });
  }
  seal(TriggerApi);
  return function createApi(ctx) {
    const s = baseState(ctx);
    if (init !== undefined) init(s);
    return (s.api = new TriggerApi(s));
  };
}
