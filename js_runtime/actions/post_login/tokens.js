// tokens.js: owns api.accessToken (custom claims, added and removed scopes with their count)
// and api.idToken (custom claims).

import { ApiObject, charLength, emit, error, got, seal, stateOf, typeError } from "../common/base.js";
import { MAX_ADDED_SCOPES, MAX_SCOPE_LENGTH } from "../common/limits.js";

function hasWhitespace(s) {
  return /\s/.test(s);
}

function checkClaimKey(name, key) {
  if (typeof key !== "string") {
    throw typeError(name, "key must be a string (got " + got(key) + ")");
  }
  if (key === "scope") {
    throw error(name, 'the "scope" claim cannot be set; use api.accessToken.addScope/removeScope');
  }
}

function checkScope(name, scope) {
  if (typeof scope !== "string") {
    throw typeError(name, "scope must be a string (got " + got(scope) + ")");
  }
  const s = scope.trim();
  if (s === "" || hasWhitespace(s)) {
    throw error(name, "scope must be a non-empty string without whitespace (got " + got(scope) + ")");
  }
  const len = charLength(s);
  if (len > MAX_SCOPE_LENGTH) {
    throw error(name, "scope must be at most " + MAX_SCOPE_LENGTH + " characters (got " + len + ")");
  }
  return s;
}

function scope(s, name, op, value) {
  const v = checkScope(name, value);
  if (s.scopeOps === null) s.scopeOps = Object.create(null);
  const prev = s.scopeOps[v];
  if (op === "add" && prev !== "add" && s.addedScopes >= MAX_ADDED_SCOPES) {
    throw error(name, "the number of added scopes exceeds the maximum of " + MAX_ADDED_SCOPES);
  }
  emit(s, name, [v]);
  if (op === "add" && prev !== "add") s.addedScopes++;
  if (op === "remove" && prev === "add") s.addedScopes--;
  s.scopeOps[v] = op;
}

export class AccessTokenApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setCustomClaim(key, value) {
    const N = "accessToken.setCustomClaim";
    const s = stateOf(this, N);
    checkClaimKey(N, key);
    emit(s, N, [key, value]);
    return s.api;
  }
  addScope(value) {
    const N = "accessToken.addScope";
    scope(stateOf(this, N), N, "add", value);
  }
  removeScope(value) {
    const N = "accessToken.removeScope";
    scope(stateOf(this, N), N, "remove", value);
  }
}

export class IdTokenApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setCustomClaim(key, value) {
    const N = "idToken.setCustomClaim";
    const s = stateOf(this, N);
    checkClaimKey(N, key);
    emit(s, N, [key, value]);
    return s.api;
  }
}

seal(AccessTokenApi, IdTokenApi);
