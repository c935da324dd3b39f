// access.js: owns api.access of the custom-token-exchange trigger: deny(code, reason) and
// rejectInvalidSubjectToken(reason) (an invalid_request that Attack Protection counts against the
// subject token). Either ends the exchange without tokens.

import { ApiObject, emit, seal, stateOf } from "../common/base.js";
import { check } from "./checks.js";

export class ExchangeAccessApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  deny(code, reason) {
    const N = "access.deny";
    const s = stateOf(this, N);
    check("deny", "deny", { code, reason });
    emit(s, N, [code, reason]);
  }
  rejectInvalidSubjectToken(reason) {
    const N = "access.rejectInvalidSubjectToken";
    const s = stateOf(this, N);
    check("rejectInvalidSubjectToken", "rejectInvalidSubjectToken", { reason });
    emit(s, N, [reason]);
  }
}

seal(ExchangeAccessApi);
