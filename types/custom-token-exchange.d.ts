// The custom-token-exchange trigger (onExecuteCustomTokenExchange): its `event` and `api`, as
// src/actions/events/custom_token_exchange.json and js_runtime/actions/custom_token_exchange/ provide them.
/// <reference path="common.d.ts" />

declare namespace CustomTokenExchange {
  interface Event extends Auth0.EventBase {
    client: Auth0.Client;
    request: Auth0.Request;
    resource_server?: { identifier: string };
    transaction: {
      requested_scopes: string[];
      requested_token_type?: string;
      subject_token: string;
      subject_token_type: string;
    };
  }

  /** The attributes of a user found or created by setUserByConnection. */
  interface UserAttributes {
    user_id: string;
    email?: string;
    email_verified?: boolean;
    phone_number?: string;
    phone_verified?: boolean;
    username?: string;
    name?: string;
    given_name?: string;
    family_name?: string;
    nickname?: string;
    picture?: string;
    /** Whether Auth0 sends a verification email to a user it creates. */
    verify_email?: boolean;
  }

  /** The actor of a delegation: `sub`, custom string, number or boolean claims, a nested `act`. */
  interface Actor {
    sub: string;
    act?: Actor;
    [claim: string]: string | number | boolean | Actor | undefined;
  }

  interface API {
    access: {
      deny(code: string, reason: string): API;
      rejectInvalidSubjectToken(reason: string): API;
    };
    authentication: {
      setUserById(userId: string): API;
      setUserByConnection(
        connectionName: string,
        userAttributes: UserAttributes,
        options: { creationBehavior: "create_if_not_exists" | "none"; updateBehavior: "replace" | "none" }
      ): API;
      setOrganization(organizationIdOrName: string): API;
      setActor(actor: Actor): API;
    };
    cache: Auth0.CacheAPI;
    transaction: {
      setMetadata(key: string, value: string | number | boolean | null): API;
    };
    user: {
      setAppMetadata(key: string, value: unknown): API;
      setUserMetadata(key: string, value: unknown): API;
    };
  }

  /** `exports.onExecuteCustomTokenExchange`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
