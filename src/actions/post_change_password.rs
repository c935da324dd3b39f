//! The post-change-password trigger: after a user changed their password (not blocking; `api.cache`
//! only).
//! Its default `event` is `events/post_change_password.json`; its `api` is in `js_runtime/actions/post_change_password/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::PostChangePassword,
    execute: "onExecutePostChangePassword",
    resume: None,
    default_event: || super::json_event!("events/post_change_password.json"),
    requires: None,
};
