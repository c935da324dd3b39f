// redirect.js: owns api.redirect: sending the user to a URL (never with a render), the session
// token passed with it (encodeToken) and checked on return (validateToken), and canRedirect.

import {
  ApiObject, emit, error, got, isFiniteNumber, isObject, seal, stateOf, typeError,
} from "../common/base.js";
import { JSONStringify, assign, floor, hasOwn } from "../common/builtins.js";
import { invalidToken, signToken, verifyToken } from "../common/jwt.js";
import { urlWithQuery } from "../common/url.js";
import {
  DEFAULT_SESSION_TOKEN_PARAM, DEFAULT_SESSION_TOKEN_TTL_S, NO_REDIRECT_PROTOCOLS,
  REDIRECT_AND_RENDER,
} from "../common/limits.js";

export class RedirectApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  sendUserTo(url, options) {
    const N = "redirect.sendUserTo";
    const s = stateOf(this, N);
    if (s.rendered) throw new Error(REDIRECT_AND_RENDER);
    const u = urlWithQuery(N, url, options);
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
    assign(claims, payload); // the payload's own claims win; no payload (undefined, null) adds none
    let body;
    try {
      body = JSONStringify(claims);
    } catch (e) {
      throw typeError(N, "payload must be JSON-serializable (" + e.message + ")");
    }
    return signToken(ctx, secret, body);
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
    const claims = verifyToken(ctx, secret, token);
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
    return !NO_REDIRECT_PROTOCOLS.includes(protocol);
  }
}

seal(RedirectApi);
