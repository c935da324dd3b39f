// prompt.js: owns api.prompt (render: one per Action, never with a redirect, with its options
// checked).

import {
  ApiObject, charLength, emit, error, got, isObject, seal, stateOf, typeError, utf8Length,
} from "../common/base.js";
import { JSONStringify, objectKeys } from "../common/builtins.js";
import {
  MAX_PROMPT_ID_LENGTH, MAX_PROMPT_OPTION_KEYS, MAX_PROMPT_OPTIONS_BYTES, PROMPT_FIELD_NAME,
  REDIRECT_AND_RENDER,
} from "../common/limits.js";

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
    const bad = part === "fields" ? names.find((n) => !PROMPT_FIELD_NAME.test(n)) : undefined;
    if (bad !== undefined) {
      throw error(name, "options.fields name " + got(bad) + " must match ^[a-zA-Z_][a-zA-Z0-9_]{0,49}$");
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

export class PromptApi extends ApiObject {
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

seal(PromptApi);
