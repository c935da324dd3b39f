// actionhost's TypeScript declarations for Auth0 Actions and Rules: include this file (or the
// folder) in a jsconfig.json, or reference it, and annotate a handler with the namespace of its
// trigger (`@param {PostLogin.Event} event`, `@param {PostLogin.API} api`).
/// <reference path="common.d.ts" />
/// <reference path="post-login.d.ts" />
/// <reference path="credentials-exchange.d.ts" />
/// <reference path="pre-user-registration.d.ts" />
/// <reference path="post-user-registration.d.ts" />
/// <reference path="post-change-password.d.ts" />
/// <reference path="send-phone-message.d.ts" />
/// <reference path="password-reset-post-challenge.d.ts" />
/// <reference path="custom-token-exchange.d.ts" />
/// <reference path="custom-email-provider.d.ts" />
/// <reference path="custom-phone-provider.d.ts" />
/// <reference path="event-stream.d.ts" />
/// <reference path="rules.d.ts" />
