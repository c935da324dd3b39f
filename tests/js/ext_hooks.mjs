// Module resolution hooks for the Node tests: `ext:actionhost_runtime/<path>`, the specifier
// the engine gives the files of js_runtime/, resolves to js_runtime/<path>, so the host's own
// runners can be loaded in Node.
const PREFIX = "ext:actionhost_runtime/";
const ROOT = new URL("../../js_runtime/", import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith(PREFIX)) {
    return { url: new URL(specifier.slice(PREFIX.length), ROOT).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
