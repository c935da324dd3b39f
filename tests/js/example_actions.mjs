// The example tenant's Action for each trigger, as its triggers/triggers.json binds it: the Node
// tests of each trigger's api run that Action, the one the case suites and `simulate` run too.

import { readFileSync } from "node:fs";

const TENANT = new URL("../../fixtures/tenant/", import.meta.url);
const BINDINGS = JSON.parse(readFileSync(new URL("triggers/triggers.json", TENANT), "utf8"));

/** The URL of the code of the Action bound first to `trigger` (its folder name, `credentials_exchange`). */
export function exampleActionUrl(trigger) {
  const id = trigger.replaceAll("_", "-");
  const binding = BINDINGS[id]?.[0];
  if (binding === undefined) throw new Error(`the example tenant binds no Action to ${id}`);
  return new URL(`actions/${binding.action_name}/code.js`, TENANT);
}
