// `require` for user scripts. actionhost provides no npm or Node modules yet, so every request
// fails the way Node's does (code MODULE_NOT_FOUND) and names the module, with Auth0's
// `name@version` form recognised.

const PROVIDED = new Map();

export function createRequire() {
  return function require(specifier) {
    if (typeof specifier !== "string") {
      throw new TypeError(`The "id" argument must be of type string. Received ${typeof specifier}`);
    }
    const name = specifier.replace(/^(@?[^@]+)@[^/]*$/, "$1");
    const factory = PROVIDED.get(name);
    if (factory !== undefined) return factory();
    const error = new Error(
      `Cannot find module '${specifier}': actionhost does not provide it ` +
        `(scripts run without npm or Node built-in modules)`,
    );
    error.code = "MODULE_NOT_FOUND";
    throw error;
  };
}
