//! The send-phone-message trigger: an MFA code goes out by SMS or voice through the tenant's own
//! provider (`event.message_options`; `api.cache` only).
//! Its default `event` is `events/send_phone_message.json`; its `api` is in `js_runtime/actions/send_phone_message/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::SendPhoneMessage,
    execute: "onExecuteSendPhoneMessage",
    resume: None,
    default_event: || super::json_event!("events/send_phone_message.json"),
    requires: None,
};
