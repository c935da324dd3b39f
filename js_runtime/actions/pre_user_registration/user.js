// user.js: owns the pre-user-registration api.user: app_metadata and user_metadata of the user
// about to be created (the event's user may have neither yet), and setUserId, which Auth0's
// @auth0/actions implementation offers to choose the new user's id.

import { ApiObject, emit, error, got, seal, stateOf, typeError } from "../common/base.js";
import { recordMetadata } from "../post_login/user.js";

// Auth0's PreUserRegistrationSetUserIdInput: 1-255 of these characters.
const USER_ID = /^[a-zA-Z0-9@._+-]{1,255}$/;


export class UserApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setAppMetadata(key, value) {
    const N = "user.setAppMetadata";
    return recordMetadata(stateOf(this, N), N, key, value);
  }
  setUserMetadata(key, value) {
    const N = "user.setUserMetadata";
    return recordMetadata(stateOf(this, N), N, key, value);
  }
  setUserId(userId) {
    const N = "user.setUserId";
    const s = stateOf(this, N);
    if (typeof userId !== "string") {
      throw typeError(N, "user_id must be a string (got " + got(userId) + ")");
    }
    if (!USER_ID.test(userId)) {
      throw error(N, "user_id must be 1-255 letters, digits or @ . _ + - characters (got " + got(userId) + ")");
    }
    emit(s, N, [userId]);
    return s.api;
  }
}

seal(UserApi);
