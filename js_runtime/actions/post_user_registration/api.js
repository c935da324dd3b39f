// api.js: owns the post-user-registration trigger (runs after a user was created in a database
// or passwordless connection; not blocking): its handler name and its `api`, which holds
// api.cache alone (common/trigger_api.js).

import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { defineApi } from "../common/trigger_api.js";

/** Builds the `api` ({cache}) of one execution (ctx: see common/trigger_api.js). */
export const createApi = defineApi({ cache: CacheApi });

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "post-user-registration",
  handlers: freeze({ execute: "onExecutePostUserRegistration" }),
  createApi,
});
