// transaction.js: owns api.transaction of the password-reset-post-challenge trigger:
// setResultUrl(url, {query}), the page the user lands on once the password is reset. The URL is
// built as Auth0 builds it (an absolute URL, each query entry set on its search parameters) and
// recorded as its href; a later call replaces an earlier one.

import { ApiObject, emit, seal, stateOf } from "../common/base.js";
import { urlWithQuery } from "../common/url.js";

export class ResultTransactionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setResultUrl(url, options) {
    const N = "transaction.setResultUrl";
    const s = stateOf(this, N);
    const u = urlWithQuery(N, url, options);
    emit(s, N, [u.href]);
  }
}

seal(ResultTransactionApi);
