// api.js: owns the credentials-exchange trigger (runs before an access token is issued through
// the client credentials grant; blocking): its handler name and its `api` of four namespaces,
// access and accessToken (access.js), cache (common/cache.js) and transaction (transaction.js),
// built as post-login's is: one sealed class per namespace on a private per-execution state.

import { seal } from "../common/base.js";
import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { newTriggerState } from "../common/trigger_api.js";
import { AccessApi, AccessTokenApi } from "./access.js";
import { TransactionApi } from "./transaction.js";

class CredentialsExchangeApi {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get access() {
    const s = this.#s;
    return (s.nsAccess ??= new AccessApi(s));
  }
  get accessToken() {
    const s = this.#s;
    return (s.nsAccessToken ??= new AccessTokenApi(s));
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
  get transaction() {
    const s = this.#s;
    return (s.nsTransaction ??= new TransactionApi(s));
  }
}

seal(CredentialsExchangeApi);

/** Builds the credentials-exchange `api` for one Action execution
 * (ctx as in common/trigger_api.js). */
export function createApi(ctx) {
  const s = newTriggerState(ctx, { targetScopes: null });
  return (s.api = new CredentialsExchangeApi(s));
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "credentials-exchange",
  handlers: freeze({ execute: "onExecuteCredentialsExchange" }),
  createApi,
});
