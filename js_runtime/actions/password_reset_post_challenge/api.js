// api.js: owns the password-reset-post-challenge trigger (onExecutePostChallenge, and
// onContinuePostChallenge after a redirect): its TRIGGER descriptor and createApi. Its
// namespaces are post-login's where Auth0 gives them the same methods: api.access (deny),
// api.prompt (render) and api.cache are post-login's classes; api.authentication has only
// post-login's challengeWith/challengeWithAny and api.redirect only its encodeToken, sendUserTo
// and validateToken (the very methods, borrowed); api.transaction (setResultUrl) is this
// trigger's own (transaction.js).

import { AccessApi } from "../post_login/access.js";
import { AuthenticationApi } from "../post_login/authentication.js";
import { PromptApi } from "../post_login/prompt.js";
import { RedirectApi } from "../post_login/redirect.js";
import { ApiObject, seal } from "../common/base.js";
import { borrowMethods } from "../common/borrow.js";
import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { baseState } from "../common/state.js";
import { ResultTransactionApi } from "./transaction.js";

class ChallengeAuthenticationApi extends ApiObject {
  constructor(s) {
    super(s);
  }
}
borrowMethods(ChallengeAuthenticationApi, AuthenticationApi, ["challengeWith", "challengeWithAny"]);

class ChallengeRedirectApi extends ApiObject {
  constructor(s) {
    super(s);
  }
}
borrowMethods(ChallengeRedirectApi, RedirectApi, ["encodeToken", "sendUserTo", "validateToken"]);

class PostChallengeApi {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get access() {
    const s = this.#s;
    return (s.nsAccess ??= new AccessApi(s));
  }
  get authentication() {
    const s = this.#s;
    return (s.nsAuthentication ??= new ChallengeAuthenticationApi(s));
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
  get prompt() {
    const s = this.#s;
    return (s.nsPrompt ??= new PromptApi(s));
  }
  get redirect() {
    const s = this.#s;
    return (s.nsRedirect ??= new ChallengeRedirectApi(s));
  }
  get transaction() {
    const s = this.#s;
    return (s.nsTransaction ??= new ResultTransactionApi(s));
  }
}

seal(ChallengeAuthenticationApi, ChallengeRedirectApi, PostChallengeApi);

/** Builds the password-reset-post-challenge `api` for one execution (ctx: see common/state.js). */
export function createApi(ctx) {
  const s = baseState(ctx);
  s.redirected = false;
  s.rendered = false;
  return (s.api = new PostChallengeApi(s));
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "password-reset-post-challenge",
  handlers: freeze({ execute: "onExecutePostChallenge", continue: "onContinuePostChallenge" }),
  createApi,
});
