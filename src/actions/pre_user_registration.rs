//! The pre-user-registration trigger: a database or passwordless sign-up, before the user exists;
//! the Action can deny it (`access.deny(reason, userMessage)`, `validation.error(code, message)`)
//! and set the new user's metadata and id.
//! Its default `event` is `events/pre_user_registration.json`; its `api` is in `js_runtime/actions/pre_user_registration/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::PreUserRegistration,
    execute: "onExecutePreUserRegistration",
    resume: Some("onContinuePreUserRegistration"),
    default_event: || super::json_event!("events/pre_user_registration.json"),
    requires: None,
};
