// api.js: owns the custom-token-exchange trigger (onExecuteCustomTokenExchange): its TRIGGER
// descriptor and createApi. Namespaces: access (access.js), authentication (authentication.js),
// user (user.js), transaction (transaction.js, behind Auth0's feature flag) and the shared cache.

import { seal } from "../common/base.js";
import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { baseState } from "../common/state.js";
import { ExchangeAccessApi } from "./access.js";
import { ExchangeAuthenticationApi } from "./authentication.js";
import { ExchangeTransactionApi } from "./transaction.js";
import { ExchangeUserApi } from "./user.js";

class CustomTokenExchangeApi {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get access() {
    const s = this.#s;
    return (s.nsAccess ??= new ExchangeAccessApi(s));
  }
  get authentication() {
    const s = this.#s;
    return (s.nsAuthentication ??= new ExchangeAuthenticationApi(s));
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
  get transaction() {
    const s = this.#s;
    return (s.nsTransaction ??= new ExchangeTransactionApi(s));
  }
  get user() {
    const s = this.#s;
    return (s.nsUser ??= new ExchangeUserApi(s));
  }
}

seal(CustomTokenExchangeApi);

/**
 * Builds the custom-token-exchange `api` for one execution (ctx: see common/state.js; optional
 * ctx.featureFlags: {actions_cte_transaction_metadata: true} enables api.transaction).
 */
export function createApi(ctx) {
  const s = baseState(ctx);
  s.userSetBy = null; // "setUserById" | "setUserByConnection" once called
  s.actorSet = false;
  return (s.api = new CustomTokenExchangeApi(s));
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "custom-token-exchange",
  handlers: freeze({ execute: "onExecuteCustomTokenExchange" }),
  createApi,
});
