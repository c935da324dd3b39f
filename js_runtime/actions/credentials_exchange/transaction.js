// transaction.js: owns the credentials-exchange api.transaction ([Early Access] target scopes):
// the live set of scopes the access token is to carry, which Auth0 intersects with the client
// grant after the last Action. Each successful change is recorded and mirrored into
// event.transaction.target_scopes at once, as later code of the same Action reads it there.

import { ApiObject, emit, error, got, seal, stateOf, typeError } from "../common/base.js";
import { isArray } from "../common/builtins.js";
import { MAX_ADDED_SCOPES, MAX_SCOPE_LENGTH } from "../common/limits.js";

// The initial set: the event's target_scopes, else the scopes the token would get.
function targetScopes(s) {
  if (s.targetScopes === null) {
    const event = s.event;
    const tx = event.transaction;
    const from = tx && isArray(tx.target_scopes)
      ? tx.target_scopes
      : event.accessToken && isArray(event.accessToken.scope) ? event.accessToken.scope : [];
    s.targetScopes = new Set(from.filter((v) => typeof v === "string"));
  }
  return s.targetScopes;
}

function sync(s) {
  const event = s.event;
  if (event.transaction === null || typeof event.transaction !== "object") event.transaction = {};
  event.transaction.target_scopes = [...s.targetScopes];
}

// Auth0's checks (assertValidScope): trimmed, not empty, at most 280 UTF-16 units, no whitespace.
function checkScope(name, what, value) {
  if (typeof value !== "string") {
    throw typeError(name, what + " must be a string (got " + got(value) + ")");
  }
  const v = value.trim();
  if (v === "") throw error(name, what + " must not be empty");
  if (v.length > MAX_SCOPE_LENGTH) {
    throw error(name, what + " must be at most " + MAX_SCOPE_LENGTH + " characters (got " + v.length + ")");
  }
  if (/\s/.test(v)) throw error(name, what + " must not contain whitespace (got " + got(value) + ")");
  return v;
}

function tooMany(name) {
  return error(name, "the number of target scopes exceeds the maximum of " + MAX_ADDED_SCOPES);
}

export class TransactionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  addTargetScope(scope) {
    const N = "transaction.addTargetScope";
    const s = stateOf(this, N);
    const v = checkScope(N, "scope", scope);
    const set = targetScopes(s);
    if (!set.has(v) && set.size >= MAX_ADDED_SCOPES) throw tooMany(N);
    emit(s, N, [v]);
    set.add(v);
    sync(s);
  }
  removeTargetScope(scope) {
    const N = "transaction.removeTargetScope";
    const s = stateOf(this, N);
    const v = checkScope(N, "scope", scope);
    emit(s, N, [v]);
    targetScopes(s).delete(v);
    sync(s);
  }
  setTargetScopes(scopes) {
    const N = "transaction.setTargetScopes";
    const s = stateOf(this, N);
    if (!isArray(scopes)) {
      throw typeError(N, "scopes must be an array of strings (got " + got(scopes) + ")");
    }
    // An empty array clears the set, recorded as the clear it is (as Auth0 does).
    if (scopes.length === 0) return clear(s, "transaction.clearTargetScopes");
    const unique = [];
    const seen = new Set();
    for (let i = 0; i < scopes.length; i++) {
      const v = checkScope(N, "scopes[" + i + "]", scopes[i]);
      if (!seen.has(v)) {
        seen.add(v);
        unique.push(v);
      }
    }
    if (unique.length > MAX_ADDED_SCOPES) throw tooMany(N);
    emit(s, N, [unique]);
    s.targetScopes = seen;
    sync(s);
  }
  clearTargetScopes() {
    const N = "transaction.clearTargetScopes";
    clear(stateOf(this, N), N);
  }
}

function clear(s, name) {
  emit(s, name, []);
  s.targetScopes = new Set();
  sync(s);
}

seal(TransactionApi);
