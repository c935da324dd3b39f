// user.js: owns api.user (app_metadata and user_metadata writes).

import { ApiObject, emit, error, got, isObject, seal, stateOf, typeError } from "../common/base.js";

/** Records a metadata write `name(key, value)` (`undefined` is `null`: deleted), once the key is checked. */
export function recordMetadata(s, name, key, value) {
  if (typeof key !== "string") {
    throw typeError(name, "key must be a string (got " + got(key) + ")");
  }
  if (key === "") throw error(name, "key must be a non-empty string");
  emit(s, name, [key, value]); // recorded as JSON: undefined is null
  return s.api;
}

function setUserMetadata(s, name, field, key, value) {
  const event = s.event;
  const current = event.user ? event.user[field] : undefined;
  if (!isObject(current)) {
    throw new Error("Unexpected " + field + " format: expected an object");
  }
  return recordMetadata(s, name, key, value);
}

export class UserApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setAppMetadata(key, value) {
    const N = "user.setAppMetadata";
    return setUserMetadata(stateOf(this, N), N, "app_metadata", key, value);
  }
  setUserMetadata(key, value) {
    const N = "user.setUserMetadata";
    return setUserMetadata(stateOf(this, N), N, "user_metadata", key, value);
  }
}

seal(UserApi);
