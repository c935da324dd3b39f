// cache.js: owns api.cache on the host store ctx.cache (a Map-like store of
// {value, expires_at} records shared by the executions of a container): expiry, size budgets
// and the result objects of get, set and delete.

import {
  ApiObject, emit, got, isFiniteNumber, isObject, seal, stateOf, typeError, utf8Length,
} from "./base.js";
import { StringCtor, floor, isSafeInteger, min } from "./builtins.js";
import {
  DEFAULT_CACHE_TTL_MS, MAX_CACHE_ENTRIES, MAX_CACHE_KEY_BYTES, MAX_CACHE_TTL_MS,
  MAX_CACHE_VALUE_BYTES,
} from "./limits.js";

function cacheError(code) {
  return { type: "error", code };
}

function isExpired(rec, now) {
  return !rec || !(rec.expires_at > now);
}

// Removes expired records; returns [liveCount, liveBytes] excluding `skipKey`.
function purgeAndMeasure(store, now, skipKey) {
  const expired = [];
  let count = 0;
  let bytes = 0;
  for (const entry of store.entries()) {
    const k = entry[0];
    const rec = entry[1];
    if (isExpired(rec, now)) {
      expired.push(k);
      continue;
    }
    if (k === skipKey) continue;
    count++;
    bytes += utf8Length(StringCtor(k)) + utf8Length(StringCtor(rec.value));
  }
  for (let i = 0; i < expired.length; i++) store.delete(expired[i]);
  return [count, bytes];
}

export class CacheApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  get(key) {
    const s = stateOf(this, "cache.get");
    if (typeof key !== "string") return undefined;
    const store = s.store;
    const rec = store.get(key);
    if (isExpired(rec, s.ctx.now())) { // a missing record is expired too
      store.delete(key);
      return undefined;
    }
    return { value: rec.value, expires_at: rec.expires_at };
  }
  set(key, value, options) {
    const N = "cache.set";
    const s = stateOf(this, N);
    if (typeof key !== "string") {
      throw typeError(N, "key must be a string (got " + got(key) + ")");
    }
    if (typeof value !== "string") {
      throw typeError(N, "value must be a string (got " + got(value) + ")");
    }
    if (options !== undefined && options !== null && !isObject(options)) {
      throw typeError(N, "options must be an object like {ttl, expires_at} (got " + got(options) + ")");
    }
    const keyBytes = utf8Length(key);
    if (keyBytes > MAX_CACHE_KEY_BYTES) return cacheError("CacheKeySizeExceeded");
    const valueBytes = utf8Length(value);
    if (valueBytes > MAX_CACHE_VALUE_BYTES) return cacheError("CacheValueSizeExceeded");

    const store = s.store;
    const now = s.ctx.now();
    let expiresAt;
    const ttl = options ? options.ttl : undefined;
    if (ttl !== undefined) {
      if (!isFiniteNumber(ttl)) return cacheError("InvalidExpiry");
      expiresAt = now + floor(ttl);
    }
    const at = options ? options.expires_at : undefined;
    if (at !== undefined) {
      if (!isFiniteNumber(at)) return cacheError("InvalidExpiry");
      const atFloor = floor(at);
      expiresAt = expiresAt === undefined ? atFloor : min(atFloor, expiresAt);
    }
    if (expiresAt === undefined) expiresAt = now + DEFAULT_CACHE_TTL_MS;
    if (!isSafeInteger(expiresAt)) return cacheError("InvalidExpiry");
    if (expiresAt <= now) return cacheError("ItemAlreadyExpired");
    expiresAt = min(expiresAt, now + MAX_CACHE_TTL_MS);

    const measured = purgeAndMeasure(store, now, key);
    if (measured[0] >= MAX_CACHE_ENTRIES) return cacheError("CacheSizeExceeded");
    if (measured[1] + keyBytes + valueBytes > s.cacheMaxTotal) return cacheError("CacheSizeExceeded");

    store.set(key, { value, expires_at: expiresAt });
    const stored = store.get(key);
    if (!stored || stored.value !== value) return cacheError("FailedToSetCacheRecord");
    emit(s, N, [key, value, { expires_at: expiresAt }]);
    return { type: "success", record: { value, expires_at: expiresAt } };
  }
  delete(key) {
    const N = "cache.delete";
    const s = stateOf(this, N);
    if (typeof key !== "string") return cacheError("CacheKeyDoesNotExist");
    const store = s.store;
    const rec = store.get(key);
    if (isExpired(rec, s.ctx.now())) {
      store.delete(key);
      return cacheError("CacheKeyDoesNotExist");
    }
    if (!store.delete(key)) return cacheError("FailedToDeleteCacheRecord");
    emit(s, N, [key]);
    return { type: "success" };
  }
}

seal(CacheApi);
