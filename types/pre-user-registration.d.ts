// The pre-user-registration trigger (onExecutePreUserRegistration, onContinuePreUserRegistration):
// its `event` and `api`, as src/actions/events/pre_user_registration.json and
// js_runtime/actions/pre_user_registration/ provide them.
/// <reference path="common.d.ts" />

declare namespace PreUserRegistration {
  /** The user about to be created: what the signup gave. */
  interface User {
    email?: string;
    email_verified?: boolean;
    username?: string;
    phone_number?: string;
    name?: string;
    nickname?: string;
    given_name?: string;
    family_name?: string;
    picture?: string;
    app_metadata?: Auth0.Metadata;
    user_metadata?: Auth0.Metadata;
  }

  interface Transaction {
    acr_values: string[];
    locale: string;
    protocol?: string;
    redirect_uri?: string;
    requested_scopes: string[];
    response_mode?: string;
    response_type?: string[];
    state?: string;
    ui_locales: string[];
    prompt?: string[];
  }

  interface Event extends Auth0.EventBase {
    client?: Auth0.Client;
    connection: Auth0.Connection;
    request: Auth0.Request;
    transaction?: Transaction;
    user: User;
  }

  interface API {
    access: {
      deny(reason: string, userMessage: string): API;
    };
    cache: Auth0.CacheAPI;
    user: {
      setAppMetadata(key: string, value: unknown): API;
      setUserMetadata(key: string, value: unknown): API;
      setUserId(userId: string): API;
    };
    validation: {
      error(errorCode: string, errorMessage: string): API;
    };
  }

  /** `exports.onExecutePreUserRegistration` / `exports.onContinuePreUserRegistration`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
