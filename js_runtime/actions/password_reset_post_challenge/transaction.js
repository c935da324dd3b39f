// transaction.js: owns api.transaction of the password-reset-post-challenge trigger:
// setResultUrl(url, {query}), the page the user lands on once the password is reset. The URL is
// built as Auth0 builds it (an absolute URL, each query entry set on its search parameters) and
// recorded as its href; a later call replaces an earlier one.

import { ApiObject, emit, error, got, isObject, seal, stateOf, typeError } from "../common/base.js";
import { StringCtor, objectKeys } from "../common/builtins.js";

export class ResultTransactionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setResultUrl(url, options) {
    const N = "transaction.setResultUrl";
    const s = stateOf(this, N);
    if (typeof url !== "string") {
      throw typeError(N, "url must be a string (got " + got(url) + ")");
    }
    let u;
    try {
      u = new URL(url);
    } catch {
      throw error(N, "url must be an absolute URL (got " + got(url) + ")");
    }
    if (options !== undefined && options !== null) {
      if (!isObject(options)) {
        throw typeError(N, "options must be an object like {query} (got " + got(options) + ")");
      }
      const query = options.query;
      if (query !== undefined && query !== null) {
        if (!isObject(query)) {
          throw typeError(N, "options.query must be an object (got " + got(query) + ")");
        }
        const keys = objectKeys(query);
        for (let i = 0; i < keys.length; i++) u.searchParams.set(keys[i], StringCtor(query[keys[i]]));
      }
    }
    emit(s, N, [u.href]);
  }
}

seal(ResultTransactionApi);
