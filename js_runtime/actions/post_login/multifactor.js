// multifactor.js: owns api.multifactor (enable, with the provider and its options checked).

import { ApiObject, emit, error, got, isObject, seal, stateOf, typeError } from "../common/base.js";
import { MFA_PROVIDERS } from "../common/limits.js";

export class MultifactorApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  enable(provider, options) {
    const N = "multifactor.enable";
    const s = stateOf(this, N);
    if (typeof provider !== "string") {
      throw typeError(N, "provider must be a string (got " + got(provider) + ")");
    }
    if (!MFA_PROVIDERS.includes(provider)) {
      throw error(N, 'provider must be one of "none", "guardian", "google-authenticator", "duo", "any" (got ' +
        got(provider) + ")");
    }
    const opts = {};
    if (options !== undefined && options !== null) {
      if (!isObject(options)) {
        throw typeError(N, "options must be an object (got " + got(options) + ")");
      }
      const remember = options.allowRememberBrowser;
      if (remember !== undefined) {
        if (typeof remember !== "boolean") {
          throw typeError(N, "options.allowRememberBrowser must be a boolean (got " + got(remember) + ")");
        }
        opts.allowRememberBrowser = remember;
      }
      const po = options.providerOptions;
      if (po !== undefined) {
        if (!isObject(po)) {
          throw typeError(N, "options.providerOptions must be an object (got " + got(po) + ")");
        }
        opts.providerOptions = po;
      }
    }
    emit(s, N, [provider, opts]);
    return s.api;
  }
}

seal(MultifactorApi);
