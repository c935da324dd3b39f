// api.js: owns the post-change-password trigger (runs after a user changed their password; not
// blocking): its handler name and its `api`, which holds api.cache alone
// (common/trigger_api.js).

import { freeze } from "../common/builtins.js";
import { createCacheOnlyApi } from "../common/trigger_api.js";

/** Builds the post-change-password `api` for one Action execution
 * (ctx as in common/trigger_api.js). */
export function createApi(ctx) {
  return createCacheOnlyApi(ctx);
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "post-change-password",
  handlers: freeze({ execute: "onExecutePostChangePassword" }),
  createApi,
});
