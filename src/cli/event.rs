//! `actionhost event TRIGGER`: prints the inputs a script of that trigger gets when nothing is
//! given: an Action's default `event`, or a Rule's `{user, context}` — the objects `--event`,
//! `--user` and `--context` are deep-merged into.

use std::io::Write;

use serde_json::json;

use super::args::EventArgs;
use crate::actions::{self, post_login_event};
use crate::Trigger;

pub fn event(args: EventArgs) -> anyhow::Result<u8> {
    let inputs = match actions::spec(args.trigger) {
        Some(spec) => (spec.default_event)(),
        None => {
            debug_assert_eq!(args.trigger, Trigger::Rule);
            json!({
                "user": post_login_event::default_rule_user(),
                "context": post_login_event::default_rule_context(),
            })
        }
    };
    std::io::stdout().write_all((serde_json::to_string_pretty(&inputs)? + "\n").as_bytes())?;
    Ok(0)
}
