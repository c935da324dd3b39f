// The post-change-password trigger (onExecutePostChangePassword): its `event` and `api`, as
// src/actions/events/post_change_password.json and js_runtime/actions/post_change_password/ provide them.
/// <reference path="common.d.ts" />

declare namespace PostChangePassword {
  interface Event extends Auth0.EventBase {
    connection: Auth0.Connection;
    request?: Auth0.Request;
    user: Auth0.User;
  }

  interface API {
    cache: Auth0.CacheAPI;
  }

  /** `exports.onExecutePostChangePassword`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
