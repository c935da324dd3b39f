//! The credentials-exchange trigger: an application gets an access token with its own credentials
//! (`client_credentials`); the Action can deny it (`access.deny(code, reason)`), add custom claims
//! and change the target scopes.
//! Its default `event` is `events/credentials_exchange.json`; its `api` is in `js_runtime/actions/credentials_exchange/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::CredentialsExchange,
    execute: "onExecuteCredentialsExchange",
    resume: None,
    default_event: || super::json_event!("events/credentials_exchange.json"),
    requires: None,
};
