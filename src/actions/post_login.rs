//! The post-login trigger: a user logs in. Its default `event` is in `post_login_event.rs`; its
//! `api` in `js_runtime/actions/post_login/`.

use super::post_login_event::default_post_login_event;
use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::PostLogin,
    execute: "onExecutePostLogin",
    resume: Some("onContinuePostLogin"),
    default_event: default_post_login_event,
    requires: None,
};
