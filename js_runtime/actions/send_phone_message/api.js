// api.js: owns the send-phone-message trigger (runs instead of Auth0's own SMS or voice sending
// of an MFA code): its handler name and its `api`, which holds api.cache alone
// (common/trigger_api.js).

import { freeze } from "../common/builtins.js";
import { createCacheOnlyApi } from "../common/trigger_api.js";

/** Builds the send-phone-message `api` for one Action execution
 * (ctx as in common/trigger_api.js). */
export function createApi(ctx) {
  return createCacheOnlyApi(ctx);
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "send-phone-message",
  handlers: freeze({ execute: "onExecuteSendPhoneMessage" }),
  createApi,
});
