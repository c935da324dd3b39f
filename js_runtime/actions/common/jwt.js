// jwt.js: owns the HS256 session tokens of api.redirect: base64url and UTF-8 coding, signing a
// token, and checking a token's form, header and signature. Signing goes through
// ctx.hmacSha256(secret, data), which returns a base64url signature.

import { JSONParse, StringCtor } from "./builtins.js";
import { isObject } from "./base.js";

const JWT_HEADER = '{"alg":"HS256","typ":"JWT"}';
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

export function invalidToken(reason) {
  return new Error("The session token is invalid: " + reason);
}

// The token whose claims are the JSON text `body`, signed with `secret`.
export function signToken(ctx, secret, body) {
  const input = base64UrlEncode(JWT_HEADER) + "." + base64UrlEncode(body);
  return input + "." + ctx.hmacSha256(secret, input);
}

// The claims of `token` once its form, header and signature are checked (throws invalidToken
// otherwise). Its claims themselves are for the caller to check.
export function verifyToken(ctx, secret, token) {
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
  return claims;
}
