// authentication.js: owns api.authentication: factor challenges and enrolments with their
// factor checks, recording an external method (continue phase) and the primary user (once per
// transaction).

import {
  ApiObject, charLength, emit, error, got, isObject, seal, stateOf, typeError,
} from "../common/base.js";
import { isArray } from "../common/builtins.js";
import { MAX_USER_ID_LENGTH, PHONE_METHODS, PRIMARY_USER_ONCE } from "../common/limits.js";

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

export class AuthenticationApi extends ApiObject {
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

seal(AuthenticationApi);
