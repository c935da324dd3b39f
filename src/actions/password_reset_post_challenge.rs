//! The password-reset-post-challenge trigger: a password reset after its first challenge; the
//! Action can deny it, challenge again, redirect and continue, render a prompt and set where the
//! user lands (`transaction.setResultUrl`). A deny wins over a redirect, as in post-login.
//! Its default `event` is `events/password_reset_post_challenge.json`; its `api` is in `js_runtime/actions/password_reset_post_challenge/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::PasswordResetPostChallenge,
    execute: "onExecutePostChallenge",
    resume: Some("onContinuePostChallenge"),
    default_event: || super::json_event!("events/password_reset_post_challenge.json"),
    requires: None,
};
