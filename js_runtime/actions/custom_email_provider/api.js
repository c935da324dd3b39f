// api.js: owns the custom-email-provider trigger (onExecuteCustomEmailProvider, which delivers one
// email notification through the tenant's own provider): its TRIGGER descriptor and createApi.
// Namespaces: notification (drop / retry, common/notification.js, shared with the
// custom-phone-provider trigger) and the shared cache. Neither call is required: a handler that settles
// without one has delivered the notification.

import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { NotificationApi } from "../common/notification.js";
import { defineApi } from "../common/trigger_api.js";

/** Builds the custom-email-provider `api` for one execution (ctx: see common/trigger_api.js). */
export const createApi = defineApi({ cache: CacheApi, notification: NotificationApi });

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "custom-email-provider",
  handlers: freeze({ execute: "onExecuteCustomEmailProvider" }),
  createApi,
});
