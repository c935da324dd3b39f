// The post-user-registration trigger (onExecutePostUserRegistration): its `event` and `api`, as
// src/actions/events/post_user_registration.json and js_runtime/actions/post_user_registration/ provide them.
/// <reference path="common.d.ts" />
/// <reference path="pre-user-registration.d.ts" />

declare namespace PostUserRegistration {
  interface Event extends Auth0.EventBase {
    connection: Auth0.Connection;
    request?: Auth0.Request;
    transaction?: PreUserRegistration.Transaction;
    user: Auth0.User;
  }

  interface API {
    cache: Auth0.CacheAPI;
  }

  /** `exports.onExecutePostUserRegistration`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
