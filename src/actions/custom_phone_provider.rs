//! The custom-phone-provider trigger: Auth0 sends an SMS or voice message through the tenant's
//! provider; the Action can drop or retry it (`notification.drop` / `notification.retry`; the last
//! call counts).
//! Its default `event` is `events/custom_phone_provider.json`; its `api` is in `js_runtime/actions/custom_phone_provider/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::CustomPhoneProvider,
    execute: "onExecuteCustomPhoneProvider",
    resume: None,
    default_event: || super::json_event!("events/custom_phone_provider.json"),
    requires: None,
};
