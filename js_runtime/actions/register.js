// Entry point of the actionhost_actions extension: registers one runner per Actions trigger,
// named by the trigger's id, with the api objects scripts get hold of (frozen at lockdown).

import { registerRunner } from "ext:actionhost_runtime/main.js";
import { actionRunner } from "./runner.js";
import { TRIGGERS } from "./triggers.js";

/** A trigger's api and the namespace objects its getters make, built once on a dummy execution. */
function sharedObjectsOf(trigger) {
  const api = trigger.createApi({
    event: {},
    phase: "execute",
    record() {},
    cache: new Map(),
    rulesExecuted: [],
    now: () => 0,
    hmacSha256: () => "",
  });
  const found = [api];
  for (const holder of [api, Object.getPrototypeOf(api)]) {
    for (const [key, desc] of Object.entries(Object.getOwnPropertyDescriptors(holder))) {
      const value = typeof desc.get === "function" ? api[key] : desc.value;
      if (value !== null && (typeof value === "object" || typeof value === "function")) found.push(value);
    }
  }
  return found;
}

for (const trigger of TRIGGERS) {
  registerRunner(trigger.id, actionRunner(trigger), sharedObjectsOf(trigger));
}
