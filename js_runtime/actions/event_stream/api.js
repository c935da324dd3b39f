// api.js: owns the event-stream trigger (onExecuteEventStream, an Action as the destination of an
// Auth0 event stream, called once per event such as user.created): its TRIGGER descriptor and
// createApi. Its api has the shared cache only (as the @auth0/actions event-stream v1 types).

import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { defineApi } from "../common/trigger_api.js";

/** Builds the event-stream `api` for one execution (ctx: see common/trigger_api.js). */
export const createApi = defineApi({ cache: CacheApi });

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "event-stream",
  handlers: freeze({ execute: "onExecuteEventStream" }),
  createApi,
});
