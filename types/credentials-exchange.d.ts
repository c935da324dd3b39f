// The credentials-exchange trigger (onExecuteCredentialsExchange): its `event` and `api`, as
// src/actions/events/credentials_exchange.json and js_runtime/actions/credentials_exchange/ provide them.
/// <reference path="common.d.ts" />

declare namespace CredentialsExchange {
  interface Event extends Auth0.EventBase {
    accessToken: { scope: string[]; customClaims?: { [name: string]: unknown } };
    client: Auth0.Client;
    request: Auth0.Request;
    resource_server: { identifier: string };
    transaction: { requested_scopes: string[]; target_scopes?: string[] };
  }

  interface API {
    access: {
      deny(code: "invalid_scope" | "invalid_request" | "server_error", reason?: string): API;
    };
    accessToken: {
      setCustomClaim(name: string, value: unknown): API;
    };
    cache: Auth0.CacheAPI;
    transaction: {
      addTargetScope(scope: string): API;
      removeTargetScope(scope: string): API;
      setTargetScopes(scopes: string[]): API;
      clearTargetScopes(): API;
    };
  }

  /** `exports.onExecuteCredentialsExchange`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
