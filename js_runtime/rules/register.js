// Entry point of the actionhost_rules extension: registers the Rule runner, how one Rule's
// result becomes the next one's input (a login's Rules run as one job), and the
// `UnauthorizedError` class every Rule shares (frozen at lockdown).

import { registerRunner } from "ext:actionhost_runtime/main.js";
import { nextRuleInput, runRule } from "./rule_runner.js";
import { UnauthorizedError } from "./rule_globals.js";

registerRunner("rule", runRule, [UnauthorizedError], nextRuleInput);
