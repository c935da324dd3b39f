// post_login_api.js: owns the post-login `api` object handed to onExecutePostLogin /
// onContinuePostLogin. It validates every call the way Auth0 does (auth0-surface.md §2),
// keeps the per-execution state those checks need (scopes, redirect/render, primary user,
// SAML attributes, session/refresh-token metadata), implements api.cache on a host store and
// reports each successful state-changing call through ctx.record(name, args). It holds no
// global state, reaches no host service except through `ctx`, and loads in Node for tests.

// Built-ins captured when the module loads, before any user script can replace them.
const JSONStringify = JSON.stringify;
const JSONParse = JSON.parse;
const isArray = Array.isArray;
const objectKeys = Object.keys;
const freeze = Object.freeze;
const hasOwn = Object.hasOwn;
const numberIsFinite = Number.isFinite;
const isSafeInteger = Number.isSafeInteger;
const isInteger = Number.isInteger;
const floor = Math.floor;
const StringCtor = String;

// ---------------------------------------------------------------------------------------------
// Limits (auth0-surface.md §2, §5 and the @auth0/actions argument codecs)

const MAX_SCOPE_LENGTH = 280;
const MAX_ADDED_SCOPES = 1000;
const MAX_USER_ID_LENGTH = 128;
const MAX_CACHE_ENTRIES = 20;
const MAX_CACHE_KEY_BYTES = 64;
const MAX_CACHE_VALUE_BYTES = 4096;
const DEFAULT_CACHE_TOTAL_BYTES = 8192;
const DEFAULT_CACHE_TTL_MS = 15 * 60 * 1000;
const MAX_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_SESSION_TOKEN_TTL_S = 900;
const DEFAULT_SESSION_TOKEN_PARAM = "session_token";
const MAX_PROMPT_ID_LENGTH = 48;
const MAX_PROMPT_OPTION_KEYS = 24;
const MAX_PROMPT_OPTIONS_BYTES = 24 * 1024;
const PROMPT_FIELD_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,49}$/;
const MAX_VALIDATION_TEXT = 100;
const MAX_SAML_ATTRIBUTE_NAME = 1024;
const MAX_SAML_VALUE_LENGTH = 2048;
const MAX_SAML_ATTRIBUTES_BYTES = 102400;
const MAX_SAML_ATTRIBUTE_CHANGES = 100;
const MAX_META_KEYS = 25;
const MAX_META_KEY_LENGTH = 255;
const MAX_META_VALUE_LENGTH = 255;
const META_KEY = /^[a-zA-Z0-9_-]{1,255}$/;
const MAX_REVOKE_REASON = 1024;
const MAX_TX_KEY_LENGTH = 64;
const MAX_TX_VALUE_BYTES = 8192;
const MAX_TX_TOTAL_BYTES = 16384;

const MFA_PROVIDERS = ["none", "guardian", "google-authenticator", "duo", "any"];
const PHONE_METHODS = ["sms", "voice", "both"];
const COOKIE_MODES = ["persistent", "non-persistent"];
const NO_REDIRECT_PROTOCOLS = [
  "oauth2-resource-owner",
  "oauth2-refresh-token",
  "oauth2-password",
  "oauth2-webauthn",
];
const DEFAULT_NAME_ID_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

const REDIRECT_AND_RENDER = "Redirect and render commands cannot be used in the same action.";
const PRIMARY_USER_ONCE = "The primary user can only be altered once per transaction";
const JWT_HEADER = '{"alg":"HS256","typ":"JWT"}';

// SAML configuration keys accepted by the samlResponse.set* methods, with their checks.
const SAML_STRING = 1;
const SAML_BOOLEAN = 2;
const SAML_NUMBER = 3;
const SAML_ENUM = 4;
const SAML_PROBES = 5;
const SAML_CONFIG = {
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

// ---------------------------------------------------------------------------------------------
// Small helpers (shared by every execution; nothing here allocates per api creation)

function isObject(v) {
  return v !== null && typeof v === "object" && !isArray(v);
}

function isFiniteNumber(v) {
  return typeof v === "number" && numberIsFinite(v);
}

// A short, deterministic description of a value for error messages.
function got(v) {
  if (v === null) return "null";
  switch (typeof v) {
    case "string": {
      const s = v.length > 60 ? v.slice(0, 57) + "..." : v;
      return JSONStringify(s);
    }
    case "number":
    case "boolean":
    case "bigint":
      return StringCtor(v);
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    default:
      return isArray(v) ? "an array" : "an object";
  }
}

function typeError(name, msg) {
  return new TypeError("api." + name + ": " + msg);
}

function error(name, msg) {
  return new Error("api." + name + ": " + msg);
}

// Characters as code points (the JSON-schema notion of string length).
function charLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// UTF-8 byte length without encoding (lone surrogates count as U+FFFD, 3 bytes).
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

function hasWhitespace(s) {
  return /\s/.test(s);
}

// JSON-able copy of a call's arguments (JSON semantics: undefined/functions become null in
// arrays and vanish in objects, Dates become ISO strings). Primitive-only argument lists,
// the common case, skip the round trip.
function cloneArgs(name, args) {
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    const t = typeof v;
    if (v === null || t === "string" || t === "boolean" || (t === "number" && numberIsFinite(v))) {
      continue;
    }
    try {
      return JSONParse(JSONStringify(args));
    } catch (e) {
      throw typeError(name, "arguments must be JSON-serializable (" + e.message + ")");
    }
  }
  return args;
}

// --- base64url / UTF-8 for the session-token JWT -------------------------------------------

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
let b64Lookup = null;
let utf8Encoder = null;
let utf8Decoder = null;

function utf8Encode(s) {
  if (utf8Encoder === null) utf8Encoder = new TextEncoder();
  return utf8Encoder.encode(s);
}

function utf8Decode(bytes) {
  if (utf8Decoder === null) utf8Decoder = new TextDecoder("utf-8", { fatal: true });
  return utf8Decoder.decode(bytes);
}

