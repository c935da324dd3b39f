//! The custom-email-provider trigger: Auth0 sends an email through the tenant's provider; the
//! Action can drop or retry the notification (`notification.drop` / `notification.retry`; the last
//! call counts).
//! Its default `event` is `events/custom_email_provider.json`; its `api` is in `js_runtime/actions/custom_email_provider/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::CustomEmailProvider,
    execute: "onExecuteCustomEmailProvider",
    resume: None,
    default_event: || super::json_event!("events/custom_email_provider.json"),
    requires: None,
};
