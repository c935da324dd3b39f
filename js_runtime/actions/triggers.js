// The Actions triggers, one entry per folder of `js_runtime/actions/`: each folder's `api.js`
// exports its `TRIGGER` ({id, handlers: {execute, continue?}, createApi}). The Rust table of
// `src/actions/mod.rs` lists the same ids; a test keeps the two equal.

import { TRIGGER as postLogin } from "./post_login/api.js";
import { TRIGGER as credentialsExchange } from "./credentials_exchange/api.js";
import { TRIGGER as preUserRegistration } from "./pre_user_registration/api.js";
import { TRIGGER as postUserRegistration } from "./post_user_registration/api.js";
import { TRIGGER as postChangePassword } from "./post_change_password/api.js";
import { TRIGGER as sendPhoneMessage } from "./send_phone_message/api.js";
import { TRIGGER as passwordResetPostChallenge } from "./password_reset_post_challenge/api.js";
import { TRIGGER as customTokenExchange } from "./custom_token_exchange/api.js";
import { TRIGGER as customEmailProvider } from "./custom_email_provider/api.js";
import { TRIGGER as customPhoneProvider } from "./custom_phone_provider/api.js";
import { TRIGGER as eventStream } from "./event_stream/api.js";

export const TRIGGERS = Object.freeze([
  postLogin,
  credentialsExchange,
  preUserRegistration,
  postUserRegistration,
  postChangePassword,
  sendPhoneMessage,
  passwordResetPostChallenge,
  customTokenExchange,
  customEmailProvider,
  customPhoneProvider,
  eventStream,
]);
