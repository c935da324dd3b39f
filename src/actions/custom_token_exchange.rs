//! The custom-token-exchange trigger: a subject token is exchanged for Auth0 tokens; the Action
//! validates it and sets the user (`authentication.setUserById` / `setUserByConnection`), or rejects
//! it (`access.deny`, `access.rejectInvalidSubjectToken`).
//! Its default `event` is `events/custom_token_exchange.json`; its `api` is in `js_runtime/actions/custom_token_exchange/`.

use super::ActionTrigger;
use crate::api_call::ApiName;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::CustomTokenExchange,
    execute: "onExecuteCustomTokenExchange",
    resume: None,
    default_event: || super::json_event!("events/custom_token_exchange.json"),
    requires: Some((
        &[ApiName::AuthenticationSetUserById, ApiName::AuthenticationSetUserByConnection],
        "the Action set no user: exactly one of api.authentication.setUserById and \
         api.authentication.setUserByConnection must be called, unless the exchange is denied (Auth0 fails it)",
    )),
};
