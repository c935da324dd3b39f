// notification.js: owns api.notification of the custom-email-provider and custom-phone-provider
// triggers: drop(reason) (the notification failed for good) and retry(reason) (it failed and
// Auth0 sends it again, up to 5 times). Auth0 keeps only the last of several calls and truncates
// a reason longer than 1024 characters; the recorded reason is the truncated one.

import { ApiObject, charLength, emit, got, seal, stateOf, typeError } from "./base.js";

export const MAX_NOTIFICATION_REASON = 1024;

// The first `max` code points of `s` (a surrogate pair is never split).
function truncateCodePoints(s, max) {
  if (charLength(s) <= max) return s;
  let n = 0;
  let i = 0;
  while (i < s.length && n < max) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
      s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
    i += pair ? 2 : 1;
    n++;
  }
  return s.slice(0, i);
}

function settle(self, name, reason) {
  const s = stateOf(self, name);
  if (typeof reason !== "string") {
    throw typeError(name, "reason must be a string (got " + got(reason) + ")");
  }
  emit(s, name, [truncateCodePoints(reason, MAX_NOTIFICATION_REASON)]);
}

export class NotificationApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  drop(reason) {
    settle(this, "notification.drop", reason);
  }
  retry(reason) {
    settle(this, "notification.retry", reason);
  }
}

seal(NotificationApi);
