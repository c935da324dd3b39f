// checks.js: owns the argument checks of the custom-token-exchange api as Auth0 words them. Auth0
// validates each call's arguments against a JSON schema and throws
// `Error("Invalid <method> arguments: <errors>")`, each error as "<property> <problem>" (a missing
// argument has an empty property name: " must have required property 'reason'"), problems of
// one property joined by ", " and properties by "; ", in the schema's order. The schemas are
// data here (SCHEMAS); `check` runs one and throws that error.

import { charLength, isObject } from "../common/base.js";
import { isArray, objectKeys } from "../common/builtins.js";

// A string of min..max characters (code points).
const str = (min, max) => ({ type: "string", min, max });
const anyString = { type: "string" };
const bool = { type: "boolean" };
const oneOf = (...values) => ({ values });

// Objects list their required properties, then each property's schema in the schema's order.
export const SCHEMAS = {
  deny: {
    required: ["code", "reason"],
    props: [["code", str(1, 1024)], ["reason", str(1, 4096)]],
  },
  rejectInvalidSubjectToken: {
    required: ["reason"],
    props: [["reason", str(1, 4096)]],
  },
  setUserById: {
    required: ["user_id"],
    props: [["user_id", str(1, 512)]],
  },
  setOrganization: {
    required: ["organization_id_or_name"],
    props: [["organization_id_or_name", str(1, 50)]],
  },
  setMetadata: {
    required: ["key"],
    props: [["key", anyString]],
  },
  setUserByConnection: {
    required: ["connection_name", "user_attributes", "options"],
    props: [
      ["connection_name", str(1, 512)],
      ["options", {
        required: ["creationBehavior", "updateBehavior"],
        closed: true,
        props: [
          ["creationBehavior", oneOf("create_if_not_exists", "none")],
          ["updateBehavior", oneOf("replace", "none")],
        ],
      }],
      ["user_attributes", {
        maxProperties: 24,
        required: ["user_id"],
        props: [
          ["email", anyString],
          ["email_verified", bool],
          ["family_name", str(1, 150)],
          ["given_name", str(1, 150)],
          ["name", str(1, 300)],
          ["nickname", str(1, 300)],
          ["phone_number", anyString],
          ["phone_verified", bool],
          ["picture", anyString],
          ["user_id", str(1, 255)],
          ["username", str(1, 128)],
          ["verify_email", bool],
        ],
      }],
    ],
  },
};

function walk(errs, path, schema, v) {
  if (schema.values !== undefined) {
    if (!schema.values.includes(v)) errs.push([path, "must be equal to one of the allowed values"]);
    return;
  }
  if (schema.type === "boolean") {
    if (typeof v !== "boolean") errs.push([path, "must be boolean"]);
    return;
  }
  if (schema.type === "string") {
    if (typeof v !== "string") {
      errs.push([path, "must be string"]);
      return;
    }
    const n = schema.min === undefined ? 0 : charLength(v);
    if (schema.max !== undefined && n > schema.max) {
      errs.push([path, "must NOT have more than " + schema.max + " characters"]);
    }
    if (schema.min !== undefined && n < schema.min) {
      errs.push([path, "must NOT have fewer than " + schema.min + " characters"]);
    }
    return;
  }
  if (!isObject(v) || isArray(v)) {
    errs.push([path, "must be object"]);
    return;
  }
  if (schema.maxProperties !== undefined && objectKeys(v).length > schema.maxProperties) {
    errs.push([path, "must NOT have more than " + schema.maxProperties + " properties"]);
  }
  for (const key of schema.required) {
    if (v[key] === undefined) errs.push([path, "must have required property '" + key + "'"]);
  }
  if (schema.closed) {
    const known = schema.props.map((p) => p[0]);
    for (const key of objectKeys(v)) {
      if (!known.includes(key)) errs.push([path, "must NOT have additional properties"]);
    }
  }
  for (const [key, sub] of schema.props) {
    if (v[key] !== undefined) walk(errs, path + "/" + key, sub, v[key]);
  }
}

// Auth0's formatting: per path "<last segment> <problem>[, <problem>…]", paths joined by "; ".
function format(errs) {
  const byPath = new Map();
  for (const [path, msg] of errs) {
    const prev = byPath.get(path);
    byPath.set(path, prev === undefined ? path.split("/").pop() + " " + msg : prev + ", " + msg);
  }
  return [...byPath.values()].join("; ");
}

/** Throws Auth0's error when `data` (the call's arguments by name) fails SCHEMAS[schema]. */
export function check(schema, method, data) {
  const errs = [];
  walk(errs, "", SCHEMAS[schema], data);
  if (errs.length > 0) throw new Error("Invalid " + method + " arguments: " + format(errs));
}
