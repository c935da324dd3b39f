// authentication.js: owns api.authentication of the custom-token-exchange trigger: the user the
// tokens are issued for (exactly one of setUserById and setUserByConnection per execution, as
// Auth0 documents), the organization, and the actor of a delegation (at most once, nested at most
// 5 levels deep, with Auth0's checks and messages).

import { ApiObject, emit, error, isObject, seal, stateOf } from "../common/base.js";
import { objectKeys } from "../common/builtins.js";
import { check } from "./checks.js";

const ACTOR_MAX_NESTING_DEPTH = 5;
const ACTOR_MAX_CUSTOM_PROPERTIES = 5;
const ACTOR_MAX_SUB_LENGTH = 512;
const ACTOR_MAX_KEY_LENGTH = 64;
const ACTOR_MAX_STRING_VALUE_LENGTH = 64;
const ACTOR_VALUE_TYPES = ["string", "number", "boolean"];

// One level of an actor object (lengths in UTF-16 units, as Auth0 measures them here).
function checkActorLevel(a) {
  if (typeof a.sub !== "string" || a.sub.length === 0) {
    throw new Error("The actor object must contain a sub claim.");
  }
  if (a.sub.length > ACTOR_MAX_SUB_LENGTH) {
    throw new Error("Invalid setActor arguments: sub must NOT have more than " + ACTOR_MAX_SUB_LENGTH +
      " characters");
  }
  const custom = objectKeys(a).filter((k) => k !== "sub" && k !== "act" && k !== "type");
  if (custom.length > ACTOR_MAX_CUSTOM_PROPERTIES) {
    throw new Error("No more than " + ACTOR_MAX_CUSTOM_PROPERTIES +
      " custom properties are allowed in the actor object.");
  }
  for (const key of custom) {
    const v = a[key];
    if (!ACTOR_VALUE_TYPES.includes(typeof v)) {
      throw new Error("Custom property in an actor object must be a string, number, or boolean.");
    }
    if (key.length > ACTOR_MAX_KEY_LENGTH) {
      throw new Error("Custom property key in an actor object must NOT have more than " +
        ACTOR_MAX_KEY_LENGTH + " characters.");
    }
    if (typeof v === "string" && v.length > ACTOR_MAX_STRING_VALUE_LENGTH) {
      throw new Error("Custom string property value in an actor object must NOT have more than " +
        ACTOR_MAX_STRING_VALUE_LENGTH + " characters.");
    }
  }
}

function checkActor(actor) {
  if (!isObject(actor)) throw new Error("The actor must be a plain object.");
  checkActorLevel(actor);
  let level = actor;
  for (let depth = 2; depth <= ACTOR_MAX_NESTING_DEPTH; depth++) {
    if (level.act === undefined) return;
    if (!isObject(level.act)) throw new Error("The act claim must be a plain object.");
    checkActorLevel(level.act);
    level = level.act;
  }
  if (level.act !== undefined) {
    throw new Error("Actor nesting must not exceed " + ACTOR_MAX_NESTING_DEPTH + " levels.");
  }
}

function once(s, name) {
  if (s.userSetBy !== null) {
    throw error(name, "exactly one of setUserById and setUserByConnection may be called per execution (" +
      s.userSetBy + " was called already)");
  }
}

export class ExchangeAuthenticationApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setUserById(user_id) {
    const N = "authentication.setUserById";
    const s = stateOf(this, N);
    check("setUserById", "setUserById", { user_id });
    once(s, N);
    emit(s, N, [user_id]);
    s.userSetBy = "setUserById";
  }
  setUserByConnection(connection_name, user_attributes, options) {
    const N = "authentication.setUserByConnection";
    const s = stateOf(this, N);
    check("setUserByConnection", "setUserByConnection", { connection_name, user_attributes, options });
    once(s, N);
    emit(s, N, [connection_name, user_attributes, options]);
    s.userSetBy = "setUserByConnection";
  }
  setOrganization(organization_id_or_name) {
    const N = "authentication.setOrganization";
    const s = stateOf(this, N);
    check("setOrganization", "setOrganization", { organization_id_or_name });
    emit(s, N, [organization_id_or_name]);
  }
  setActor(actor) {
    const N = "authentication.setActor";
    const s = stateOf(this, N);
    checkActor(actor);
    if (s.actorSet) throw error(N, "may be called at most once per execution");
    emit(s, N, [actor]);
    s.actorSet = true;
  }
}

seal(ExchangeAuthenticationApi);
