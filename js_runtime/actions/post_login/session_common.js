// session_common.js: owns what api.session and api.refreshToken share: the checks of expiry
// times and revoke reasons, and metadata: checking and recording one write to a working copy,
// and copying a metadata map.

import { charLength, emit, error, got, isFiniteNumber, isObject, typeError } from "../common/base.js";
import { hasOwn, objectKeys } from "../common/builtins.js";
import { MAX_META_KEY_LENGTH, MAX_META_KEYS, MAX_META_VALUE_LENGTH, META_KEY } from "../common/limits.js";

export function checkExpiry(name, ms) {
  if (ms === undefined || ms === null || ms === 0) {
    throw error(name, "an expiration time (milliseconds since the epoch) must be provided");
  }
  if (!isFiniteNumber(ms)) {
    throw typeError(name, "expiration must be a finite number of milliseconds since the epoch (got " +
      got(ms) + ")");
  }
}

export function checkOptionalReason(name, reason, max) {
  if (reason === undefined) return;
  if (typeof reason !== "string") {
    throw typeError(name, "reason must be a string (got " + got(reason) + ")");
  }
  if (max !== undefined && charLength(reason) > max) {
    throw error(name, "reason must be at most " + max + " characters (got " + charLength(reason) + ")");
  }
}

// Validates one session / refresh-token metadata write against `meta` (the current copy).
function checkEntityMetadata(name, meta, key, value) {
  if (typeof key !== "string") {
    throw typeError(name, "key must be a string (got " + got(key) + ")");
  }
  if (value !== null && typeof value !== "string") {
    throw typeError(name, "value must be a string or null (got " + got(value) + ")");
  }
  if (value === null) return;
  if (!META_KEY.test(key)) { // letters, digits, "_" and "-" only: no null byte either
    throw error(name, "key must be 1-" + MAX_META_KEY_LENGTH +
      " letters, digits, underscores or hyphens (got " + got(key) + ")");
  }
  if (value.indexOf("\u0000") >= 0) {
    throw error(name, "value must not contain null bytes");
  }
  const len = charLength(value);
  if (len > MAX_META_VALUE_LENGTH) {
    throw error(name, "value must be at most " + MAX_META_VALUE_LENGTH + " characters (got " + len + ")");
  }
  if (!hasOwn(meta, key) && objectKeys(meta).length >= MAX_META_KEYS) {
    throw error(name, "metadata must not contain more than " + MAX_META_KEYS + " entries");
  }
}

// Validates one metadata write (value null: delete), records it and applies it to `meta` (the
// working copy). Returns false, recording nothing, when there is nothing to delete.
export function writeMetadata(s, name, meta, key, value) {
  checkEntityMetadata(name, meta, key, value);
  if (value === null) {
    if (!hasOwn(meta, key)) return false;
    emit(s, name, [key, null]);
    delete meta[key];
  } else {
    emit(s, name, [key, value]);
    meta[key] = value;
  }
  return true;
}

export function copyStringMap(src) {
  const out = {};
  if (isObject(src)) {
    const keys = objectKeys(src);
    for (let i = 0; i < keys.length; i++) out[keys[i]] = src[keys[i]];
  }
  return out;
}
