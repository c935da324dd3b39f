// transaction.js: owns api.transaction of the custom-token-exchange trigger. Auth0 gates it
// behind the tenant feature flag `actions_cte_transaction_metadata`; without it setMetadata
// throws "Method not implemented." as Auth0's does. With it (ctx.featureFlags), setMetadata is
// post-login's, checks, budgets and the write to event.transaction.metadata included.

import { TransactionApi } from "../post_login/transaction.js";
import { ApiObject, seal, stateOf } from "../common/base.js";

export const TRANSACTION_METADATA_FLAG = "actions_cte_transaction_metadata";

const postLoginSetMetadata = TransactionApi.prototype.setMetadata;

export class ExchangeTransactionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setMetadata(key, value) {
    const s = stateOf(this, "transaction.setMetadata");
    const flags = s.ctx.featureFlags;
    if (flags === null || typeof flags !== "object" || flags[TRANSACTION_METADATA_FLAG] !== true) {
      throw new Error("Method not implemented.");
    }
    postLoginSetMetadata.call(this, key, value);
  }
}

seal(ExchangeTransactionApi);
