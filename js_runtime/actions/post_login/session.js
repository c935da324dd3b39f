// session.js: owns api.session: revoke, expiry times, cookie mode and metadata, kept in a
// working copy published to event.session.metadata.

import { ApiObject, emit, error, got, isObject, seal, stateOf, typeError } from "../common/base.js";
import { hasOwn, objectKeys } from "../common/builtins.js";
import { COOKIE_MODES } from "../common/limits.js";
import {
  checkExpiry, checkOptionalReason, copyStringMap, writeMetadata,
} from "./session_common.js";

function sessionMetadata(s) {
  const event = s.event;
  if (!event.session) return null;
  if (s.sessMeta === null) s.sessMeta = copyStringMap(event.session.metadata);
  return s.sessMeta;
}

export class SessionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  revoke(reason, options) {
    const N = "session.revoke";
    const s = stateOf(this, N);
    checkOptionalReason(N, reason);
    if (options !== undefined && options !== null) {
      if (!isObject(options)) {
        throw typeError(N, "options must be an object like {preserveRefreshTokens} (got " + got(options) + ")");
      }
      const keys = objectKeys(options);
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] !== "preserveRefreshTokens") {
          throw error(N, "options may only contain preserveRefreshTokens (got " + got(keys[i]) + ")");
        }
      }
      if (options.preserveRefreshTokens !== undefined && typeof options.preserveRefreshTokens !== "boolean") {
        throw typeError(N, "options.preserveRefreshTokens must be a boolean (got " +
          got(options.preserveRefreshTokens) + ")");
      }
    }
    emit(s, N, [reason, options == null ? {} : options]); // recorded as JSON: no reason is null
    return s.api;
  }
  setExpiresAt(ms) {
    const N = "session.setExpiresAt";
    const s = stateOf(this, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setIdleExpiresAt(ms) {
    const N = "session.setIdleExpiresAt";
    const s = stateOf(this, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setCookieMode(mode) {
    const N = "session.setCookieMode";
    const s = stateOf(this, N);
    if (mode === undefined || mode === null || mode === "") throw error(N, "mode must be provided");
    if (typeof mode !== "string") {
      throw typeError(N, "mode must be a string (got " + got(mode) + ")");
    }
    if (!COOKIE_MODES.includes(mode)) {
      throw error(N, 'mode must be "persistent" or "non-persistent" (got ' + got(mode) + ")");
    }
    emit(s, N, [mode]);
    const session = s.event.session;
    if (isObject(session) && objectKeys(session).length > 0) {
      if (isObject(session.cookie)) session.cookie.mode = mode;
      else session.cookie = { mode };
    }
    return s.api;
  }
  setMetadata(key, value) {
    const N = "session.setMetadata";
    const s = stateOf(this, N);
    const meta = sessionMetadata(s);
    if (meta === null) {
      throw error(N, "cannot set metadata on a session that does not exist (event.session is absent)");
    }
    if (!writeMetadata(s, N, meta, key, value)) return s.api;
    s.event.session.metadata = copyStringMap(meta);
    return s.api;
  }
  deleteMetadata(key) {
    const N = "session.deleteMetadata";
    const s = stateOf(this, N);
    if (typeof key !== "string") {
      throw typeError(N, "key must be a string (got " + got(key) + ")");
    }
    const meta = sessionMetadata(s);
    if (meta === null || !hasOwn(meta, key)) return s.api;
    emit(s, N, [key]);
    delete meta[key];
    s.event.session.metadata = copyStringMap(meta);
    return s.api;
  }
  evictMetadata() {
    const N = "session.evictMetadata";
    const s = stateOf(this, N);
    const meta = sessionMetadata(s);
    if (meta === null || objectKeys(meta).length === 0) return s.api;
    emit(s, N, []);
    s.sessMeta = {};
    s.event.session.metadata = {};
    return s.api;
  }
}

seal(SessionApi);
