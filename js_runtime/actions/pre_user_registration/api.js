// api.js: owns the pre-user-registration trigger (runs before a user is created in a database
// or passwordless connection; blocking): its handler names and its `api` of four namespaces,
// access (access.js), cache (common/cache.js), user (user.js) and validation (post-login's),
// built as post-login's is: one sealed class per namespace on a private per-execution state.

import { seal } from "../common/base.js";
import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { newTriggerState } from "../common/trigger_api.js";
import { ValidationApi } from "../post_login/access.js";
import { AccessApi } from "./access.js";
import { UserApi } from "./user.js";

class PreUserRegistrationApi {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get access() {
    const s = this.#s;
    return (s.nsAccess ??= new AccessApi(s));
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
  get user() {
    const s = this.#s;
    return (s.nsUser ??= new UserApi(s));
  }
  get validation() {
    const s = this.#s;
    return (s.nsValidation ??= new ValidationApi(s));
  }
}

seal(PreUserRegistrationApi);

/** Builds the pre-user-registration `api` for one Action execution
 * (ctx as in common/trigger_api.js). */
export function createApi(ctx) {
  const s = newTriggerState(ctx, null);
  return (s.api = new PreUserRegistrationApi(s));
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "pre-user-registration",
  handlers: freeze({ execute: "onExecutePreUserRegistration", continue: "onContinuePreUserRegistration" }),
  createApi,
});
