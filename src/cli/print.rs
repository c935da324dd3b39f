//! The human view of an outcome: status first, then what the script did (denial, redirect,
//! claims, commands, callback), its console output, its error with the script's line and its
//! warnings.

use std::fmt::Write;

use serde_json::{Map, Value};

use actionhost::{Outcome, Status, Trigger};

pub fn human(outcome: &Outcome) -> String {
    let mut out = String::new();
    let script = outcome.script.as_deref().unwrap_or("?");
    let trigger = outcome.trigger.map_or("?", Trigger::as_str);
    let _ = writeln!(out, "status: {}  ({script}, {trigger}, {:.1} ms)", outcome.status.as_str(), outcome.duration_ms);
    if let Some(reason) = denial(outcome) {
        let _ = writeln!(out, "denied: {reason}");
    }
    if let Some(url) = outcome.command("redirect.sendUserTo").and_then(|c| c.args.first()) {
        let _ = writeln!(out, "redirect: {}", text(url));
    }
    let (id_token, access_token) = claims(outcome);
    for (name, claims) in [("id token", id_token), ("access token", access_token)] {
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
            let args: Vec<String> = command.args.iter().map(Value::to_string).collect();
            let _ = writeln!(out, "  {}. {}({})", index + 1, command.api, args.join(", "));
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

fn denial(outcome: &Outcome) -> Option<String> {
    if outcome.status != Status::Denied {
        return None;
    }
    if let Some(command) = outcome.command("access.deny") {
        return Some(command.args.first().map(text).unwrap_or_default());
    }
    outcome.callback.as_ref()?.error.as_ref().map(|e| format!("{}: {}", e.name, e.message))
}

/// Custom claims: from `setCustomClaim` commands (Actions) or the callback's context (Rules).
fn claims(outcome: &Outcome) -> (Map<String, Value>, Map<String, Value>) {
    if let Some(callback) = &outcome.callback {
        let bag = |key: &str| callback.context.get(key).and_then(Value::as_object).cloned().unwrap_or_default();
        return (bag("idToken"), bag("accessToken"));
    }
    let mut id_token = Map::new();
    let mut access_token = Map::new();
    for command in &outcome.commands {
        let target = match command.api.as_str() {
            "idToken.setCustomClaim" => &mut id_token,
            "accessToken.setCustomClaim" => &mut access_token,
            _ => continue,
        };
        if let [Value::String(key), value, ..] = command.args.as_slice() {
            target.insert(key.clone(), value.clone());
        }
    }
    (id_token, access_token)
}

fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}
