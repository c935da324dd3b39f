// Entry point of the actionhost_rules extension: registers the Rule runner and the
// `UnauthorizedError` class every Rule shares (frozen at lockdown).

import { registerRunner } from "ext:actionhost_runtime/main.js";
import { runRule } from "./rule_runner.js";
import { UnauthorizedError } from "./rule_globals.js";

registerRunner("rule", runRule, [UnauthorizedError]);
