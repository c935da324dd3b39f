// The event-stream trigger (onExecuteEventStream): its `event` and `api`, as
// src/actions/events/event_stream.json and js_runtime/actions/event_stream/ provide them.
/// <reference path="common.d.ts" />

declare namespace EventStream {
  /** One CloudEvents message of the stream (`user.created`, `user.updated`, `user.deleted`, …). */
  interface Message {
    id: string;
    type: string;
    source: string;
    specversion: string;
    time: string;
    data: {
      object: { [key: string]: any };
      context?: { [key: string]: any };
    };
    a0tenant?: string;
    a0stream?: string;
  }

  interface Event extends Auth0.EventBase {
    message: Message;
  }

  interface API {
    cache: Auth0.CacheAPI;
  }

  /** `exports.onExecuteEventStream`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
