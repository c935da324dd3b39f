// api.js: owns the send-phone-message trigger (runs instead of Auth0's own SMS or voice sending
// of an MFA code): its handler name and its `api`, which holds api.cache alone
// (common/trigger_api.js).

import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { defineApi } from "../common/trigger_api.js";

/** Builds the `api` ({cache}) of one execution (ctx: see common/trigger_api.js). */
export const createApi = defineApi({ cache: CacheApi });

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "send-phone-message",
  handlers: freeze({ execute: "onExecuteSendPhoneMessage" }),
  createApi,
});
