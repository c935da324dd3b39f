// rules.js: owns api.rules (wasExecuted, read from ctx.rulesExecuted).

import { ApiObject, seal, stateOf } from "../common/base.js";
import { isArray } from "../common/builtins.js";

export class RulesApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  wasExecuted(ruleId) {
    const executed = stateOf(this, "rules.wasExecuted").ctx.rulesExecuted;
    return isArray(executed) ? executed.includes(ruleId) : false;
  }
}

seal(RulesApi);
