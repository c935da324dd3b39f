// The send-phone-message trigger (onExecuteSendPhoneMessage): its `event` and `api`, as
// src/actions/events/send_phone_message.json and js_runtime/actions/send_phone_message/ provide them.
/// <reference path="common.d.ts" />

declare namespace SendPhoneMessage {
  interface Event extends Auth0.EventBase {
    client?: Auth0.Client;
    message_options: {
      action: "enrollment" | "second-factor-authentication";
      code: string;
      message_type: "sms" | "voice";
      recipient: string;
      text: string;
    };
    request: Auth0.Request;
    user: Auth0.User;
  }

  interface API {
    cache: Auth0.CacheAPI;
  }

  /** `exports.onExecuteSendPhoneMessage`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
