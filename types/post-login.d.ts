// The post-login trigger (onExecutePostLogin, onContinuePostLogin): its `event` and `api`, as
// src/actions/post_login_event.rs and js_runtime/actions/post_login/ provide them.
/// <reference path="common.d.ts" />

declare namespace PostLogin {
  interface Transaction {
    id: string;
    locale: string;
    protocol: string;
    requested_scopes: string[];
    redirect_uri?: string;
    response_type?: string[];
    response_mode?: string;
    state?: string;
    ui_locales: string[];
    acr_values: string[];
    prompt?: string[];
    login_hint?: string;
    linking_id?: string;
    metadata: { [key: string]: string | number | boolean };
  }

  interface Event extends Auth0.EventBase {
    authentication?: { methods: Auth0.AuthenticationMethod[] };
    authorization?: Auth0.Authorization;
    client: Auth0.Client;
    connection: Auth0.Connection;
    prompt?: Auth0.Prompt;
    organization?: { id: string; name: string; display_name: string; metadata: Auth0.Metadata };
    refresh_token?: { id: string; metadata?: Auth0.Metadata; [key: string]: any };
    request: Auth0.Request;
    resource_server?: { identifier: string };
    session?: { id: string; metadata?: Auth0.Metadata; [key: string]: any };
    stats: { logins_count: number };
    transaction: Transaction;
    user: Auth0.User;
  }

  type Factor = { type: string; options?: { [key: string]: any } };

  interface API {
    access: {
      /** Denies the login; the status becomes `denied`. */
      deny(reason: string): API;
    };
    accessToken: {
      setCustomClaim(name: string, value: unknown): API;
      addScope(scope: string): API;
      removeScope(scope: string): API;
    };
    idToken: {
      setCustomClaim(name: string, value: unknown): API;
    };
    authentication: {
      challengeWith(factor: Factor, options?: { additionalFactors?: Factor[] }): void;
      challengeWithAny(factors: Factor[]): void;
      enrollWith(factor: Factor, options?: { additionalFactors?: Factor[] }): void;
      enrollWithAny(factors: Factor[]): void;
      /** The continue phase only. */
      recordMethod(providerUrl: string): API;
      setPrimaryUser(primaryUserId: string): void;
    };
    cache: Auth0.CacheAPI;
    multifactor: {
      enable(
        provider: "any" | "duo" | "google-authenticator" | "guardian" | "none" | "recovery-code" | "sms" | "voice" | "otp" | "email" | "webauthn-roaming" | "webauthn-platform" | "push-notification" | (string & {}),
        options?: { allowRememberBrowser?: boolean; providerOptions?: { [key: string]: any } }
      ): API;
    };
    prompt: {
      render(promptId: string, options?: { vars?: { [key: string]: any }; fields?: { [key: string]: any } }): void;
    };
    redirect: {
      sendUserTo(url: string, options?: { query?: { [key: string]: string | number | boolean } }): API;
      encodeToken(options: { secret: string; payload: { [key: string]: any }; expiresInSeconds?: number }): string;
      validateToken(options: { secret: string; tokenParameterName?: string }): { [key: string]: any };
      canRedirect(): boolean;
    };
    refreshToken: {
      revoke(reason?: string): API;
      setExpiresAt(absolute: number): API;
      setIdleExpiresAt(idle: number): API;
      setMetadata(key: string, value: string | number | boolean | null | undefined): API;
      deleteMetadata(key: string): API;
      evictMetadata(): API;
    };
    rules: {
      wasExecuted(ruleId: string): boolean;
    };
    samlResponse: {
      setAttribute(attribute: string, value: unknown): API;
      setAudience(audience: string): API;
      setRecipient(recipient: string): API;
      setCreateUpnClaim(createUpnClaim: boolean): API;
      setPassthroughClaimsWithNoMapping(passthrough: boolean): API;
      setMapUnknownClaimsAsIs(mapUnknown: boolean): API;
      setMapIdentities(mapIdentities: boolean): API;
      setSignatureAlgorithm(algorithm: "rsa-sha256" | "rsa-sha1"): API;
      setDigestAlgorithm(algorithm: "sha256" | "sha1"): API;
      setDestination(destination: string): API;
      setLifetimeInSeconds(lifetime: number): API;
      setSignResponse(signResponse: boolean): API;
      setNameIdentifierFormat(format?: string): API;
      setNameIdentifierProbes(probes: string[]): API;
      setAuthnContextClassRef(classRef: string): API;
      setSigningCert(cert: string): API;
      setIncludeAttributeNameFormat(include: boolean): API;
      setTypedAttributes(typed: boolean): API;
      setEncryptionCert(cert: string): API;
      setEncryptionPublicKey(key: string): API;
      setCert(cert: string): API;
      setKey(key: string): API;
      setRelayState(relayState: string): API;
      setIssuer(issuer: string): API;
      setEncryptionAlgorithm(algorithm: string): API;
    };
    session: {
      revoke(reason?: string, options?: { preserveRefreshTokens?: boolean }): API;
      setExpiresAt(absolute: number): API;
      setIdleExpiresAt(idle: number): API;
      setCookieMode(mode: "persistent" | "non-persistent"): API;
      setMetadata(key: string, value: string | number | boolean | null | undefined): API;
      deleteMetadata(key: string): API;
      evictMetadata(): API;
    };
    transaction: {
      setMetadata(key: string, value: string | number | boolean | null): API;
    };
    user: {
      setAppMetadata(key: string, value: unknown): API;
      setUserMetadata(key: string, value: unknown): API;
    };
    validation: {
      error(errorCode: string, errorMessage: string): API;
    };
  }

  /** `exports.onExecutePostLogin` / `exports.onContinuePostLogin`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
