// The custom-email-provider trigger (onExecuteCustomEmailProvider): its `event` and `api`, as
// src/actions/events/custom_email_provider.json and js_runtime/actions/custom_email_provider/ provide them.
/// <reference path="common.d.ts" />

declare namespace CustomEmailProvider {
  /** What the tenant's branding says, for the email's content. */
  interface Tenant extends Auth0.Tenant {
    friendly_name?: string;
    home_url?: string;
    logo_url?: string;
    support_email?: string;
    support_url?: string;
  }

  interface Event extends Auth0.EventBase {
    client?: Auth0.Client;
    connection?: Auth0.Connection;
    notification: {
      from: string;
      html: string;
      locale: string;
      message_type: string;
      subject: string;
      text: string;
      to: string;
    };
    request?: Auth0.Request;
    tenant: Tenant;
    transaction?: { correlation_id?: string };
    user?: Auth0.User;
  }

  interface API {
    cache: Auth0.CacheAPI;
    notification: {
      /** Auth0 gives up on this message. */
      drop(reason?: string): void;
      /** Auth0 tries again later. */
      retry(reason?: string): void;
    };
  }

  /** `exports.onExecuteCustomEmailProvider`. */
  type Handler = (event: Event, api: API) => Auth0.HandlerResult;
}
