// access.js: owns the credentials-exchange api.access (deny with an OAuth error code) and
// api.accessToken (custom claims on the token being issued).

import { ApiObject, emit, error, got, seal, stateOf, typeError } from "../common/base.js";
import { JSONStringify } from "../common/builtins.js";

// The OAuth error codes api.access.deny accepts (Auth0's AccessDeniedErrorCode).
export const DENY_CODES = ["invalid_scope", "invalid_request", "server_error"];
const DENY_CODES_TEXT = DENY_CODES.map((c) => JSONStringify(c)).join(", ");

export class AccessApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  deny(code, reason) {
    const N = "access.deny";
    const s = stateOf(this, N);
    if (typeof code !== "string") {
      throw typeError(N, "code must be a string (got " + got(code) + ")");
    }
    if (!DENY_CODES.includes(code)) {
      throw error(N, "code must be one of " + DENY_CODES_TEXT + " (got " + got(code) + ")");
    }
    if (reason !== undefined && reason !== null && typeof reason !== "string") {
      throw typeError(N, "reason must be a string when given (got " + got(reason) + ")");
    }
    emit(s, N, [code, reason ?? null]);
    return s.api;
  }
}

export class AccessTokenApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setCustomClaim(key, value) {
    const N = "accessToken.setCustomClaim";
    const s = stateOf(this, N);
    if (typeof key !== "string") {
      throw typeError(N, "key must be a string (got " + got(key) + ")");
    }
    if (key === "scope") {
      throw error(N, 'the "scope" claim cannot be set; use api.transaction.addTargetScope/removeTargetScope');
    }
    emit(s, N, [key, value]); // recorded as JSON: undefined is null
    return s.api;
  }
}

seal(AccessApi, AccessTokenApi);
