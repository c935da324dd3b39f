// post_login_api.js: owns the post-login `api` object handed to onExecutePostLogin /
// onContinuePostLogin. It validates every call the way Auth0 does,
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
// Limits (Auth0's documented limits and the @auth0/actions argument codecs)

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
// The api object model.
//
// Every method is defined once, when the module loads, on the prototype of one class per
// namespace (all extending ApiObject) and of PostLoginApi. An execution's mutable state lives
// in a single plain object (see createPostLoginApi) that the api and its namespace objects
// hold in a private field #s, so scripts cannot reach it: it is no string- or symbol-keyed
// property and appears in no enumeration. Creating an api allocates the state object and the
// api object; each namespace object is created, frozen and cached in the state on first
// access. The prototypes are frozen and have no `constructor` property, so scripts can
// neither replace a method nor get hold of a class.
//
// Unlike the former closures, the methods need their namespace as `this`: a detached call
// (`const f = api.idToken.setCustomClaim; f(...)`) throws a TypeError saying so.

// Returns the state held by namespace object `o`, or throws when a method was called on
// something else (typically: detached from its namespace).
let stateOf;

class ApiObject {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  static {
    stateOf = (o, name) => {
      try {
        return o.#s;
      } catch {
        throw typeError(name, "must be called on the api object it belongs to (as api." + name +
          "), not detached from it or on another object");
      }
    };
  }
}

// --- per-execution helpers (take the state `s`) ----------------------------------------------

function emit(s, name, args) {
  s.ctx.record(name, cloneArgs(name, args));
}

function scope(s, name, op, value) {
  const v = checkScope(name, value);
  if (s.scopeOps === null) s.scopeOps = Object.create(null);
  const prev = s.scopeOps[v];
  if (op === "add" && prev !== "add" && s.addedScopes >= MAX_ADDED_SCOPES) {
    throw error(name, "the number of added scopes exceeds the maximum of " + MAX_ADDED_SCOPES);
  }
  emit(s, name, [v]);
  if (op === "add" && prev !== "add") s.addedScopes++;
  if (op === "remove" && prev === "add") s.addedScopes--;
  s.scopeOps[v] = op;
}

function setUserMetadata(s, name, field, key, value) {
  const event = s.event;
  const current = event.user ? event.user[field] : undefined;
  if (!isObject(current)) {
    throw new Error("Unexpected " + field + " format: expected an object");
  }
  if (typeof key !== "string") {
    throw typeError(name, "key must be a string (got " + got(key) + ")");
  }
  if (key === "") throw error(name, "key must be a non-empty string");
  emit(s, name, [key, value === undefined ? null : value]);
  return s.api;
}

function samlConfig(s, name, key, value) {
  checkSamlConfig(name, key, value);
  emit(s, name, [value]);
  return s.api;
}

function refreshTokenOnlineGuard(s, name) {
  const rt = s.event.refresh_token;
  if (rt && rt.access === "online") {
    throw error(name, "cannot be called on an online refresh token");
  }
}

function rtMetadata(s) {
  if (s.rtMeta === null) {
    const event = s.event;
    s.rtMeta = copyStringMap(event.refresh_token && event.refresh_token.metadata);
  }
  return s.rtMeta;
}

function publishRtMetadata(s) {
  const event = s.event;
  if (event.refresh_token) event.refresh_token.metadata = copyStringMap(s.rtMeta);
}

function sessionMetadata(s) {
  const event = s.event;
  if (!event.session) return null;
  if (s.sessMeta === null) s.sessMeta = copyStringMap(event.session.metadata);
  return s.sessMeta;
}

function invalidToken(reason) {
  return new Error("The session token is invalid: " + reason);
}

// --- namespaces ------------------------------------------------------------------------------

class AccessApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  deny(reason) {
    const N = "access.deny";
    const s = stateOf(this, N);
    if (typeof reason !== "string") {
      throw typeError(N, "reason must be a string (got " + got(reason) + ")");
    }
    emit(s, N, [reason]);
    return s.api;
  }
}

class AccessTokenApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setCustomClaim(key, value) {
    const N = "accessToken.setCustomClaim";
    const s = stateOf(this, N);
    checkClaimKey(N, key);
    emit(s, N, [key, value]);
    return s.api;
  }
  addScope(value) {
    const N = "accessToken.addScope";
    scope(stateOf(this, N), N, "add", value);
  }
  removeScope(value) {
    const N = "accessToken.removeScope";
    scope(stateOf(this, N), N, "remove", value);
  }
}

class IdTokenApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setCustomClaim(key, value) {
    const N = "idToken.setCustomClaim";
    const s = stateOf(this, N);
    checkClaimKey(N, key);
    emit(s, N, [key, value]);
    return s.api;
  }
}

class MultifactorApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  enable(provider, options) {
    const N = "multifactor.enable";
    const s = stateOf(this, N);
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
    emit(s, N, [provider, opts]);
    return s.api;
  }
}

class AuthenticationApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  challengeWith(factor, options) {
    const N = "authentication.challengeWith";
    const s = stateOf(this, N);
    checkFactor(N, "factor", factor);
    checkFactorOptions(N, options);
    emit(s, N, options === undefined ? [factor] : [factor, options]);
  }
  challengeWithAny(factors) {
    const N = "authentication.challengeWithAny";
    const s = stateOf(this, N);
    checkFactorList(N, "factors", factors);
    emit(s, N, [factors]);
  }
  enrollWith(factor, options) {
    const N = "authentication.enrollWith";
    const s = stateOf(this, N);
    checkFactor(N, "factor", factor);
    checkFactorOptions(N, options);
    emit(s, N, options === undefined ? [factor] : [factor, options]);
  }
  enrollWithAny(factors) {
    const N = "authentication.enrollWithAny";
    const s = stateOf(this, N);
    checkFactorList(N, "factors", factors);
    emit(s, N, [factors]);
  }
  recordMethod(providerUrl) {
    const N = "authentication.recordMethod";
    const s = stateOf(this, N);
    if (!s.isContinue) {
      throw error(N, "can only be called from onContinuePostLogin (current phase: " +
        got(s.ctx.phase) + ")");
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
    emit(s, N, [providerUrl]);
    return s.api;
  }
  setPrimaryUser(primaryUserId) {
    const N = "authentication.setPrimaryUser";
    const s = stateOf(this, N);
    if (s.primaryUserSet) throw new Error(PRIMARY_USER_ONCE);
    if (typeof primaryUserId !== "string") {
      throw typeError(N, "primary_user_id must be a string (got " + got(primaryUserId) + ")");
    }
    if (primaryUserId === "") throw error(N, "primary_user_id must be a non-empty string");
    const len = charLength(primaryUserId);
    if (len > MAX_USER_ID_LENGTH) {
      throw error(N, "primary_user_id must be at most " + MAX_USER_ID_LENGTH + " characters (got " +
        len + ")");
    }
    emit(s, N, [primaryUserId]);
    s.primaryUserSet = true;
  }
}

class RedirectApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  sendUserTo(url, options) {
    const N = "redirect.sendUserTo";
    const s = stateOf(this, N);
    if (s.rendered) throw new Error(REDIRECT_AND_RENDER);
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
    emit(s, N, [href]);
    s.redirected = true;
    return s.api;
  }
  encodeToken(options) {
    const N = "redirect.encodeToken";
    const s = stateOf(this, N);
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
    const ctx = s.ctx;
    const event = s.event;
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
  }
  validateToken(options) {
    const N = "redirect.validateToken";
    const s = stateOf(this, N);
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
    const ctx = s.ctx;
    const event = s.event;
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
    if (typeof token !== "string") throw invalidToken("The token is not a string.");
    const parts = token.split(".");
    if (parts.length !== 3) throw invalidToken("The token is malformed.");
    const headerText = base64UrlDecode(parts[0]);
    const claimsText = base64UrlDecode(parts[1]);
    if (headerText === undefined || claimsText === undefined) throw invalidToken("The token is malformed.");
    let header;
    let claims;
    try {
      header = JSONParse(headerText);
      claims = JSONParse(claimsText);
    } catch {
      throw invalidToken("The token is malformed.");
    }
    if (!isObject(header) || !isObject(claims)) throw invalidToken("The token is malformed.");
    if (header.alg !== "HS256") throw invalidToken("Unsupported signing algorithm.");
    if (header.typ !== undefined && (typeof header.typ !== "string" || header.typ.toUpperCase() !== "JWT")) {
      throw invalidToken("Unexpected token payload type.");
    }
    const expected = ctx.hmacSha256(secret, parts[0] + "." + parts[1]);
    if (typeof expected !== "string" || expected !== parts[2]) {
      throw invalidToken("Failed signature validation.");
    }
    if (!isFiniteNumber(claims.exp)) throw invalidToken("Missing or invalid standard claims.");
    let state = query.state;
    if (state === undefined) state = body.state;
    if (typeof state !== "string" || claims.state !== state) {
      throw invalidToken("State in the token does not match the /continue state.");
    }
    const userId = event.user ? event.user.user_id : undefined;
    if (claims.sub !== userId) throw invalidToken("The sub claim does not match the user_id.");
    if (!(claims.exp > floor(ctx.now() / 1000))) throw invalidToken("Token has expired.");
    return claims;
  }
  canRedirect() {
    const event = stateOf(this, "redirect.canRedirect").event;
    const request = event.request;
    const query = request && request.query;
    if (query && query.prompt === "none") return false;
    const protocol = event.transaction && event.transaction.protocol;
    return !NO_REDIRECT_PROTOCOLS.includes(protocol || "unknown-protocol");
  }
}

class UserApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setAppMetadata(key, value) {
    const N = "user.setAppMetadata";
    return setUserMetadata(stateOf(this, N), N, "app_metadata", key, value);
  }
  setUserMetadata(key, value) {
    const N = "user.setUserMetadata";
    return setUserMetadata(stateOf(this, N), N, "user_metadata", key, value);
  }
}

class CacheApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  get(key) {
    const s = stateOf(this, "cache.get");
    if (typeof key !== "string") return undefined;
    const store = s.store;
    const rec = store.get(key);
    if (!rec) return undefined;
    if (isExpired(rec, s.ctx.now())) {
      store.delete(key);
      return undefined;
    }
    return { value: rec.value, expires_at: rec.expires_at };
  }
  set(key, value, options) {
    const N = "cache.set";
    const s = stateOf(this, N);
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

    const store = s.store;
    const now = s.ctx.now();
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
    if (measured[1] + keyBytes + valueBytes > s.cacheMaxTotal) return cacheError("CacheSizeExceeded");

    store.set(key, { value, expires_at: expiresAt });
    const stored = store.get(key);
    if (!stored || stored.value !== value) return cacheError("FailedToSetCacheRecord");
    emit(s, N, [key, value, { expires_at: expiresAt }]);
    return { type: "success", record: { value, expires_at: expiresAt } };
  }
  delete(key) {
    const N = "cache.delete";
    const s = stateOf(this, N);
    if (typeof key !== "string") return cacheError("CacheKeyDoesNotExist");
    const store = s.store;
    const rec = store.get(key);
    if (!rec) return cacheError("CacheKeyDoesNotExist");
    if (isExpired(rec, s.ctx.now())) {
      store.delete(key);
      return cacheError("CacheKeyDoesNotExist");
    }
    if (!store.delete(key)) return cacheError("FailedToDeleteCacheRecord");
    emit(s, N, [key]);
    return { type: "success" };
  }
}

class SamlResponseApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setAttribute(attribute, value) {
    const N = "samlResponse.setAttribute";
    const s = stateOf(this, N);
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
    if (s.samlAttrs === null) s.samlAttrs = Object.create(null);
    const samlAttrs = s.samlAttrs;
    const isNew = !(attribute in samlAttrs);
    if (isNew && s.samlAttrCount >= MAX_SAML_ATTRIBUTE_CHANGES) {
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
    if (isNew) s.samlAttrCount++;
    emit(s, N, [attribute, v]);
    return s.api;
  }
  setAudience(v) {
    const N = "samlResponse.setAudience";
    return samlConfig(stateOf(this, N), N, "audience", v);
  }
  setRecipient(v) {
    const N = "samlResponse.setRecipient";
    return samlConfig(stateOf(this, N), N, "recipient", v);
  }
  setCreateUpnClaim(v) {
    const N = "samlResponse.setCreateUpnClaim";
    return samlConfig(stateOf(this, N), N, "createUpnClaim", v);
  }
  setPassthroughClaimsWithNoMapping(v) {
    const N = "samlResponse.setPassthroughClaimsWithNoMapping";
    return samlConfig(stateOf(this, N), N, "passthroughClaimsWithNoMapping", v);
  }
  setMapUnknownClaimsAsIs(v) {
    const N = "samlResponse.setMapUnknownClaimsAsIs";
    return samlConfig(stateOf(this, N), N, "mapUnknownClaimsAsIs", v);
  }
  setMapIdentities(v) {
    const N = "samlResponse.setMapIdentities";
    return samlConfig(stateOf(this, N), N, "mapIdentities", v);
  }
  setSignatureAlgorithm(v) {
    const N = "samlResponse.setSignatureAlgorithm";
    return samlConfig(stateOf(this, N), N, "signatureAlgorithm", v);
  }
  setDigestAlgorithm(v) {
    const N = "samlResponse.setDigestAlgorithm";
    return samlConfig(stateOf(this, N), N, "digestAlgorithm", v);
  }
  setDestination(v) {
    const N = "samlResponse.setDestination";
    return samlConfig(stateOf(this, N), N, "destination", v);
  }
  setLifetimeInSeconds(v) {
    const N = "samlResponse.setLifetimeInSeconds";
    return samlConfig(stateOf(this, N), N, "lifetimeInSeconds", v);
  }
  setSignResponse(v) {
    const N = "samlResponse.setSignResponse";
    return samlConfig(stateOf(this, N), N, "signResponse", v);
  }
  setNameIdentifierFormat(v = DEFAULT_NAME_ID_FORMAT) {
    const N = "samlResponse.setNameIdentifierFormat";
    return samlConfig(stateOf(this, N), N, "nameIdentifierFormat", v);
  }
  setNameIdentifierProbes(v) {
    const N = "samlResponse.setNameIdentifierProbes";
    return samlConfig(stateOf(this, N), N, "nameIdentifierProbes", v);
  }
  setAuthnContextClassRef(v) {
    const N = "samlResponse.setAuthnContextClassRef";
    return samlConfig(stateOf(this, N), N, "authnContextClassRef", v);
  }
  setSigningCert(v) {
    const N = "samlResponse.setSigningCert";
    return samlConfig(stateOf(this, N), N, "signingCert", v);
  }
  setIncludeAttributeNameFormat(v) {
    const N = "samlResponse.setIncludeAttributeNameFormat";
    return samlConfig(stateOf(this, N), N, "includeAttributeNameFormat", v);
  }
  setTypedAttributes(v) {
    const N = "samlResponse.setTypedAttributes";
    return samlConfig(stateOf(this, N), N, "typedAttributes", v);
  }
  setEncryptionCert(v) {
    const N = "samlResponse.setEncryptionCert";
    return samlConfig(stateOf(this, N), N, "encryptionCert", v);
  }
  setEncryptionPublicKey(v) {
    const N = "samlResponse.setEncryptionPublicKey";
    return samlConfig(stateOf(this, N), N, "encryptionPublicKey", v);
  }
  setCert(v) {
    const N = "samlResponse.setCert";
    return samlConfig(stateOf(this, N), N, "cert", v);
  }
  setKey(v) {
    const N = "samlResponse.setKey";
    return samlConfig(stateOf(this, N), N, "key", v);
  }
  setRelayState(v) {
    const N = "samlResponse.setRelayState";
    return samlConfig(stateOf(this, N), N, "RelayState", v);
  }
  setIssuer(v) {
    const N = "samlResponse.setIssuer";
    return samlConfig(stateOf(this, N), N, "issuer", v);
  }
  setEncryptionAlgorithm(v) {
    const N = "samlResponse.setEncryptionAlgorithm";
    return samlConfig(stateOf(this, N), N, "encryptionAlgorithm", v);
  }
}

class ValidationApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  error(errorCode, errorMessage) {
    const N = "validation.error";
    const s = stateOf(this, N);
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
    emit(s, N, [errorCode, errorMessage]);
    return s.api;
  }
}

class RulesApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  wasExecuted(ruleId) {
    const executed = stateOf(this, "rules.wasExecuted").ctx.rulesExecuted;
    return isArray(executed) ? executed.includes(ruleId) : false;
  }
}

class PromptApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  render(promptId, options) {
    const N = "prompt.render";
    const s = stateOf(this, N);
    if (s.redirected) throw new Error(REDIRECT_AND_RENDER);
    if (s.rendered) throw error(N, "only one render command per action is allowed");
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
    emit(s, N, [promptId, opts]);
    s.rendered = true;
  }
}

class RefreshTokenApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  revoke(reason) {
    const N = "refreshToken.revoke";
    const s = stateOf(this, N);
    const event = s.event;
    const protocol = event.transaction && event.transaction.protocol;
    if (protocol !== "oauth2-refresh-token") {
      throw error(N, 'can only be called when event.transaction.protocol is "oauth2-refresh-token" (got ' +
        got(protocol) + ")");
    }
    checkOptionalReason(N, reason, MAX_REVOKE_REASON);
    emit(s, N, [reason === undefined ? null : reason]);
    return s.api;
  }
  setExpiresAt(ms) {
    const N = "refreshToken.setExpiresAt";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setIdleExpiresAt(ms) {
    const N = "refreshToken.setIdleExpiresAt";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setMetadata(key, value) {
    const N = "refreshToken.setMetadata";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    const meta = rtMetadata(s);
    checkEntityMetadata(N, meta, key, value);
    if (value === null) {
      if (!hasOwn(meta, key)) return s.api;
      emit(s, N, [key, null]);
      delete meta[key];
    } else {
      emit(s, N, [key, value]);
      meta[key] = value;
    }
    publishRtMetadata(s);
    return s.api;
  }
  deleteMetadata(key) {
    const N = "refreshToken.deleteMetadata";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    if (typeof key !== "string") {
      throw typeError(N, "key must be a string (got " + got(key) + ")");
    }
    const meta = rtMetadata(s);
    if (!hasOwn(meta, key)) return s.api;
    emit(s, N, [key]);
    delete meta[key];
    publishRtMetadata(s);
    return s.api;
  }
  evictMetadata() {
    const N = "refreshToken.evictMetadata";
    const s = stateOf(this, N);
    refreshTokenOnlineGuard(s, N);
    const meta = rtMetadata(s);
    if (objectKeys(meta).length === 0) return s.api;
    emit(s, N, []);
    s.rtMeta = {};
    publishRtMetadata(s);
    return s.api;
  }
}

class SessionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  revoke(reason, options) {
    const N = "session.revoke";
    const s = stateOf(this, N);
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
    emit(s, N, [reason === undefined ? null : reason, options == null ? {} : options]);
    return s.api;
  }
  setExpiresAt(ms) {
    const N = "session.setExpiresAt";
    const s = stateOf(this, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setIdleExpiresAt(ms) {
    const N = "session.setIdleExpiresAt";
    const s = stateOf(this, N);
    checkExpiry(N, ms);
    emit(s, N, [ms]);
    return s.api;
  }
  setCookieMode(mode) {
    const N = "session.setCookieMode";
    const s = stateOf(this, N);
    if (mode === undefined || mode === null || mode === "") throw error(N, "mode must be provided");
    if (typeof mode !== "string") {
      throw typeError(N, "mode must be a string (got " + got(mode) + ")");
    }
    if (!COOKIE_MODES.includes(mode)) {
      throw error(N, 'mode must be "persistent" or "non-persistent" (got ' + got(mode) + ")");
    }
    emit(s, N, [mode]);
    const session = s.event.session;
    if (isObject(session) && objectKeys(session).length > 0) {
      if (isObject(session.cookie)) session.cookie.mode = mode;
      else session.cookie = { mode };
    }
    return s.api;
  }
  setMetadata(key, value) {
    const N = "session.setMetadata";
    const s = stateOf(this, N);
    const meta = sessionMetadata(s);
    if (meta === null) {
      throw error(N, "cannot set metadata on a session that does not exist (event.session is absent)");
    }
    checkEntityMetadata(N, meta, key, value);
    if (value === null) {
      if (!hasOwn(meta, key)) return s.api;
      emit(s, N, [key, null]);
      delete meta[key];
    } else {
      emit(s, N, [key, value]);
      meta[key] = value;
    }
    s.event.session.metadata = copyStringMap(meta);
    return s.api;
  }
  deleteMetadata(key) {
    const N = "session.deleteMetadata";
    const s = stateOf(this, N);
    if (typeof key !== "string") {
      throw typeError(N, "key must be a string (got " + got(key) + ")");
    }
    const meta = sessionMetadata(s);
    if (meta === null || !hasOwn(meta, key)) return s.api;
    emit(s, N, [key]);
    delete meta[key];
    s.event.session.metadata = copyStringMap(meta);
    return s.api;
  }
  evictMetadata() {
    const N = "session.evictMetadata";
    const s = stateOf(this, N);
    const meta = sessionMetadata(s);
    if (meta === null || objectKeys(meta).length === 0) return s.api;
    emit(s, N, []);
    s.sessMeta = {};
    s.event.session.metadata = {};
    return s.api;
  }
}

class TransactionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setMetadata(key, value) {
    const N = "transaction.setMetadata";
    const s = stateOf(this, N);
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
    const event = s.event;
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
    emit(s, N, [key, value]);
    if (!isObject(tx)) {
      tx = {};
      event.transaction = tx;
    }
    if (meta === null) tx.metadata = {};
    if (value === null) delete tx.metadata[key];
    else tx.metadata[key] = value;
    return s.api;
  }
}

// The api itself: one getter per namespace, creating the namespace object on first access and
// returning the same object afterwards (most scripts touch two or three of the fifteen).
class PostLoginApi {
  // Read directly (no stateOf call): namespace access is the hottest path of most scripts.
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get access() {
    const s = this.#s;
    return (s.nsAccess ??= new AccessApi(s));
  }
  get accessToken() {
    const s = this.#s;
    return (s.nsAccessToken ??= new AccessTokenApi(s));
  }
  get authentication() {
    const s = this.#s;
    return (s.nsAuthentication ??= new AuthenticationApi(s));
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
  get idToken() {
    const s = this.#s;
    return (s.nsIdToken ??= new IdTokenApi(s));
  }
  get multifactor() {
    const s = this.#s;
    return (s.nsMultifactor ??= new MultifactorApi(s));
  }
  get prompt() {
    const s = this.#s;
    return (s.nsPrompt ??= new PromptApi(s));
  }
  get redirect() {
    const s = this.#s;
    return (s.nsRedirect ??= new RedirectApi(s));
  }
  get refreshToken() {
    const s = this.#s;
    return (s.nsRefreshToken ??= new RefreshTokenApi(s));
  }
  get rules() {
    const s = this.#s;
    return (s.nsRules ??= new RulesApi(s));
  }
  get samlResponse() {
    const s = this.#s;
    return (s.nsSamlResponse ??= new SamlResponseApi(s));
  }
  get session() {
    const s = this.#s;
    return (s.nsSession ??= new SessionApi(s));
  }
  get transaction() {
    const s = this.#s;
    return (s.nsTransaction ??= new TransactionApi(s));
  }
  get user() {
    const s = this.#s;
    return (s.nsUser ??= new UserApi(s));
  }
  get validation() {
    const s = this.#s;
    return (s.nsValidation ??= new ValidationApi(s));
  }
}

// Seal the object model: no prototype can be changed, and no class is reachable from an
// instance (`api.constructor` is Object, as it was for the former plain objects).
for (const C of [
  ApiObject, AccessApi, AccessTokenApi, IdTokenApi, MultifactorApi, AuthenticationApi, RedirectApi,
  UserApi, CacheApi, SamlResponseApi, ValidationApi, RulesApi, PromptApi, RefreshTokenApi,
  SessionApi, TransactionApi, PostLoginApi,
]) {
  delete C.prototype.constructor;
  freeze(C.prototype);
  freeze(C);
}

// ---------------------------------------------------------------------------------------------

/**
 * Builds the post-login `api` for one Action execution.
 *
 * ctx: { event, phase: "execute"|"continue", record(name, args), cache (Map-like store),
 *        rulesExecuted: string[], now(): ms, hmacSha256(secret, data): base64url string,
 *        primaryUserAlreadySet?: boolean  (an earlier Action/Rule of this transaction did it),
 *        cacheMaxTotalBytes?: number      (total key+value budget, default 8192) }
 *
 * ctx.event, ctx.cache, ctx.phase, ctx.cacheMaxTotalBytes and ctx.primaryUserAlreadySet are
 * read once, here; ctx.record, ctx.now, ctx.hmacSha256 and ctx.rulesExecuted at each use.
 */
export function createPostLoginApi(ctx) {
  // The per-execution state. Null prototype: lazily added slots (the namespace objects,
  // nsAccess ... nsValidation) never resolve through Object.prototype.
  const s = {
    __proto__: null,
    ctx,
    event: ctx.event,
    store: ctx.cache,
    isContinue: ctx.phase === "continue",
    cacheMaxTotal: isFiniteNumber(ctx.cacheMaxTotalBytes) ? ctx.cacheMaxTotalBytes : DEFAULT_CACHE_TOTAL_BYTES,
    scopeOps: null, // scope -> "add" | "remove"
    addedScopes: 0,
    primaryUserSet: ctx.primaryUserAlreadySet === true,
    redirected: false,
    rendered: false,
    samlAttrs: null,
    samlAttrCount: 0,
    rtMeta: null, // working copy of event.refresh_token.metadata
    sessMeta: null, // working copy of event.session.metadata
    api: null, // returned by the chaining methods
  };
  return (s.api = new PostLoginApi(s));
}
