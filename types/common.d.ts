// Shapes shared by the Auth0 Actions triggers (namespace Auth0): users, applications,
// connections, requests, the tenant, secrets and api.cache, as actionhost's default events
// and js_runtime/actions/common/ provide them and Auth0's Actions reference describes them.

declare namespace Auth0 {
  /** Any JSON value a claim or metadata may hold. */
  type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

  /** Free-form metadata (`app_metadata`, `user_metadata`, a connection's or transaction's metadata). */
  interface Metadata {
    [key: string]: any;
  }

  /** An application's metadata: Auth0 keeps only string values. */
  interface ClientMetadata {
    [key: string]: string;
  }

  /** The Action's secrets (`event.secrets`), by name. */
  interface Secrets {
    [name: string]: string;
  }

  /** One identity of a user (a connection it can log in with). */
  interface Identity {
    connection: string;
    provider: string;
    user_id: string;
    isSocial: boolean;
    access_token?: string;
    profileData?: Metadata;
    user_name?: string;
  }

  /** A factor the user enrolled for MFA. */
  interface EnrolledFactor {
    type: string;
    options?: Metadata;
  }

  /** The user of a login, as Auth0's Management API returns it. */
  interface User {
    user_id: string;
    email?: string;
    email_verified: boolean;
    username?: string;
    phone_number?: string;
    phone_verified?: boolean;
    name?: string;
    nickname?: string;
    given_name?: string;
    family_name?: string;
    picture?: string;
    created_at: string;
    updated_at: string;
    last_password_reset?: string;
    app_metadata: Metadata;
    user_metadata: Metadata;
    identities: Identity[];
    multifactor?: string[];
    enrolledFactors?: EnrolledFactor[];
  }

  /** The application of the request. */
  interface Client {
    client_id: string;
    name: string;
    metadata: ClientMetadata;
  }

  /** The connection the user authenticates with. */
  interface Connection {
    id: string;
    name: string;
    strategy: string;
    metadata?: Metadata;
  }

  /** Where the request came from, by IP address. */
  interface GeoIp {
    cityName?: string;
    continentCode?: string;
    countryCode?: string;
    countryCode3?: string;
    countryName?: string;
    latitude?: number;
    longitude?: number;
    subdivisionCode?: string;
    subdivisionName?: string;
    timeZone?: string;
  }

  /** The HTTP request that started the flow. */
  interface Request {
    ip: string;
    method?: string;
    hostname?: string;
    language?: string;
    user_agent?: string;
    query?: { [key: string]: any };
    body?: { [key: string]: any };
    geoip?: GeoIp;
  }

  /** The tenant. */
  interface Tenant {
    id: string;
  }

  /** What the login is authorized for. */
  interface Authorization {
    roles: string[];
  }

  /** One way the user authenticated in this session. */
  interface AuthenticationMethod {
    name: string;
    timestamp: string;
    type?: string;
  }

  /** A record of api.cache. */
  interface CacheRecord {
    value: string;
    /** Epoch milliseconds. */
    expires_at: number;
  }

  /** What api.cache.set and api.cache.delete answer. */
  type CacheWriteResult =
    | { type: "success"; record: CacheRecord }
    | {
        type: "error";
        code:
          | "CacheKeySizeExceeded"
          | "CacheValueSizeExceeded"
          | "CacheSizeExceeded"
          | "InvalidExpiry"
          | "ItemAlreadyExpired"
          | "FailedToSetCacheRecord"
          | "CacheKeyDoesNotExist";
      };

  /** api.cache: string values kept between executions of this Action (8 KB in all). */
  interface CacheAPI {
    get(key: string): CacheRecord | undefined;
    set(key: string, value: string, options?: { ttl?: number; expires_at?: number }): CacheWriteResult;
    delete(key: string): CacheWriteResult;
  }

  /** The parts every Action's event has. */
  interface EventBase {
    secrets: Secrets;
    configuration: { [key: string]: string };
    tenant: Tenant;
  }

  /** The result of a handler: Auth0 ignores it; actionhost reports it as `returned`. */
  type HandlerResult = Promise<any>;

  /** The answer of a form or prompt the user submitted (`api.prompt.render`), in the continue phase. */
  interface Prompt {
    id: string;
    fields?: { [key: string]: any };
    vars?: { [key: string]: any };
  }
}