function base64UrlEncode(s) {
  let binary = s;
  if (!/^[\x00-\x7f]*$/.test(s)) {
    const b = utf8Encode(s);
    binary = "";
    for (let i = 0; i < b.length; i += 4096) {
      binary += StringCtor.fromCharCode.apply(null, b.subarray(i, i + 4096));
    }
  }
  return btoa(binary).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

// Returns the decoded UTF-8 text, or undefined when `s` is not canonical unpadded base64url
// holding valid UTF-8.
function base64UrlDecode(s) {
  if (b64Lookup === null) {
    b64Lookup = new Int16Array(128).fill(-1);
    for (let i = 0; i < 64; i++) b64Lookup[B64URL.charCodeAt(i)] = i;
  }
  const rem = s.length & 3;
  if (rem === 1) return undefined;
  const bytes = new Uint8Array(((s.length >> 2) * 3) + (rem === 0 ? 0 : rem - 1));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? b64Lookup[c] : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >> bits) & 255;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  try {
    return utf8Decode(bytes);
  } catch {
    return undefined;
  }
}

// --- argument checks shared by several namespaces -------------------------------------------

function checkClaimKey(name, key) {
  if (typeof key !== "string") {
    throw typeError(name, "key must be a string (got " + got(key) + ")");
  }
  if (key === "scope") {
    throw error(name, 'the "scope" claim cannot be set; use api.accessToken.addScope/removeScope');
  }
}

function checkScope(name, scope) {
  if (typeof scope !== "string") {
    throw typeError(name, "scope must be a string (got " + got(scope) + ")");
  }
  const s = scope.trim();
  if (s === "" || hasWhitespace(s)) {
    throw error(name, "scope must be a non-empty string without whitespace (got " + got(scope) + ")");
  }
  const len = charLength(s);
  if (len > MAX_SCOPE_LENGTH) {
    throw error(name, "scope must be at most " + MAX_SCOPE_LENGTH + " characters (got " + len + ")");
  }
  return s;
}

function checkFactor(name, what, f) {
  if (!isObject(f)) {
    throw typeError(name, what + ' must be an object like {type: "otp"} (got ' + got(f) + ")");
  }
  if (typeof f.type !== "string" || f.type === "") {
    throw typeError(name, what + ".type must be a non-empty string (got " + got(f.type) + ")");
  }
  const o = f.options;
  if (o === undefined) return;
  if (!isObject(o)) {
    throw typeError(name, what + ".options must be an object (got " + got(o) + ")");
  }
  if (f.type === "phone" && o.preferredMethod !== undefined &&
      !PHONE_METHODS.includes(o.preferredMethod)) {
    throw error(name, what + '.options.preferredMethod must be one of "sms", "voice", "both" (got ' +
      got(o.preferredMethod) + ")");
  }
  if ((f.type === "push-notification" || f.type === "push") && o.otpFallback !== undefined &&
      typeof o.otpFallback !== "boolean") {
    throw typeError(name, what + ".options.otpFallback must be a boolean (got " + got(o.otpFallback) + ")");
  }
}

function checkFactorList(name, what, list) {
  if (!isArray(list)) {
    throw typeError(name, what + " must be an array of factors (got " + got(list) + ")");
  }
  if (list.length === 0) {
    throw error(name, what + " must contain at least one factor");
  }
  for (let i = 0; i < list.length; i++) checkFactor(name, what + "[" + i + "]", list[i]);
}

function checkFactorOptions(name, options) {
  if (options === undefined) return;
  if (!isObject(options)) {
    throw typeError(name, "options must be an object (got " + got(options) + ")");
  }
  if (options.additionalFactors !== undefined) {
    checkFactorList(name, "options.additionalFactors", options.additionalFactors);
  }
}

function checkExpiry(name, ms) {
  if (ms === undefined || ms === null || ms === 0) {
    throw error(name, "an expiration time (milliseconds since the epoch) must be provided");
  }
  if (!isFiniteNumber(ms)) {
    throw typeError(name, "expiration must be a finite number of milliseconds since the epoch (got " +
      got(ms) + ")");
  }
}

function checkOptionalReason(name, reason, max) {
  if (reason === undefined) return;
  if (typeof reason !== "string") {
    throw typeError(name, "reason must be a string (got " + got(reason) + ")");
  }
  if (max !== undefined && charLength(reason) > max) {
    throw error(name, "reason must be at most " + max + " characters (got " + charLength(reason) + ")");
  }
}

// Validates one session / refresh-token metadata write against `meta` (the current copy).
function checkEntityMetadata(name, meta, key, value) {
  if (typeof key !== "string") {
    throw typeError(name, "key must be a string (got " + got(key) + ")");
  }
  if (value !== null && typeof value !== "string") {
    throw typeError(name, "value must be a string or null (got " + got(value) + ")");
  }
  if (value === null) return;
  if (key.indexOf("\u0000") >= 0 || !META_KEY.test(key)) {
    throw error(name, "key must be 1-" + MAX_META_KEY_LENGTH +
      " letters, digits, underscores or hyphens (got " + got(key) + ")");
  }
  if (value.indexOf("\u0000") >= 0) {
    throw error(name, "value must not contain null bytes");
  }
  const len = charLength(value);
  if (len > MAX_META_VALUE_LENGTH) {
    throw error(name, "value must be at most " + MAX_META_VALUE_LENGTH + " characters (got " + len + ")");
  }
  if (!hasOwn(meta, key) && objectKeys(meta).length >= MAX_META_KEYS) {
    throw error(name, "metadata must not contain more than " + MAX_META_KEYS + " entries");
  }
}

function copyStringMap(src) {
  const out = {};
  if (isObject(src)) {
    const keys = objectKeys(src);
    for (let i = 0; i < keys.length; i++) out[keys[i]] = src[keys[i]];
  }
  return out;
}

