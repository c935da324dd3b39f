// api.js: owns the custom-phone-provider trigger (onExecuteCustomPhoneProvider, which delivers one
// phone notification through the tenant's own provider): its TRIGGER descriptor and createApi.
// Namespaces: notification (drop / retry, common/notification.js, shared with the
// custom-email-provider trigger) and the shared cache. Neither call is required: a handler that settles
// without one has delivered the notification.

import { seal } from "../common/base.js";
import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { NotificationApi } from "../common/notification.js";
import { baseState } from "../common/state.js";

class CustomPhoneProviderApi {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
  get notification() {
    const s = this.#s;
    return (s.nsNotification ??= new NotificationApi(s));
  }
}

seal(CustomPhoneProviderApi);

/** Builds the custom-phone-provider `api` for one execution (ctx: see common/state.js). */
export function createApi(ctx) {
  const s = baseState(ctx);
  return (s.api = new CustomPhoneProviderApi(s));
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "custom-phone-provider",
  handlers: freeze({ execute: "onExecuteCustomPhoneProvider" }),
  createApi,
});
