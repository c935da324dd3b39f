// refresh_token.js: owns api.refreshToken: revoke (refresh-token exchanges only), expiry times
// and metadata (never on an online refresh token), kept in a working copy published to
// event.refresh_token.metadata.

import { ApiObject, emit, error, got, seal, stateOf, typeError } from "../common/base.js";
import { hasOwn, objectKeys } from "../common/builtins.js";
import { MAX_REVOKE_REASON } from "../common/limits.js";
import {
  checkExpiry, checkOptionalReason, copyStringMap, writeMetadata,
} from "./session_common.js";

function refreshTokenOnlineGuard(s, name) {
  const rt = s.event.refresh_token;
  if (rt && rt.access === "online") {
    throw error(name, "cannot be called on an online refresh token");
  }
}

function rtMetadata(s) {
  if (s.rtMeta === null) {
    const event = s.event;
    s.rtMeta = copyStringMap(event.refresh_token && event.refresh_token.metadata);
  }
  return s.rtMeta;
}

function publishRtMetadata(s) {
  const event = s.event;
  if (event.refresh_token) event.refresh_token.metadata = copyStringMap(s.rtMeta);
}

export class RefreshTokenApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  revoke(reason) {
    const N = "refreshToken.revoke";
    const s = stateOf(this, N);
    const event = s.event;
    const protocol = event.transaction && event.transaction.protocol;
    if (protocol !== "oauth2-refresh-token") {
      throw error(N, 'can only be called when event.transaction.protocol is "oauth2-refresh-token" (got ' +
        got(protocol) + ")");
    }
    checkOptionalReason(N, reason, MAX_REVOKE_REASON);
    emit(s, N, [reason]); // recorded as JSON: no reason is null
    return s.api;
  }
  setExpiresAt(ms) {
    const N = "refreshToken.setExpiresAt";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setIdleExpiresAt(ms) {
    const N = "refreshToken.setIdleExpiresAt";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setMetadata(key, value) {
    const N = "refreshToken.setMetadata";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    const meta = rtMetadata(s);
    if (!writeMetadata(s, N, meta, key, value)) return s.api;
    publishRtMetadata(s);
    return s.api;
  }
  deleteMetadata(key) {
    const N = "refreshToken.deleteMetadata";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    if (typeof key !== "string") {
      throw typeError(N, "key must be a string (got " + got(key) + ")");
    }
    const meta = rtMetadata(s);
    if (!hasOwn(meta, key)) return s.api;
    emit(s, N, [key]);
    delete meta[key];
    publishRtMetadata(s);
    return s.api;
  }
  evictMetadata() {
    const N = "refreshToken.evictMetadata";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    const meta = rtMetadata(s);
    if (objectKeys(meta).length === 0) return s.api;
    emit(s, N, []);
    s.rtMeta = {};
    publishRtMetadata(s);
    return s.api;
  }
}

seal(RefreshTokenApi);
