// The custom-phone-provider trigger (onExecuteCustomPhoneProvider): its `event` and `api`, as
// src/actions/events/custom_phone_provider.json and js_runtime/actions/custom_phone_provider/ provide them.
/// <reference path="common.d.ts" />
/// <reference path="custom-email-provider.d.ts" />

declare namespace CustomPhoneProvider {
  interface Event extends Auth0.EventBase {
    client?: Auth0.Client;
    connection?: Auth0.Connection;
    notification: {
      as_text: string;
      as_voice: string;
      code?: string;
      delivery_method: "text" | "voice";
      from?: string;
      locale: string;
      message_type: string;
      recipient: string;
    };
    request?: Auth0.Request;
    tenant: CustomEmailProvider.Tenant;
    transaction?: { correlation_id?: string };
    user?: Auth0.User;
  }

  interface API {
    cache: Auth0.CacheAPI;
    notification: {
      drop(reason?: string): void;
      retry(reason?: string): void;
    };
  }

  /** `exports.onExecuteCustomPhoneProvider`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