function checkSamlConfig(name, key, value) {
  const spec = SAML_CONFIG[key];
  switch (spec[0]) {
    case SAML_STRING:
      if (typeof value !== "string") {
        throw typeError(name, key + " must be a string (got " + got(value) + ")");
      }
      if (charLength(value) > spec[1]) {
        throw error(name, key + " must be at most " + spec[1] + " characters (got " +
          charLength(value) + ")");
      }
      return;
    case SAML_BOOLEAN:
      if (typeof value !== "boolean") {
        throw typeError(name, key + " must be a boolean (got " + got(value) + ")");
      }
      return;
    case SAML_NUMBER:
      if (!isFiniteNumber(value)) {
        throw typeError(name, key + " must be a finite number (got " + got(value) + ")");
      }
      return;
    case SAML_ENUM:
      if (!spec[1].includes(value)) {
        throw error(name, key + " must be one of " + spec[1].map((v) => JSONStringify(v)).join(", ") +
          " (got " + got(value) + ")");
      }
      return;
    case SAML_PROBES:
      if (!isArray(value)) {
        throw typeError(name, key + " must be an array of strings (got " + got(value) + ")");
      }
      if (value.length > spec[1]) {
        throw error(name, key + " must have at most " + spec[1] + " items (got " + value.length + ")");
      }
      for (let i = 0; i < value.length; i++) {
        if (typeof value[i] !== "string") {
          throw typeError(name, key + "[" + i + "] must be a string (got " + got(value[i]) + ")");
        }
        if (charLength(value[i]) > spec[2]) {
          throw error(name, key + "[" + i + "] must be at most " + spec[2] + " characters");
        }
      }
  }
}

function checkSamlValue(name, value) {
  const t = typeof value;
  if (value === null || t === "boolean") return;
  if (t === "number") {
    if (!numberIsFinite(value)) throw error(name, "value must be a finite number (got " + got(value) + ")");
    return;
  }
  if (t === "string") {
    if (charLength(value) > MAX_SAML_VALUE_LENGTH) {
      throw error(name, "value must be at most " + MAX_SAML_VALUE_LENGTH + " characters (got " +
        charLength(value) + ")");
    }
    return;
  }
  if (isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const vt = typeof v;
      if (vt === "boolean" || (vt === "number" && numberIsFinite(v))) continue;
      if (vt === "string") {
        if (charLength(v) > MAX_SAML_VALUE_LENGTH) {
          throw error(name, "value[" + i + "] must be at most " + MAX_SAML_VALUE_LENGTH + " characters");
        }
        continue;
      }
      throw typeError(name, "value[" + i + "] must be a string, number or boolean (got " + got(v) + ")");
    }
    return;
  }
  throw typeError(name, "value must be a string, number, boolean, array or null (got " + got(value) + ")");
}

function checkPromptOptions(name, options) {
  if (!isObject(options)) {
    throw typeError(name, "options must be an object like {fields, vars} (got " + got(options) + ")");
  }
  const keys = objectKeys(options);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== "fields" && keys[i] !== "vars") {
      throw error(name, "options may only contain fields and vars (got " + got(keys[i]) + ")");
    }
  }
  for (const part of ["fields", "vars"]) {
    const v = options[part];
    if (v === undefined) continue;
    if (!isObject(v)) {
      throw typeError(name, "options." + part + " must be an object (got " + got(v) + ")");
    }
    const names = objectKeys(v);
    if (names.length > MAX_PROMPT_OPTION_KEYS) {
      throw error(name, "options." + part + " must have at most " + MAX_PROMPT_OPTION_KEYS +
        " properties (got " + names.length + ")");
    }
    if (part === "fields") {
      for (let i = 0; i < names.length; i++) {
        if (!PROMPT_FIELD_NAME.test(names[i])) {
          throw error(name, "options.fields name " + got(names[i]) +
            " must match ^[a-zA-Z_][a-zA-Z0-9_]{0,49}$");
        }
      }
    }
  }
  let json;
  try {
    json = JSONStringify(options);
  } catch (e) {
    throw typeError(name, "options must be JSON-serializable (" + e.message + ")");
  }
  const bytes = utf8Length(json);
  if (bytes > MAX_PROMPT_OPTIONS_BYTES) {
    throw error(name, "options must be at most " + MAX_PROMPT_OPTIONS_BYTES + " bytes as JSON (got " +
      bytes + ")");
  }
}

function txValueBytes(v) {
  return typeof v === "string" ? utf8Length(v) : utf8Length(StringCtor(v));
}

// --- api.cache on the host store ------------------------------------------------------------

function cacheError(code) {
  return { type: "error", code };
}

function isExpired(rec, now) {
  return !rec || !(rec.expires_at > now);
}

// Removes expired records; returns [liveCount, liveBytes] excluding `skipKey`.
function purgeAndMeasure(store, now, skipKey) {
  const expired = [];
  let count = 0;
  let bytes = 0;
  for (const entry of store.entries()) {
    const k = entry[0];
    const rec = entry[1];
    if (isExpired(rec, now)) {
      expired.push(k);
      continue;
    }
    if (k === skipKey) continue;
    count++;
    bytes += utf8Length(StringCtor(k)) + utf8Length(StringCtor(rec.value));
  }
  for (let i = 0; i < expired.length; i++) store.delete(expired[i]);
  return [count, bytes];
}

// ---------------------------------------------------------------------------------------------

/**
 * Builds the post-login `api` for one Action execution.
 *
 * ctx: { event, phase: "execute"|"continue", record(name, args), cache (Map-like store),
 *        rulesExecuted: string[], now(): ms, hmacSha256(secret, data): base64url string,
 *        primaryUserAlreadySet?: boolean  (an earlier Action/Rule of this transaction did it),
 *        cacheMaxTotalBytes?: number      (total key+value budget, default 8192) }
 */
