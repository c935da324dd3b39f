// builtins.js: owns the built-ins the post-login api uses, captured when the runtime loads,
// before any user script can replace them.

export const JSONStringify = JSON.stringify;
export const JSONParse = JSON.parse;
export const isArray = Array.isArray;
export const objectKeys = Object.keys;
export const assign = Object.assign;
export const freeze = Object.freeze;
export const hasOwn = Object.hasOwn;
export const numberIsFinite = Number.isFinite;
export const isSafeInteger = Number.isSafeInteger;
export const isInteger = Number.isInteger;
export const floor = Math.floor;
export const min = Math.min;
export const StringCtor = String;
