// Stand-in for deno_runtime's 98_global_scope_shared.js: node:console reads only `console`, and
// adds `Console` to it. The scripts' console (js_runtime/console.js) is frozen at lockdown, so
// node:console gets an object that inherits its methods (logs still go into the execution's
// record) and takes the addition.
export const windowOrWorkerGlobalScope = {
  console: { value: Object.create(globalThis.console), writable: true, enumerable: false, configurable: true },
};
