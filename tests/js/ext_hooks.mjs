// Module resolution hooks for the Node tests: `ext:actionhost_runtime/<path>`, the specifier
// the engine gives the files of js_runtime/, resolves to js_runtime/<path> (and
// `ext:actionhost_actions/…`, `ext:actionhost_rules/…` to js_runtime/actions/, js_runtime/rules/),
// so the host's own runners can be loaded in Node. `ext:core/ops` (the engine's native functions) resolves to a
// module giving Node's equivalents of the ones the runners import.
const PREFIXES = [
  ["ext:actionhost_runtime/", ""],
  ["ext:actionhost_actions/", "actions/"],
  ["ext:actionhost_rules/", "rules/"],
];
const CORE_OPS =
  "data:text/javascript," +
  encodeURIComponent(`import { types } from "node:util";
export const op_is_proxy = types.isProxy;
// The engine counts this in Rust (src/engine/extension.rs); the same count, for Node.
export function op_actionhost_json_depth(text) {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth--;
  }
  return max;
}`);
const ROOT = new URL("../../js_runtime/", import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  for (const [prefix, folder] of PREFIXES) {
    if (specifier.startsWith(prefix)) {
      return { url: new URL(folder + specifier.slice(prefix.length), ROOT).href, shortCircuit: true };
    }
  }
  if (specifier === "ext:core/ops") {
    return { url: CORE_OPS, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
