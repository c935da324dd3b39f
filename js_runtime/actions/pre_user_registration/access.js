// access.js: owns the pre-user-registration api.access (deny with a reason for the tenant logs
// and a message for the end user). api.validation is post-login's (../post_login/access.js).

import { ApiObject, emit, got, seal, stateOf, typeError } from "../common/base.js";

export class AccessApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  deny(reason, userMessage) {
    const N = "access.deny";
    const s = stateOf(this, N);
    if (typeof reason !== "string") {
      throw typeError(N, "reason must be a string (got " + got(reason) + ")");
    }
    if (userMessage !== undefined && userMessage !== null && typeof userMessage !== "string") {
      throw typeError(N, "userMessage must be a string (got " + got(userMessage) + ")");
    }
    emit(s, N, [reason, userMessage ?? null]);
    return s.api;
  }
}

seal(AccessApi);
