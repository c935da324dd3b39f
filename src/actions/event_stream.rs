//! The event-stream trigger: a tenant event delivered to an Action (in the background; `api.cache`
//! only).
//! Its default `event` is `events/event_stream.json`; its `api` is in `js_runtime/actions/event_stream/`.

use super::ActionTrigger;
use crate::trigger::Trigger;

pub(crate) const TRIGGER: ActionTrigger = ActionTrigger {
    trigger: Trigger::EventStream,
    execute: "onExecuteEventStream",
    resume: None,
    default_event: || super::json_event!("events/event_stream.json"),
    requires: None,
};
