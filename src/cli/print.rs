//! The human view of an outcome: status first, then what the script did (denial, redirect,
//! claims, commands, callback), its console output, its error with the script's line and its
//! warnings.

use std::fmt::Write;

use serde_json::Value;

use crate::effects::{Effect, Effects};
use crate::{Outcome, Status, Trigger};

pub fn human(outcome: &Outcome) -> String {
    let mut out = String::new();
    let script = outcome.script.as_deref().unwrap_or("?");
    let trigger = outcome.trigger.map_or("?", Trigger::as_str);
    let _ = writeln!(out, "status: {}  ({script}, {trigger}, {:.1} ms)", outcome.status.as_str(), outcome.duration_ms);
    // An Action's calls; a Rule's custom claims from the context it called back with.
    let mut effects = Effects::default();
    for effect in Effect::of_commands(outcome.trigger.unwrap_or(Trigger::PostLogin), &outcome.commands) {
        effects.apply(effect);
    }
    if let Some(callback) = &outcome.callback {
        for effect in Effect::of_rule_context(&callback.context) {
            if matches!(effect, Effect::Claim { .. }) {
                effects.apply(effect);
            }
        }
    }
    if let Some(reason) = denial(outcome, &effects) {
        let _ = writeln!(out, "denied: {reason}");
    }
    if let Some(url) = &effects.redirect {
        let _ = writeln!(out, "redirect: {url}");
    }
    for (name, claims) in [("id token", &effects.id_token), ("access token", &effects.access_token)] {
        if !claims.is_empty() {
            let _ = writeln!(out, "{name} claims:");
            for (key, value) in claims {
                let _ = writeln!(out, "  {key}: {value}");
            }
        }
    }
    if !outcome.commands.is_empty() {
        let _ = writeln!(out, "commands:");
        for (index, command) in outcome.commands.iter().enumerate() {
            let args: Vec<String> = command.args().iter().map(Value::to_string).collect();
            let _ = writeln!(out, "  {}. {}({})", index + 1, command.name(), args.join(", "));
        }
    }
    if let Some(callback) = &outcome.callback {
        if let Some(multifactor) = callback.context.get("multifactor") {
            let _ = writeln!(out, "multifactor: {multifactor}");
        }
        if let Some(redirect) = callback.context.get("redirect") {
            let _ = writeln!(out, "redirect: {redirect}");
        }
    }
    if !outcome.returned.is_null() {
        let _ = writeln!(out, "returned: {}", outcome.returned);
    }
    if !outcome.logs.is_empty() {
        let _ = writeln!(out, "logs:");
        for line in &outcome.logs {
            for (index, text) in line.message.lines().enumerate() {
                let level = if index == 0 { format!("[{}]", line.level) } else { String::new() };
                let _ = writeln!(out, "  {level:7} {text}");
            }
        }
    }
    if let Some(error) = outcome.error.as_ref().filter(|_| outcome.status != Status::Denied) {
        let _ = writeln!(out, "error: {}: {}", error.name, error.message);
        if let Some(stack) = &error.stack {
            for frame in stack.lines().skip(1) {
                let _ = writeln!(out, "  {}", frame.trim());
            }
        }
    }
    if !outcome.warnings.is_empty() {
        let _ = writeln!(out, "warnings:");
        for warning in &outcome.warnings {
            let _ = writeln!(out, "  - {warning}");
        }
    }
    out
}

fn denial(outcome: &Outcome, effects: &Effects) -> Option<String> {
    if outcome.status != Status::Denied {
        return None;
    }
    if let Some(denial) = &effects.deny {
        return Some(denial.text());
    }
    outcome.callback.as_ref()?.error.as_ref().map(|e| format!("{}: {}", e.name, e.message))
}