export function createPostLoginApi(ctx) {
  const event = ctx.event;
  const store = ctx.cache;
  const isContinue = ctx.phase === "continue";
  const cacheMaxTotal = isFiniteNumber(ctx.cacheMaxTotalBytes)
    ? ctx.cacheMaxTotalBytes
    : DEFAULT_CACHE_TOTAL_BYTES;

  // Per-execution state.
  let scopeOps = null; // scope -> "add" | "remove"
  let addedScopes = 0;
  let primaryUserSet = ctx.primaryUserAlreadySet === true;
  let redirected = false;
  let rendered = false;
  let samlAttrs = null;
  let samlAttrCount = 0;
  let rtMeta = null;
  let sessMeta = null;

  function emit(name, args) {
    ctx.record(name, cloneArgs(name, args));
  }

  function scope(name, op, value) {
    const s = checkScope(name, value);
    if (scopeOps === null) scopeOps = Object.create(null);
    const prev = scopeOps[s];
    if (op === "add" && prev !== "add" && addedScopes >= MAX_ADDED_SCOPES) {
      throw error(name, "the number of added scopes exceeds the maximum of " + MAX_ADDED_SCOPES);
    }
    emit(name, [s]);
    if (op === "add" && prev !== "add") addedScopes++;
    if (op === "remove" && prev === "add") addedScopes--;
    scopeOps[s] = op;
  }

  function setUserMetadata(name, field, key, value) {
    const current = event.user ? event.user[field] : undefined;
    if (!isObject(current)) {
      throw new Error("Unexpected " + field + " format: expected an object");
    }
    if (typeof key !== "string") {
      throw typeError(name, "key must be a string (got " + got(key) + ")");
    }
    if (key === "") throw error(name, "key must be a non-empty string");
    emit(name, [key, value === undefined ? null : value]);
    return api;
  }

  function samlConfig(name, key, value) {
    checkSamlConfig(name, key, value);
    emit(name, [value]);
    return api;
  }

  function refreshTokenOnlineGuard(name) {
    const rt = event.refresh_token;
    if (rt && rt.access === "online") {
      throw error(name, "cannot be called on an online refresh token");
    }
  }

  function rtMetadata() {
    if (rtMeta === null) rtMeta = copyStringMap(event.refresh_token && event.refresh_token.metadata);
    return rtMeta;
  }

  function publishRtMetadata() {
    if (event.refresh_token) event.refresh_token.metadata = copyStringMap(rtMeta);
  }

  function sessionMetadata() {
    if (!event.session) return null;
    if (sessMeta === null) sessMeta = copyStringMap(event.session.metadata);
    return sessMeta;
  }

  const build_access = () => ({
    deny(reason) {
      const N = "access.deny";
      if (typeof reason !== "string") {
        throw typeError(N, "reason must be a string (got " + got(reason) + ")");
      }
      emit(N, [reason]);
      return api;
    },
  });

  const build_accessToken = () => ({
    setCustomClaim(key, value) {
      const N = "accessToken.setCustomClaim";
      checkClaimKey(N, key);
      emit(N, [key, value]);
      return api;
    },
    addScope(value) {
      scope("accessToken.addScope", "add", value);
    },
    removeScope(value) {
      scope("accessToken.removeScope", "remove", value);
    },
  });

  const build_idToken = () => ({
    setCustomClaim(key, value) {
      const N = "idToken.setCustomClaim";
      checkClaimKey(N, key);
      emit(N, [key, value]);
      return api;
    },
  });

  const build_multifactor = () => ({
    enable(provider, options) {
      const N = "multifactor.enable";
      if (typeof provider !== "string") {
        throw typeError(N, "provider must be a string (got " + got(provider) + ")");
      }
      if (!MFA_PROVIDERS.includes(provider)) {
        throw error(N, 'provider must be one of "none", "guardian", "google-authenticator", "duo", "any" (got ' +
          got(provider) + ")");
      }
      const opts = {};
      if (options !== undefined && options !== null) {
        if (!isObject(options)) {
          throw typeError(N, "options must be an object (got " + got(options) + ")");
        }
        const remember = options.allowRememberBrowser;
        if (remember !== undefined) {
          if (typeof remember !== "boolean") {
            throw typeError(N, "options.allowRememberBrowser must be a boolean (got " + got(remember) + ")");
          }
          opts.allowRememberBrowser = remember;
        }
        const po = options.providerOptions;
        if (po !== undefined) {
          if (!isObject(po)) {
            throw typeError(N, "options.providerOptions must be an object (got " + got(po) + ")");
          }
          opts.providerOptions = po;
        }
      }
      emit(N, [provider, opts]);
      return api;
    },
  });

  const build_authentication = () => ({
    challengeWith(factor, options) {
      const N = "authentication.challengeWith";
      checkFactor(N, "factor", factor);
      checkFactorOptions(N, options);
      emit(N, options === undefined ? [factor] : [factor, options]);
    },
    challengeWithAny(factors) {
      const N = "authentication.challengeWithAny";
      checkFactorList(N, "factors", factors);
      emit(N, [factors]);
    },
    enrollWith(factor, options) {
      const N = "authentication.enrollWith";
      checkFactor(N, "factor", factor);
      checkFactorOptions(N, options);
      emit(N, options === undefined ? [factor] : [factor, options]);
    },
    enrollWithAny(factors) {
      const N = "authentication.enrollWithAny";
      checkFactorList(N, "factors", factors);
      emit(N, [factors]);
    },
    recordMethod(providerUrl) {
      const N = "authentication.recordMethod";
      if (!isContinue) {
        throw error(N, "can only be called from onContinuePostLogin (current phase: " +
          got(ctx.phase) + ")");
      }
      if (typeof providerUrl !== "string") {
        throw typeError(N, "provider_url must be a string (got " + got(providerUrl) + ")");
      }
      let u;
      try {
        u = new URL(providerUrl);
      } catch {
        throw error(N, "provider_url must be an absolute http(s) URL (got " + got(providerUrl) + ")");
      }
      if (u.protocol !== "http:" && u.protocol !== "https:") {
        throw error(N, "provider_url must be an absolute http(s) URL (got " + got(providerUrl) + ")");
      }
      emit(N, [providerUrl]);
      return api;
    },
    setPrimaryUser(primaryUserId) {
      const N = "authentication.setPrimaryUser";
      if (primaryUserSet) throw new Error(PRIMARY_USER_ONCE);
      if (typeof primaryUserId !== "string") {
        throw typeError(N, "primary_user_id must be a string (got " + got(primaryUserId) + ")");
      }
      if (primaryUserId === "") throw error(N, "primary_user_id must be a non-empty string");
      const len = charLength(primaryUserId);
      if (len > MAX_USER_ID_LENGTH) {
        throw error(N, "primary_user_id must be at most " + MAX_USER_ID_LENGTH + " characters (got " +
          len + ")");
      }
      emit(N, [primaryUserId]);
      primaryUserSet = true;
    },
  });

  const build_redirect = () => ({
    sendUserTo(url, options) {
      const N = "redirect.sendUserTo";
      if (rendered) throw new Error(REDIRECT_AND_RENDER);
      if (typeof url !== "string") {
        throw typeError(N, "url must be a string (got " + got(url) + ")");
      }
      let u;
      try {
        u = new URL(url);
      } catch {
        throw error(N, "url must be an absolute URL (got " + got(url) + ")");
      }
      if (options !== undefined && options !== null) {
        if (!isObject(options)) {
          throw typeError(N, "options must be an object like {query} (got " + got(options) + ")");
        }
        const query = options.query;
        if (query !== undefined && query !== null) {
          if (!isObject(query)) {
            throw typeError(N, "options.query must be an object (got " + got(query) + ")");
          }
          const keys = objectKeys(query);
          for (let i = 0; i < keys.length; i++) u.searchParams.set(keys[i], query[keys[i]]);
        }
      }
      const href = u.href;
      emit(N, [href]);
      redirected = true;
      return api;
    },
    encodeToken(options) {
      const N = "redirect.encodeToken";
      if (!isObject(options)) {
        throw typeError(N, "options must be an object like {secret, payload} (got " + got(options) + ")");
      }
      const secret = options.secret;
      if (typeof secret !== "string") {
        throw typeError(N, "secret must be a string (got " + got(secret) + ")");
      }
      if (secret === "") throw error(N, "secret must be a non-empty string");
      const payload = options.payload;
      if (payload !== undefined && payload !== null && !isObject(payload)) {
        throw typeError(N, "payload must be an object (got " + got(payload) + ")");
      }
      const ttl = options.expiresInSeconds;
      if (ttl !== undefined && ttl !== null && !isFiniteNumber(ttl)) {
        throw typeError(N, "expiresInSeconds must be a finite number (got " + got(ttl) + ")");
      }
      const request = event.request || {};
      const iat = floor(ctx.now() / 1000);
      const claims = {
        iat,
        iss: request.hostname,
        sub: event.user ? event.user.user_id : undefined,
        exp: iat + (ttl ?? DEFAULT_SESSION_TOKEN_TTL_S),
        ip: request.ip,
      };
      if (payload) {
        const keys = objectKeys(payload);
        for (let i = 0; i < keys.length; i++) claims[keys[i]] = payload[keys[i]];
      }
      let body;
      try {
        body = JSONStringify(claims);
      } catch (e) {
        throw typeError(N, "payload must be JSON-serializable (" + e.message + ")");
      }
      const input = base64UrlEncode(JWT_HEADER) + "." + base64UrlEncode(body);
      return input + "." + ctx.hmacSha256(secret, input);
    },
    validateToken(options) {
      const N = "redirect.validateToken";
      if (!isObject(options)) {
        throw typeError(N, "options must be an object like {secret} (got " + got(options) + ")");
      }
      const secret = options.secret;
      if (typeof secret !== "string") {
        throw typeError(N, "secret must be a string (got " + got(secret) + ")");
      }
      if (secret === "") throw error(N, "secret must be a non-empty string");
      let param = options.tokenParameterName;
      if (param === undefined || param === null || param === "") param = DEFAULT_SESSION_TOKEN_PARAM;
      if (typeof param !== "string") {
        throw typeError(N, "tokenParameterName must be a string (got " + got(param) + ")");
      }
      const request = event.request || {};
      const query = isObject(request.query) ? request.query : {};
      const body = isObject(request.body) ? request.body : {};
      let token = hasOwn(query, param) ? query[param] : undefined;
      if (token === undefined || token === null || token === "") {
        token = hasOwn(body, param) ? body[param] : undefined;
      }
      if (token === undefined || token === null || token === "") {
        throw new Error("There is no parameter called '" + param +
          "' available in either the POST body or query string.");
      }
      const invalid = (reason) => new Error("The session token is invalid: " + reason);
      if (typeof token !== "string") throw invalid("The token is not a string.");
      const parts = token.split(".");
      if (parts.length !== 3) throw invalid("The token is malformed.");
      const headerText = base64UrlDecode(parts[0]);
      const claimsText = base64UrlDecode(parts[1]);
      if (headerText === undefined || claimsText === undefined) throw invalid("The token is malformed.");
      let header;
      let claims;
      try {
        header = JSONParse(headerText);
        claims = JSONParse(claimsText);
      } catch {
        throw invalid("The token is malformed.");
      }
      if (!isObject(header) || !isObject(claims)) throw invalid("The token is malformed.");
      if (header.alg !== "HS256") throw invalid("Unsupported signing algorithm.");
      if (header.typ !== undefined && (typeof header.typ !== "string" || header.typ.toUpperCase() !== "JWT")) {
        throw invalid("Unexpected token payload type.");
      }
      const expected = ctx.hmacSha256(secret, parts[0] + "." + parts[1]);
      if (typeof expected !== "string" || expected !== parts[2]) {
        throw invalid("Failed signature validation.");
      }
      if (!isFiniteNumber(claims.exp)) throw invalid("Missing or invalid standard claims.");
      let state = query.state;
      if (state === undefined) state = body.state;
      if (typeof state !== "string" || claims.state !== state) {
        throw invalid("State in the token does not match the /continue state.");
      }
      const userId = event.user ? event.user.user_id : undefined;
      if (claims.sub !== userId) throw invalid("The sub claim does not match the user_id.");
      if (!(claims.exp > floor(ctx.now() / 1000))) throw invalid("Token has expired.");
      return claims;
    },
    canRedirect() {
      const request = event.request;
      const query = request && request.query;
      if (query && query.prompt === "none") return false;
      const protocol = event.transaction && event.transaction.protocol;
      return !NO_REDIRECT_PROTOCOLS.includes(protocol || "unknown-protocol");
    },
  });

  const build_user = () => ({
    setAppMetadata(key, value) {
      return setUserMetadata("user.setAppMetadata", "app_metadata", key, value);
    },
    setUserMetadata(key, value) {
      return setUserMetadata("user.setUserMetadata", "user_metadata", key, value);
    },
  });

  const build_cache = () => ({
    get(key) {
      if (typeof key !== "string") return undefined;
      const rec = store.get(key);
      if (!rec) return undefined;
      if (isExpired(rec, ctx.now())) {
        store.delete(key);
        return undefined;
      }
      return { value: rec.value, expires_at: rec.expires_at };
    },
    set(key, value, options) {
      const N = "cache.set";
      if (typeof key !== "string") {
        throw typeError(N, "key must be a string (got " + got(key) + ")");
      }
      if (typeof value !== "string") {
        throw typeError(N, "value must be a string (got " + got(value) + ")");
      }
      if (options !== undefined && options !== null && !isObject(options)) {
        throw typeError(N, "options must be an object like {ttl, expires_at} (got " + got(options) + ")");
      }
      const keyBytes = utf8Length(key);
      if (keyBytes > MAX_CACHE_KEY_BYTES) return cacheError("CacheKeySizeExceeded");
      const valueBytes = utf8Length(value);
      if (valueBytes > MAX_CACHE_VALUE_BYTES) return cacheError("CacheValueSizeExceeded");

      const now = ctx.now();
      let expiresAt;
      const ttl = options ? options.ttl : undefined;
      if (ttl !== undefined) {
        if (!isFiniteNumber(ttl)) return cacheError("InvalidExpiry");
        expiresAt = now + floor(ttl);
      }
      const at = options ? options.expires_at : undefined;
      if (at !== undefined) {
        if (!isFiniteNumber(at)) return cacheError("InvalidExpiry");
        const atFloor = floor(at);
        expiresAt = expiresAt === undefined || atFloor < expiresAt ? atFloor : expiresAt;
      }
      if (expiresAt === undefined) expiresAt = now + DEFAULT_CACHE_TTL_MS;
      if (!isSafeInteger(expiresAt)) return cacheError("InvalidExpiry");
      if (expiresAt <= now) return cacheError("ItemAlreadyExpired");
      if (expiresAt > now + MAX_CACHE_TTL_MS) expiresAt = now + MAX_CACHE_TTL_MS;

      const measured = purgeAndMeasure(store, now, key);
      if (measured[0] >= MAX_CACHE_ENTRIES) return cacheError("CacheSizeExceeded");
      if (measured[1] + keyBytes + valueBytes > cacheMaxTotal) return cacheError("CacheSizeExceeded");

      store.set(key, { value, expires_at: expiresAt });
      const stored = store.get(key);
      if (!stored || stored.value !== value) return cacheError("FailedToSetCacheRecord");
      emit(N, [key, value, { expires_at: expiresAt }]);
      return { type: "success", record: { value, expires_at: expiresAt } };
    },
    delete(key) {
      const N = "cache.delete";
      if (typeof key !== "string") return cacheError("CacheKeyDoesNotExist");
      const rec = store.get(key);
      if (!rec) return cacheError("CacheKeyDoesNotExist");
      if (isExpired(rec, ctx.now())) {
        store.delete(key);
        return cacheError("CacheKeyDoesNotExist");
      }
      if (!store.delete(key)) return cacheError("FailedToDeleteCacheRecord");
      emit(N, [key]);
      return { type: "success" };
    },
  });

  const build_samlResponse = () => ({
    setAttribute(attribute, value) {
      const N = "samlResponse.setAttribute";
      if (typeof attribute !== "string") {
        throw typeError(N, "attribute must be a string (got " + got(attribute) + ")");
      }
      if (attribute === "") throw error(N, "attribute must be a non-empty string");
      if (charLength(attribute) > MAX_SAML_ATTRIBUTE_NAME) {
        throw error(N, "attribute must be at most " + MAX_SAML_ATTRIBUTE_NAME + " characters (got " +
          charLength(attribute) + ")");
      }
      const v = value === undefined ? null : value;
      checkSamlValue(N, v);
      if (samlAttrs === null) samlAttrs = Object.create(null);
      const isNew = !(attribute in samlAttrs);
      if (isNew && samlAttrCount >= MAX_SAML_ATTRIBUTE_CHANGES) {
        throw error(N, "at most " + MAX_SAML_ATTRIBUTE_CHANGES + " SAML attributes can be changed");
      }
      const previous = samlAttrs[attribute];
      samlAttrs[attribute] = v;
      const size = utf8Length(JSONStringify(samlAttrs));
      if (size > MAX_SAML_ATTRIBUTES_BYTES) {
        if (isNew) delete samlAttrs[attribute];
        else samlAttrs[attribute] = previous;
        throw error(N, "the serialized SAML attributes must be at most " + MAX_SAML_ATTRIBUTES_BYTES +
          " bytes (got " + size + ")");
      }
      if (isNew) samlAttrCount++;
      emit(N, [attribute, v]);
      return api;
    },
    setAudience(v) { return samlConfig("samlResponse.setAudience", "audience", v); },
    setRecipient(v) { return samlConfig("samlResponse.setRecipient", "recipient", v); },
    setCreateUpnClaim(v) { return samlConfig("samlResponse.setCreateUpnClaim", "createUpnClaim", v); },
    setPassthroughClaimsWithNoMapping(v) {
      return samlConfig("samlResponse.setPassthroughClaimsWithNoMapping", "passthroughClaimsWithNoMapping", v);
    },
    setMapUnknownClaimsAsIs(v) {
      return samlConfig("samlResponse.setMapUnknownClaimsAsIs", "mapUnknownClaimsAsIs", v);
    },
    setMapIdentities(v) { return samlConfig("samlResponse.setMapIdentities", "mapIdentities", v); },
    setSignatureAlgorithm(v) {
      return samlConfig("samlResponse.setSignatureAlgorithm", "signatureAlgorithm", v);
    },
    setDigestAlgorithm(v) { return samlConfig("samlResponse.setDigestAlgorithm", "digestAlgorithm", v); },
    setDestination(v) { return samlConfig("samlResponse.setDestination", "destination", v); },
    setLifetimeInSeconds(v) {
      return samlConfig("samlResponse.setLifetimeInSeconds", "lifetimeInSeconds", v);
    },
    setSignResponse(v) { return samlConfig("samlResponse.setSignResponse", "signResponse", v); },
    setNameIdentifierFormat(v = DEFAULT_NAME_ID_FORMAT) {
      return samlConfig("samlResponse.setNameIdentifierFormat", "nameIdentifierFormat", v);
    },
    setNameIdentifierProbes(v) {
      return samlConfig("samlResponse.setNameIdentifierProbes", "nameIdentifierProbes", v);
    },
    setAuthnContextClassRef(v) {
      return samlConfig("samlResponse.setAuthnContextClassRef", "authnContextClassRef", v);
    },
    setSigningCert(v) { return samlConfig("samlResponse.setSigningCert", "signingCert", v); },
    setIncludeAttributeNameFormat(v) {
      return samlConfig("samlResponse.setIncludeAttributeNameFormat", "includeAttributeNameFormat", v);
    },
    setTypedAttributes(v) { return samlConfig("samlResponse.setTypedAttributes", "typedAttributes", v); },
    setEncryptionCert(v) { return samlConfig("samlResponse.setEncryptionCert", "encryptionCert", v); },
    setEncryptionPublicKey(v) {
      return samlConfig("samlResponse.setEncryptionPublicKey", "encryptionPublicKey", v);
    },
    setCert(v) { return samlConfig("samlResponse.setCert", "cert", v); },
    setKey(v) { return samlConfig("samlResponse.setKey", "key", v); },
    setRelayState(v) { return samlConfig("samlResponse.setRelayState", "RelayState", v); },
    setIssuer(v) { return samlConfig("samlResponse.setIssuer", "issuer", v); },
    setEncryptionAlgorithm(v) {
      return samlConfig("samlResponse.setEncryptionAlgorithm", "encryptionAlgorithm", v);
    },
  });

  const build_validation = () => ({
    error(errorCode, errorMessage) {
      const N = "validation.error";
      if (typeof errorCode !== "string") {
        throw typeError(N, "errorCode must be a string (got " + got(errorCode) + ")");
      }
      if (typeof errorMessage !== "string") {
        throw typeError(N, "errorMessage must be a string (got " + got(errorMessage) + ")");
      }
      if (charLength(errorCode) > MAX_VALIDATION_TEXT) {
        throw error(N, "errorCode must be at most " + MAX_VALIDATION_TEXT + " characters (got " +
          charLength(errorCode) + ")");
      }
      if (charLength(errorMessage) > MAX_VALIDATION_TEXT) {
        throw error(N, "errorMessage must be at most " + MAX_VALIDATION_TEXT + " characters (got " +
          charLength(errorMessage) + ")");
      }
      emit(N, [errorCode, errorMessage]);
      return api;
    },
  });

  const build_rules = () => ({
    wasExecuted(ruleId) {
      const executed = ctx.rulesExecuted;
      return isArray(executed) ? executed.includes(ruleId) : false;
    },
  });

  const build_prompt = () => ({
    render(promptId, options) {
      const N = "prompt.render";
      if (redirected) throw new Error(REDIRECT_AND_RENDER);
      if (rendered) throw error(N, "only one render command per action is allowed");
      if (typeof promptId !== "string") {
        throw typeError(N, "promptId must be a string (got " + got(promptId) + ")");
      }
      if (promptId === "") throw error(N, "promptId must be a non-empty string");
      if (charLength(promptId) > MAX_PROMPT_ID_LENGTH) {
        throw error(N, "promptId must be at most " + MAX_PROMPT_ID_LENGTH + " characters (got " +
          charLength(promptId) + ")");
      }
      const opts = options === undefined || options === null ? {} : options;
      checkPromptOptions(N, opts);
      emit(N, [promptId, opts]);
      rendered = true;
    },
  });

  const build_refreshToken = () => ({
    revoke(reason) {
      const N = "refreshToken.revoke";
      const protocol = event.transaction && event.transaction.protocol;
      if (protocol !== "oauth2-refresh-token") {
        throw error(N, 'can only be called when event.transaction.protocol is "oauth2-refresh-token" (got ' +
          got(protocol) + ")");
      }
      checkOptionalReason(N, reason, MAX_REVOKE_REASON);
      emit(N, [reason === undefined ? null : reason]);
      return api;
    },
    setExpiresAt(ms) {
      const N = "refreshToken.setExpiresAt";
      refreshTokenOnlineGuard(N);
      checkExpiry(N, ms);
      emit(N, [ms]);
      return api;
    },
    setIdleExpiresAt(ms) {
      const N = "refreshToken.setIdleExpiresAt";
      refreshTokenOnlineGuard(N);
      checkExpiry(N, ms);
      emit(N, [ms]);
      return api;
    },
    setMetadata(key, value) {
      const N = "refreshToken.setMetadata";
      refreshTokenOnlineGuard(N);
      const meta = rtMetadata();
      checkEntityMetadata(N, meta, key, value);
      if (value === null) {
        if (!hasOwn(meta, key)) return api;
        emit(N, [key, null]);
        delete meta[key];
      } else {
        emit(N, [key, value]);
        meta[key] = value;
      }
      publishRtMetadata();
      return api;
    },
    deleteMetadata(key) {
      const N = "refreshToken.deleteMetadata";
      refreshTokenOnlineGuard(N);
      if (typeof key !== "string") {
        throw typeError(N, "key must be a string (got " + got(key) + ")");
      }
      const meta = rtMetadata();
      if (!hasOwn(meta, key)) return api;
      emit(N, [key]);
      delete meta[key];
      publishRtMetadata();
      return api;
    },
    evictMetadata() {
      const N = "refreshToken.evictMetadata";
      refreshTokenOnlineGuard(N);
      const meta = rtMetadata();
      if (objectKeys(meta).length === 0) return api;
      emit(N, []);
      rtMeta = {};
      publishRtMetadata();
      return api;
    },
  });

  const build_session = () => ({
    revoke(reason, options) {
      const N = "session.revoke";
      checkOptionalReason(N, reason);
      if (options !== undefined && options !== null) {
        if (!isObject(options)) {
          throw typeError(N, "options must be an object like {preserveRefreshTokens} (got " + got(options) + ")");
        }
        const keys = objectKeys(options);
        for (let i = 0; i < keys.length; i++) {
          if (keys[i] !== "preserveRefreshTokens") {
            throw error(N, "options may only contain preserveRefreshTokens (got " + got(keys[i]) + ")");
          }
        }
        if (options.preserveRefreshTokens !== undefined && typeof options.preserveRefreshTokens !== "boolean") {
          throw typeError(N, "options.preserveRefreshTokens must be a boolean (got " +
            got(options.preserveRefreshTokens) + ")");
        }
      }
      emit(N, [reason === undefined ? null : reason, options == null ? {} : options]);
      return api;
    },
    setExpiresAt(ms) {
      const N = "session.setExpiresAt";
      checkExpiry(N, ms);
      emit(N, [ms]);
      return api;
    },
    setIdleExpiresAt(ms) {
      const N = "session.setIdleExpiresAt";
      checkExpiry(N, ms);
      emit(N, [ms]);
      return api;
    },
    setCookieMode(mode) {
      const N = "session.setCookieMode";
      if (mode === undefined || mode === null || mode === "") throw error(N, "mode must be provided");
      if (typeof mode !== "string") {
        throw typeError(N, "mode must be a string (got " + got(mode) + ")");
      }
      if (!COOKIE_MODES.includes(mode)) {
        throw error(N, 'mode must be "persistent" or "non-persistent" (got ' + got(mode) + ")");
      }
      emit(N, [mode]);
      const s = event.session;
      if (isObject(s) && objectKeys(s).length > 0) {
        if (isObject(s.cookie)) s.cookie.mode = mode;
        else s.cookie = { mode };
      }
      return api;
    },
    setMetadata(key, value) {
      const N = "session.setMetadata";
      const meta = sessionMetadata();
      if (meta === null) {
        throw error(N, "cannot set metadata on a session that does not exist (event.session is absent)");
      }
      checkEntityMetadata(N, meta, key, value);
      if (value === null) {
        if (!hasOwn(meta, key)) return api;
        emit(N, [key, null]);
        delete meta[key];
      } else {
        emit(N, [key, value]);
        meta[key] = value;
      }
      event.session.metadata = copyStringMap(meta);
      return api;
    },
    deleteMetadata(key) {
      const N = "session.deleteMetadata";
      if (typeof key !== "string") {
        throw typeError(N, "key must be a string (got " + got(key) + ")");
      }
      const meta = sessionMetadata();
      if (meta === null || !hasOwn(meta, key)) return api;
      emit(N, [key]);
      delete meta[key];
      event.session.metadata = copyStringMap(meta);
      return api;
    },
    evictMetadata() {
      const N = "session.evictMetadata";
      const meta = sessionMetadata();
      if (meta === null || objectKeys(meta).length === 0) return api;
      emit(N, []);
      sessMeta = {};
      event.session.metadata = {};
      return api;
    },
  });

  const build_transaction = () => ({
    setMetadata(key, value) {
      const N = "transaction.setMetadata";
      if (typeof key !== "string") {
        throw typeError(N, "key must be a string (got " + got(key) + ")");
      }
      if (key === "") throw error(N, "key must be a non-empty string");
      const keyLen = charLength(key);
      if (keyLen > MAX_TX_KEY_LENGTH) {
        throw error(N, "key must be at most " + MAX_TX_KEY_LENGTH + " characters (got " + keyLen + ")");
      }
      const t = typeof value;
      if (value !== null && t !== "string" && t !== "number" && t !== "boolean") {
        throw typeError(N, "value must be a string, number, boolean or null (got " + got(value) + ")");
      }
      if (t === "number") {
        if (!numberIsFinite(value)) throw error(N, "value must be a finite number (got " + got(value) + ")");
        if (isInteger(value) && !isSafeInteger(value)) {
          throw error(N, "integer values must be safe integers (got " + got(value) + ")");
        }
      }
      let tx = event.transaction;
      const meta = tx && isObject(tx.metadata) ? tx.metadata : null;
      if (value !== null) {
        const vBytes = txValueBytes(value);
        if (vBytes > MAX_TX_VALUE_BYTES) {
          throw error(N, "value must be at most " + MAX_TX_VALUE_BYTES + " bytes (got " + vBytes + ")");
        }
        let total = utf8Length(key) + vBytes;
        if (meta !== null) {
          const keys = objectKeys(meta);
          for (let i = 0; i < keys.length; i++) {
            if (keys[i] === key) continue;
            total += utf8Length(keys[i]) + txValueBytes(meta[keys[i]]);
          }
        }
        if (total > MAX_TX_TOTAL_BYTES) {
          throw error(N, "transaction metadata must be at most " + MAX_TX_TOTAL_BYTES +
            " bytes in total (would be " + total + ")");
        }
      }
      emit(N, [key, value]);
      if (!isObject(tx)) {
        tx = {};
        event.transaction = tx;
      }
      if (meta === null) tx.metadata = {};
      if (value === null) delete tx.metadata[key];
      else tx.metadata[key] = value;
      return api;
    },
  });

  // Namespaces are built on first use: most scripts touch two or three of the fifteen, and
  // building all of them for every execution costs more than the rest of the run.
  const built = {};
  const api = {
    get access() {
      return (built.access ??= freeze(build_access()));
    },
    get accessToken() {
      return (built.accessToken ??= freeze(build_accessToken()));
    },
    get authentication() {
      return (built.authentication ??= freeze(build_authentication()));
    },
    get cache() {
      return (built.cache ??= freeze(build_cache()));
    },
    get idToken() {
      return (built.idToken ??= freeze(build_idToken()));
    },
    get multifactor() {
      return (built.multifactor ??= freeze(build_multifactor()));
    },
    get prompt() {
      return (built.prompt ??= freeze(build_prompt()));
    },
    get redirect() {
      return (built.redirect ??= freeze(build_redirect()));
    },
    get refreshToken() {
      return (built.refreshToken ??= freeze(build_refreshToken()));
    },
    get rules() {
      return (built.rules ??= freeze(build_rules()));
    },
    get samlResponse() {
      return (built.samlResponse ??= freeze(build_samlResponse()));
    },
    get session() {
      return (built.session ??= freeze(build_session()));
    },
    get transaction() {
      return (built.transaction ??= freeze(build_transaction()));
    },
    get user() {
      return (built.user ??= freeze(build_user()));
    },
    get validation() {
      return (built.validation ??= freeze(build_validation()));
    },
  };
  return freeze(api);
}
