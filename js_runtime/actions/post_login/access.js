// access.js: owns api.access (deny) and api.validation (error): the two ways an Action ends a
// login with a reason.

import { ApiObject, charLength, emit, error, got, seal, stateOf, typeError } from "../common/base.js";
import { MAX_VALIDATION_TEXT } from "../common/limits.js";

export class AccessApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  deny(reason) {
    const N = "access.deny";
    const s = stateOf(this, N);
    if (typeof reason !== "string") {
      throw typeError(N, "reason must be a string (got " + got(reason) + ")");
    }
    emit(s, N, [reason]);
    return s.api;
  }
}

export class ValidationApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  error(errorCode, errorMessage) {
    const N = "validation.error";
    const s = stateOf(this, N);
    if (typeof errorCode !== "string") {
      throw typeError(N, "errorCode must be a string (got " + got(errorCode) + ")");
    }
    if (typeof errorMessage !== "string") {
      throw typeError(N, "errorMessage must be a string (got " + got(errorMessage) + ")");
    }
    if (charLength(errorCode) > MAX_VALIDATION_TEXT) {
      throw error(N, "errorCode must be at most " + MAX_VALIDATION_TEXT + " characters (got " +
        charLength(errorCode) + ")");
    }
    if (charLength(errorMessage) > MAX_VALIDATION_TEXT) {
      throw error(N, "errorMessage must be at most " + MAX_VALIDATION_TEXT + " characters (got " +
        charLength(errorMessage) + ")");
    }
    emit(s, N, [errorCode, errorMessage]);
    return s.api;
  }
}

seal(AccessApi, ValidationApi);
