//! The human view of a simulated login: how it ended, each step with its time, api calls,
//! console output and changes, then the tokens' claims, scopes, MFA, the user's metadata and
//! Auth0's warnings; and the same for the other flows ([`flow_human`]).

use std::fmt::Write;

use serde_json::{Map, Value};

use crate::pipeline::flows::FlowResult;
use crate::pipeline::{ChangeOp, SimStatus, Simulation, Step, StepStatus};

pub fn human(result: &Simulation) -> String {
    let mut out = String::new();
    if let Some(login) = &result.login {
        let audience = login.audience.as_deref().map(|a| format!(", audience {a}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "login: {} into {} via {} ({}{audience})",
            login.user_id, login.client, login.connection, login.protocol
        );
    }
    let ran = result.steps.iter().filter(|s| s.status != StepStatus::Skipped).count();
    let _ = writeln!(out, "status: {}  ({ran} steps, {:.1} ms)", result.status.as_str(), result.duration_ms);
    if let Some(denial) = &result.denial {
        let _ = writeln!(out, "denied by {}: {} ({})", denial.by, denial.error, denial.error_description);
    }
    if let Some(redirect) = &result.redirect {
        let _ = writeln!(out, "redirect by {}: {}", redirect.by, redirect.url);
        let _ = writeln!(
            out,
            "  resume with: actionhost simulate --continue {} --query KEY=VALUE",
            redirect.state_file.display()
        );
    }
    if let Some(error) = &result.error {
        let at = result.failed_step.as_deref().map(|s| format!(" (in {s})")).unwrap_or_default();
        let _ = writeln!(out, "error{at}: {}: {}", error.name, error.message);
        for frame in error.stack.iter().flat_map(|s| s.lines().skip(1)) {
            let _ = writeln!(out, "  {}", frame.trim());
        }
    }
    if !result.steps.is_empty() {
        let _ = writeln!(out, "steps:");
        let width = result.steps.iter().map(|s| s.name.chars().count() + 7).max().unwrap_or(0);
        for (index, step) in result.steps.iter().enumerate() {
            step_lines(&mut out, index + 1, step, width);
        }
    }
    if let Some(tokens) = &result.tokens {
        if let Some(id_token) = &tokens.id_token {
            claims(&mut out, "id token", &id_token.claims, id_token.jwt.as_deref());
        }
        claims(&mut out, "access token", &tokens.access_token.claims, tokens.access_token.jwt.as_deref());
        if let Some(signing) = &tokens.signing {
            let key = signing.jwks.as_ref().map(|p| format!(", keys in {}", p.display())).unwrap_or_default();
            let _ = writeln!(out, "signed: {}{key}", signing.alg);
        }
    }
    if result.status != SimStatus::Error || result.login.is_some() {
        let _ = writeln!(out, "scopes: {}", result.scopes.join(" "));
        match &result.mfa {
            Some(mfa) => {
                let remember = if mfa.allow_remember_browser { ", browser may be remembered" } else { "" };
                let factors = mfa.factors.as_ref().map(|f| format!(" {f}")).unwrap_or_default();
                let _ = writeln!(out, "mfa: {}{factors}{remember} (by {})", mfa.provider, mfa.by);
            }
            None => _ = writeln!(out, "mfa: not required"),
        }
        let _ = writeln!(out, "app_metadata: {}", result.app_metadata);
        let _ = writeln!(out, "user_metadata: {}", result.user_metadata);
    }
    if let Some(file) = &result.persisted {
        let _ = writeln!(out, "metadata written to {}", file.display());
    }
    if !result.warnings.is_empty() {
        let _ = writeln!(out, "warnings:");
        for warning in &result.warnings {
            let _ = writeln!(out, "  - {warning}");
        }
    }
    out
}

fn step_lines(out: &mut String, number: usize, step: &Step, width: usize) {
    let title = format!("{} {}", step.kind.as_str(), step.name);
    let phase = match step.phase {
        Some(crate::Phase::Continue) => " (continue)",
        _ => "",
    };
    if step.status == StepStatus::Skipped {
        let reason = step.reason.as_deref().unwrap_or_default();
        let _ = writeln!(out, "  {number:>2}. {title:width$}  skipped ({reason})");
        return;
    }
    let resumed = if step.resumed { "  [after /continue]" } else { "" };
    let _ = writeln!(out, "  {number:>2}. {title:width$}  {}{phase}  {:.1} ms{resumed}", step.status, step.duration_ms);
    for command in &step.commands {
        let args: Vec<String> = command.args().iter().map(Value::to_string).collect();
        let _ = writeln!(out, "        {}({})", command.name(), args.join(", "));
    }
    for line in &step.logs {
        for text in line.message.lines() {
            let _ = writeln!(out, "        [{}] {text}", line.level);
        }
    }
    if let Some(error) = step.error.as_ref() {
        let _ = writeln!(out, "        ! {}: {}", error.name, error.message);
    }
    for change in &step.changes {
        let path = change.path.replace("~1", "/").replace("~0", "~");
        let text = match (change.op, &change.old, &change.value) {
            (ChangeOp::Add, _, Some(value)) => format!("+ {path} = {value}"),
            (ChangeOp::Remove, Some(old), _) => format!("- {path} (was {old})"),
            (_, Some(old), Some(value)) => format!("~ {path}: {old} -> {value}"),
            _ => format!("~ {path}"),
        };
        let _ = writeln!(out, "        {}", shorten(&text, 160));
    }
}

fn claims(out: &mut String, name: &str, claims: &Map<String, Value>, jwt: Option<&str>) {
    let _ = writeln!(out, "{name}:");
    for (key, value) in claims {
        let _ = writeln!(out, "  {key}: {value}");
    }
    if let Some(jwt) = jwt {
        let _ = writeln!(out, "  jwt: {jwt}");
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// The human view of a flow other than a login: how it ended, each step, then what it produced.
pub fn flow_human(result: &FlowResult) -> String {
    let mut out = String::new();
    if let (Some(flow), Some(request)) = (result.flow, &result.request) {
        let mut who = Vec::new();
        if let Some(user) = &request.user_id {
            who.push(format!("user {user}"));
        }
        if let Some(client) = &request.client {
            who.push(format!("application {client}"));
        }
        if let Some(audience) = &request.audience {
            who.push(format!("audience {audience}"));
        }
        let _ = writeln!(out, "flow: {} ({})", flow.as_str(), who.join(", "));
    }
    let ran = result.steps.iter().filter(|s| s.status != StepStatus::Skipped).count();
    let _ = writeln!(out, "status: {}  ({ran} steps, {:.1} ms)", result.status.as_str(), result.duration_ms);
    if let Some(denial) = &result.denial {
        let reason = denial.reason.as_deref().map(|r| format!("; reason: {r}")).unwrap_or_default();
        let _ = writeln!(out, "denied by {}: {} ({}){reason}", denial.by, denial.error, denial.error_description);
    }
    if let Some(redirect) = &result.redirect {
        let _ = writeln!(out, "redirect by {}: {}", redirect.by, redirect.url);
        let _ = writeln!(
            out,
            "  resume with: actionhost simulate --continue {} --query KEY=VALUE",
            redirect.state_file.display()
        );
    }
    if let Some(error) = &result.error {
        let at = result.failed_step.as_deref().map(|s| format!(" (in {s})")).unwrap_or_default();
        let _ = writeln!(out, "error{at}: {}: {}", error.name, error.message);
    }
    if !result.steps.is_empty() {
        let _ = writeln!(out, "steps:");
        let width = result.steps.iter().map(|s| s.name.chars().count() + 7).max().unwrap_or(0);
        for (index, step) in result.steps.iter().enumerate() {
            step_lines(&mut out, index + 1, step, width);
        }
    }
    if let Value::Object(fields) = &result.result {
        let _ = writeln!(out, "result:");
        for (key, value) in fields {
            // Tokens are shown claim by claim, as a login's.
            let tokens: Vec<(&str, &Value)> = match key.as_str() {
                "access_token" => vec![("access token", value)],
                "tokens" => vec![("id token", &value["id_token"]), ("access token", &value["access_token"])],
                _ => vec![],
            };
            if tokens.is_empty() {
                let _ = writeln!(out, "  {key}: {}", shorten(&value.to_string(), 400));
            }
            for (name, token) in tokens {
                if let Some(fields) = token["claims"].as_object() {
                    claims(&mut out, name, fields, token["jwt"].as_str());
                }
            }
        }
    }
    if !result.warnings.is_empty() {
        let _ = writeln!(out, "warnings:");
        for warning in &result.warnings {
            let _ = writeln!(out, "  - {warning}");
        }
    }
    out
}
