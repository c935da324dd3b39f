// api.js: owns the pre-user-registration trigger (runs before a user is created in a database
// or passwordless connection; blocking): its handler names and its `api` of four namespaces,
// access (access.js), cache (common/cache.js), user (user.js) and validation (post-login's),
// built as post-login's is: one sealed class per namespace on a private per-execution state.

import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { defineApi } from "../common/trigger_api.js";
import { ValidationApi } from "../post_login/access.js";
import { AccessApi } from "./access.js";
import { UserApi } from "./user.js";

/** Builds the pre-user-registration `api` for one Action execution
 * (ctx as in common/trigger_api.js). */
export const createApi = defineApi({ access: AccessApi, cache: CacheApi, user: UserApi, validation: ValidationApi });

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "pre-user-registration",
  handlers: freeze({ execute: "onExecutePreUserRegistration", continue: "onContinuePreUserRegistration" }),
  createApi,
});
