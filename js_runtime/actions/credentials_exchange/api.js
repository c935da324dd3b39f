// api.js: owns the credentials-exchange trigger (runs before an access token is issued through
// the client credentials grant; blocking): its handler name and its `api` of four namespaces,
// access and accessToken (access.js), cache (common/cache.js) and transaction (transaction.js),
// built as post-login's is: one sealed class per namespace on a private per-execution state.

import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { defineApi } from "../common/trigger_api.js";
import { AccessApi, AccessTokenApi } from "./access.js";
import { TransactionApi } from "./transaction.js";

/** Builds the credentials-exchange `api` for one Action execution
 * (ctx as in common/trigger_api.js). */
export const createApi = defineApi({ access: AccessApi, accessToken: AccessTokenApi, cache: CacheApi, transaction: TransactionApi }, (s) => {
  s.targetScopes = null;
});

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "credentials-exchange",
  handlers: freeze({ execute: "onExecuteCredentialsExchange" }),
  createApi,
});
