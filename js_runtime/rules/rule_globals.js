// The globals a legacy Rule sees besides `configuration`: `UnauthorizedError` and the restricted
// `auth0` management client whose metadata updates are recorded as commands.

import * as execution from "ext:actionhost_runtime/execution.js";
import { toJsonSafe } from "ext:actionhost_runtime/json.js";

export class UnauthorizedError extends Error {
  constructor(message) {
    super(message);
    this.description = message;
  }
}
Object.defineProperties(UnauthorizedError.prototype, {
  name: { value: "UnauthorizedError", writable: true, configurable: true },
  code: { value: "unauthorized", writable: true, configurable: true },
  statusCode: { value: 401, writable: true, configurable: true },
});

function updater(apiName, field) {
  return function (userId, metadata, callback) {
    execution.record(apiName, toJsonSafe([userId, metadata]));
    const user = { user_id: userId, [field]: toJsonSafe(metadata) };
    const done = Promise.resolve(user);
    if (typeof callback === "function") done.then(() => callback(null, user));
    return done;
  };
}

export function createAuth0(info) {
  return Object.freeze({
    users: Object.freeze({
      updateAppMetadata: updater("auth0.users.updateAppMetadata", "app_metadata"),
      updateUserMetadata: updater("auth0.users.updateUserMetadata", "user_metadata"),
    }),
    domain: info.domain,
    baseUrl: `https://${info.domain}`,
    accessToken: info.access_token,
  });
}
