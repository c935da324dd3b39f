// The password-reset-post-challenge trigger (onExecutePostChallenge, onContinuePostChallenge):
// its `event` and `api`, as src/actions/events/password_reset_post_challenge.json and
// js_runtime/actions/password_reset_post_challenge/ provide them.
/// <reference path="common.d.ts" />
/// <reference path="post-login.d.ts" />

declare namespace PasswordResetPostChallenge {
  interface Event extends Auth0.EventBase {
    authentication: { methods: Auth0.AuthenticationMethod[] };
    authorization?: Auth0.Authorization;
    client: Auth0.Client;
    connection: Auth0.Connection;
    prompt?: Auth0.Prompt;
    request: Auth0.Request;
    stats?: { logins_count: number };
    transaction: {
      correlation_id?: string;
      locale: string;
      login_hint?: string;
      state?: string;
      ui_locales: string[];
    };
    user: Auth0.User;
  }

  interface API {
    access: {
      deny(reason: string): API;
    };
    authentication: {
      challengeWith(factor: PostLogin.Factor, options?: { additionalFactors?: PostLogin.Factor[] }): void;
      challengeWithAny(factors: PostLogin.Factor[]): void;
    };
    cache: Auth0.CacheAPI;
    prompt: {
      render(promptId: string, options?: { vars?: { [key: string]: any }; fields?: { [key: string]: any } }): void;
    };
    redirect: {
      sendUserTo(url: string, options?: { query?: { [key: string]: string | number | boolean } }): API;
      encodeToken(options: { secret: string; payload: { [key: string]: any }; expiresInSeconds?: number }): string;
      validateToken(options: { secret: string; tokenParameterName?: string }): { [key: string]: any };
    };
    transaction: {
      setResultUrl(url: string, options?: { query?: { [key: string]: string | number | boolean } }): API;
    };
  }

  /** `exports.onExecutePostChallenge` / `exports.onContinuePostChallenge`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
