// user.js: owns api.user of the custom-token-exchange trigger: app_metadata and user_metadata
// writes for the user the tokens are issued for (null deletes a property), with Auth0's checks.
// Unlike post-login's api.user there is no event.user to check them against.

import { ApiObject, emit, seal, stateOf } from "../common/base.js";
import { check } from "./checks.js";

function setMetadata(self, method, key, value) {
  const N = "user." + method;
  const s = stateOf(self, N);
  check("setMetadata", method, { key, value });
  emit(s, N, [key, value]); // recorded as JSON: undefined is null
}

export class ExchangeUserApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setAppMetadata(key, value) {
    setMetadata(this, "setAppMetadata", key, value);
  }
  setUserMetadata(key, value) {
    setMetadata(this, "setUserMetadata", key, value);
  }
}

seal(ExchangeUserApi);
