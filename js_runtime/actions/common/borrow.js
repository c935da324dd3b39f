// borrow.js: owns borrowMethods, which gives a namespace class of one trigger the very methods
// (same function objects, same checks, same recorded command names) of another trigger's
// namespace class, when the two triggers share only some of a namespace's methods (e.g. the
// password-reset-post-challenge api.redirect has three of post-login's four methods). Both
// classes must extend ApiObject, so the methods find their execution state through stateOf.

import { freeze } from "./builtins.js";

const getDescriptor = Object.getOwnPropertyDescriptor;
const defineProperty = Object.defineProperty;

// Copies `names` from Source.prototype onto Target.prototype (before Target is sealed).
export function borrowMethods(Target, Source, names) {
  for (const name of freeze(names.slice())) {
    const d = getDescriptor(Source.prototype, name);
    if (d === undefined || typeof d.value !== "function") {
      throw new Error("borrowMethods: " + name + " is no method of the source class");
    }
    defineProperty(Target.prototype, name, d);
  }
}
