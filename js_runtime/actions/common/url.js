// url.js: owns urlWithQuery, how Auth0 reads a URL argument with an optional {query} (redirect
// targets, result URLs): an absolute URL, each query entry set on its search parameters.

import { error, got, isObject, typeError } from "./base.js";
import { StringCtor, objectKeys } from "./builtins.js";

/** The URL `url` with `options.query` applied, or the error of api method `name`. */
export function urlWithQuery(name, url, options) {
  if (typeof url !== "string") {
    throw typeError(name, "url must be a string (got " + got(url) + ")");
  }
  let u;
  try {
    u = new URL(url);
  } catch {
    throw error(name, "url must be an absolute URL (got " + got(url) + ")");
  }
  if (options !== undefined && options !== null) {
    if (!isObject(options)) {
      throw typeError(name, "options must be an object like {query} (got " + got(options) + ")");
    }
    const query = options.query;
    if (query !== undefined && query !== null) {
      if (!isObject(query)) {
        throw typeError(name, "options.query must be an object (got " + got(query) + ")");
      }
      const keys = objectKeys(query);
      for (let i = 0; i < keys.length; i++) u.searchParams.set(keys[i], StringCtor(query[keys[i]]));
    }
  }
  return u;
}
