// Auth0 Rules: the `user`, `context` and `callback` a rule function gets (namespace Rules) and
// the globals it sees (`configuration`, `auth0`, `UnauthorizedError`, `global`), as actionhost's
// default Rules inputs and js_runtime/rules/ provide them.
/// <reference path="common.d.ts" />

declare namespace Rules {
  /** The user of the login (no `app_metadata` when the user has none, as on Auth0). */
  interface User {
    user_id: string;
    email?: string;
    email_verified?: boolean;
    username?: string;
    phone_number?: string;
    phone_verified?: boolean;
    name?: string;
    nickname?: string;
    given_name?: string;
    family_name?: string;
    picture?: string;
    created_at?: string;
    updated_at?: string;
    last_password_reset?: string;
    last_login?: string;
    logins_count?: number;
    blocked?: boolean;
    app_metadata?: Auth0.Metadata;
    user_metadata?: Auth0.Metadata;
    identities?: Auth0.Identity[];
    multifactor?: string[];
  }

  interface Request {
    userAgent?: string;
    ip: string;
    hostname?: string;
    query?: { [key: string]: any };
    body?: { [key: string]: any };
    geoip?: {
      country_code?: string;
      country_code3?: string;
      country_name?: string;
      city_name?: string;
      latitude?: number;
      longitude?: number;
      time_zone?: string;
      continent_code?: string;
      subdivision_code?: string;
      subdivision_name?: string;
    };
  }

  /** The login's context; a rule changes it and passes it on through `callback`. */
  interface Context {
    tenant: string;
    clientID: string;
    clientName: string;
    /** Absent for an application that never had metadata (see the README's choices). */
    clientMetadata?: Auth0.ClientMetadata;
    connection: string;
    connectionID: string;
    connectionStrategy: string;
    connectionMetadata?: Auth0.Metadata;
    protocol: string;
    request: Request;
    stats: { loginsCount: number };
    sso?: { with_auth0: boolean; with_dbconn: boolean; current_clients?: string[] };
    accessToken: { [claim: string]: any };
    idToken: { [claim: string]: any };
    authentication?: { methods: { name: string; timestamp: number }[] };
    authorization?: { roles: string[] };
    sessionID?: string;
    locale?: string;
    primaryUser?: string;
    multifactor?: { provider: string; allowRememberBrowser?: boolean; [option: string]: any };
    redirect?: { url: string };
    samlConfiguration?: { [key: string]: any };
    [key: string]: any;
  }

  /** `callback(null, user, context)` continues; `callback(new UnauthorizedError(m))` denies. */
  type Callback = (error: Error | null | undefined | false | 0 | "", user?: User, context?: Context) => void;

  /** A rule: `function (user, context, callback) { … }`. */
  type Rule = (user: User, context: Context, callback: Callback) => void;

  /** The restricted management client of the `auth0` global. */
  interface Auth0Client {
    users: {
      updateAppMetadata(userId: string, metadata: Auth0.Metadata, callback?: (error: Error | null) => void): Promise<void>;
      updateUserMetadata(userId: string, metadata: Auth0.Metadata, callback?: (error: Error | null) => void): Promise<void>;
    };
    domain: string;
    baseUrl: string;
    accessToken: string;
  }
}

/** The tenant's rules configuration (`rules-configs/`), by key. */
declare var configuration: { [key: string]: string };
/** Shared by every rule of one webtask container. */
declare var global: { [key: string]: any };
/** Updates the user's metadata (recorded by actionhost as `auth0.users.*` commands). */
declare var auth0: Rules.Auth0Client;
/** The error a rule passes to `callback` to deny the login. */
declare class UnauthorizedError extends Error {
  constructor(message?: string);
  code: "unauthorized";
  statusCode: 401;
  description: string;
}
