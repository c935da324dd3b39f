// limits.js: owns the constants of the post-login api: Auth0's documented limits and the
// @auth0/actions argument codecs, accepted values, defaults, the SAML configuration keys with
// their checks, and the messages Auth0 words itself.

export const MAX_SCOPE_LENGTH = 280;
export const MAX_ADDED_SCOPES = 1000;
export const MAX_USER_ID_LENGTH = 128;
export const MAX_CACHE_ENTRIES = 20;
export const MAX_CACHE_KEY_BYTES = 64;
export const MAX_CACHE_VALUE_BYTES = 4096;
export const DEFAULT_CACHE_TOTAL_BYTES = 8192;
export const DEFAULT_CACHE_TTL_MS = 15 * 60 * 1000;
export const MAX_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_SESSION_TOKEN_TTL_S = 900;
export const DEFAULT_SESSION_TOKEN_PARAM = "session_token";
export const MAX_PROMPT_ID_LENGTH = 48;
export const MAX_PROMPT_OPTION_KEYS = 24;
export const MAX_PROMPT_OPTIONS_BYTES = 24 * 1024;
export const PROMPT_FIELD_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,49}$/;
export const MAX_VALIDATION_TEXT = 100;
export const MAX_SAML_ATTRIBUTE_NAME = 1024;
export const MAX_SAML_VALUE_LENGTH = 2048;
export const MAX_SAML_ATTRIBUTES_BYTES = 102400;
export const MAX_SAML_ATTRIBUTE_CHANGES = 100;
export const MAX_META_KEYS = 25;
export const MAX_META_KEY_LENGTH = 255;
export const MAX_META_VALUE_LENGTH = 255;
export const META_KEY = /^[a-zA-Z0-9_-]{1,255}$/;
export const MAX_REVOKE_REASON = 1024;
export const MAX_TX_KEY_LENGTH = 64;
export const MAX_TX_VALUE_BYTES = 8192;
export const MAX_TX_TOTAL_BYTES = 16384;

export const MFA_PROVIDERS = ["none", "guardian", "google-authenticator", "duo", "any"];
export const PHONE_METHODS = ["sms", "voice", "both"];
export const COOKIE_MODES = ["persistent", "non-persistent"];
export const NO_REDIRECT_PROTOCOLS = [
  "oauth2-resource-owner",
  "oauth2-refresh-token",
  "oauth2-password",
  "oauth2-webauthn",
];
export const DEFAULT_NAME_ID_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

export const REDIRECT_AND_RENDER = "Redirect and render commands cannot be used in the same action.";
export const PRIMARY_USER_ONCE = "The primary user can only be altered once per transaction";

// SAML configuration keys accepted by the samlResponse.set* methods, with their checks.
export const SAML_STRING = 1;
export const SAML_BOOLEAN = 2;
export const SAML_NUMBER = 3;
export const SAML_ENUM = 4;
export const SAML_PROBES = 5;
export const SAML_CONFIG = {
  audience: [SAML_STRING, 2048],
  recipient: [SAML_STRING, 2048],
  destination: [SAML_STRING, 2048],
  RelayState: [SAML_STRING, 512],
  issuer: [SAML_STRING, 512],
  authnContextClassRef: [SAML_STRING, 512],
  nameIdentifierFormat: [SAML_STRING, 512],
  cert: [SAML_STRING, 4096],
  key: [SAML_STRING, 4096],
  signingCert: [SAML_STRING, 4096],
  encryptionCert: [SAML_STRING, 4096],
  encryptionPublicKey: [SAML_STRING, 4096],
  createUpnClaim: [SAML_BOOLEAN],
  passthroughClaimsWithNoMapping: [SAML_BOOLEAN],
  mapUnknownClaimsAsIs: [SAML_BOOLEAN],
  mapIdentities: [SAML_BOOLEAN],
  signResponse: [SAML_BOOLEAN],
  includeAttributeNameFormat: [SAML_BOOLEAN],
  typedAttributes: [SAML_BOOLEAN],
  lifetimeInSeconds: [SAML_NUMBER],
  signatureAlgorithm: [SAML_ENUM, ["rsa-sha256", "rsa-sha1"]],
  digestAlgorithm: [SAML_ENUM, ["sha256", "sha1"]],
  encryptionAlgorithm: [SAML_ENUM, ["aes256-gcm", "aes256-cbc"]],
  nameIdentifierProbes: [SAML_PROBES, 10, 512],
};
