//! The post-user-registration trigger: after a user was created (Auth0 does not wait for it; its
//! api is `api.cache` only).
//! Its default `event` is `events/post_user_registration.json`; its `api` is in `js_runtime/actions/post_user_registration/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::PostUserRegistration,
    execute: "onExecutePostUserRegistration",
    resume: None,
    default_event: || super::json_event!("events/post_user_registration.json"),
    requires: None,
};
