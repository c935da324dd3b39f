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
import { defineApi } from "../common/trigger_api.js";
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

seal(ChallengeAuthenticationApi, ChallengeRedirectApi);

/**
 * Builds the password-reset-post-challenge `api` for one execution (ctx: see common/trigger_api.js).
 * redirect.sendUserTo and prompt.render set the state's `redirected` and `rendered`, absent (so
 * false) until then.
 */
export const createApi = defineApi({
  access: AccessApi,
  authentication: ChallengeAuthenticationApi,
  cache: CacheApi,
  prompt: PromptApi,
  redirect: ChallengeRedirectApi,
  transaction: ResultTransactionApi,
});

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "password-reset-post-challenge",
  handlers: freeze({ execute: "onExecutePostChallenge", continue: "onContinuePostChallenge" }),
  createApi,
});
