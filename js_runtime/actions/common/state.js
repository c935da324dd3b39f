// state.js: owns baseState, the per-execution state every trigger's api starts from (the
// fields the shared namespace classes read: ctx, event, the cache store and budget, the phase),
// to which a trigger adds its own slots.

import { isFiniteNumber } from "./base.js";
import { DEFAULT_CACHE_TOTAL_BYTES } from "./limits.js";

/**
 * ctx: { event, phase: "execute"|"continue", record(name, args), cache (Map-like store),
 *        now(): ms, hmacSha256(secret, data): base64url string, cacheMaxTotalBytes?: number }
 * Null prototype: lazily added slots never resolve through Object.prototype.
 */
export function baseState(ctx) {
  return {
    __proto__: null,
    ctx,
    event: ctx.event,
    store: ctx.cache,
    isContinue: ctx.phase === "continue",
    cacheMaxTotal: isFiniteNumber(ctx.cacheMaxTotalBytes) ? ctx.cacheMaxTotalBytes : DEFAULT_CACHE_TOTAL_BYTES,
    api: null, // returned by the chaining methods
  };
}
