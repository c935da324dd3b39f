// index.js: owns the post-login `api` object handed to onExecutePostLogin /
// onContinuePostLogin: createPostLoginApi builds an execution's state and the PostLoginApi
// whose getters create the namespace objects. Each namespace lives in its own module; together
// they validate every call the way Auth0 does, keep the per-execution state those checks need
// (scopes, redirect/render, primary user, SAML attributes, session/refresh-token metadata),
// implement api.cache on a host store and report each successful state-changing call through
// ctx.record(name, args). They hold no global state, reach no host service except through
// `ctx`, and load in Node for tests.
//
// The api object model. Every method is defined once, when its module loads, on the prototype
// of one class per namespace (all extending ApiObject, base.js) and of PostLoginApi. An
// execution's mutable state lives in a single plain object (see createPostLoginApi) that the
// api and its namespace objects hold in a private field #s, so scripts cannot reach it: it is
// no string- or symbol-keyed property and appears in no enumeration. Creating an api allocates
// the state object and the api object; each namespace object is created, frozen and cached in
// the state on first access. The prototypes are frozen and have no `constructor` property, so
// scripts can neither replace a method nor get hold of a class.
//
// Unlike the former closures, the methods need their namespace as `this`: a detached call
// (`const f = api.idToken.setCustomClaim; f(...)`) throws a TypeError saying so.

import { AccessApi, ValidationApi } from "./access.js";
import { AuthenticationApi } from "./authentication.js";
import { isFiniteNumber, seal } from "../common/base.js";
import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { DEFAULT_CACHE_TOTAL_BYTES } from "../common/limits.js";
import { MultifactorApi } from "./multifactor.js";
import { PromptApi } from "./prompt.js";
import { RedirectApi } from "./redirect.js";
import { RefreshTokenApi } from "./refresh_token.js";
import { RulesApi } from "./rules.js";
import { SamlResponseApi } from "./saml.js";
import { SessionApi } from "./session.js";
import { AccessTokenApi, IdTokenApi } from "./tokens.js";
import { TransactionApi } from "./transaction.js";
import { UserApi } from "./user.js";

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

// Sealed like the namespace classes: `api.constructor` is Object, as for a plain object.
seal(PostLoginApi);

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

/** The post-login trigger: Auth0's id, its handlers and its api (see `../triggers.js`). */
export const TRIGGER = Object.freeze({
  id: "post-login",
  handlers: Object.freeze({ execute: "onExecutePostLogin", continue: "onContinuePostLogin" }),
  createApi: createPostLoginApi,
});
