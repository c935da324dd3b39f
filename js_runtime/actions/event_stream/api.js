// api.js: owns the event-stream trigger (onExecuteEventStream, an Action as the destination of an
// Auth0 event stream, called once per event such as user.created): its TRIGGER descriptor and
// createApi. Its api has the shared cache only (as the @auth0/actions event-stream v1 types).

import { seal } from "../common/base.js";
import { freeze } from "../common/builtins.js";
import { CacheApi } from "../common/cache.js";
import { baseState } from "../common/state.js";

class EventStreamApi {
  #s;
  constructor(s) {
    this.#s = s;
    freeze(this);
  }
  get cache() {
    const s = this.#s;
    return (s.nsCache ??= new CacheApi(s));
  }
}

seal(EventStreamApi);

/** Builds the event-stream `api` for one execution (ctx: see common/state.js). */
export function createApi(ctx) {
  const s = baseState(ctx);
  return (s.api = new EventStreamApi(s));
}

/** Auth0's trigger id, exported handler names and api. */
export const TRIGGER = freeze({
  id: "event-stream",
  handlers: freeze({ execute: "onExecuteEventStream" }),
  createApi,
});
