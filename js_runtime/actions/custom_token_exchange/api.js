// api.js: owns the custom-token-exchange trigger (onExecuteCustomTokenExchange): its TRIGGER
// descriptor and createApi. Namespaces: access (access.js), authentication (authentication.js),
// user (user.js), transaction (transaction.js, behind Auth0's feature flag) and the shared cache.

import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { defineApi } from "../common/trigger_api.js";
import { ExchangeAccessApi } from "./access.js";
import { ExchangeAuthenticationApi } from "./authentication.js";
import { ExchangeTransactionApi } from "./transaction.js";
import { ExchangeUserApi } from "./user.js";

/**
 * Builds the custom-token-exchange `api` for one execution (ctx: see common/trigger_api.js; optional
 * ctx.featureFlags: {actions_cte_transaction_metadata: true} enables api.transaction).
 */
export const createApi = defineApi({
  access: ExchangeAccessApi,
  authentication: ExchangeAuthenticationApi,
  cache: CacheApi,
  transaction: ExchangeTransactionApi,
  user: ExchangeUserApi,
}, (s) => {
  s.userSetBy = null; // "setUserById" | "setUserByConnection" once called
  s.actorSet = false;
});

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "custom-token-exchange",
  handlers: freeze({ execute: "onExecuteCustomTokenExchange" }),
  createApi,
});
