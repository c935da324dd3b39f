//! The journal of logins: each login's transcript logged on standard error (`--log-format`:
//! `human`, a readable block; `json`, one object per line) and the recent ones kept for
//! `GET /actionhost/logins` (JSON, newest first), to see what the Rules and Actions did.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::authorization::Authorization;
use super::{Subject, RECENT_LOGINS};
use crate::pipeline::{Simulation, StepStatus};
use crate::request::RequestError;
use crate::serve::state::{LogFormat, ServeState};

/// Logs a login and keeps it for `/actionhost/logins`.
pub fn record(
    state: &ServeState,
    authorization: &Authorization,
    subject: &Subject,
    result: &Result<Simulation, RequestError>,
) {
    let entry = entry(authorization, subject, result);
    let line = match state.options.log_format {
        LogFormat::Json => entry.to_string(),
        LogFormat::Human => human(authorization, subject, result),
    };
    eprintln!("{line}");
    let mut oidc = state.oidc.lock();
    if oidc.logins.len() >= RECENT_LOGINS {
        oidc.logins.pop_front();
    }
    oidc.logins.push_back(entry);
}

fn entry(authorization: &Authorization, subject: &Subject, result: &Result<Simulation, RequestError>) -> Value {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let time = crate::dates::iso_from_ms(i64::try_from(ms).unwrap_or(i64::MAX));
    let mut entry = json!({
        "time": time,
        "client_id": authorization.client_id,
        "client": authorization.client_name,
        "user_id": subject.user_id,
        "sso": subject.sso.is_some(),
        "redirect_uri": authorization.redirect_uri,
        "scope": authorization.scopes.join(" "),
        "audience": authorization.audience,
    });
    match result {
        Ok(simulation) => {
            // The transcript, not the credentials: the login's simulation is unsigned (its tokens
            // are signed apart, by `issue`), so it holds the tokens' claims and no JWT.
            entry["status"] = json!(simulation.status.as_str());
            entry["simulation"] = serde_json::to_value(simulation).unwrap_or(Value::Null);
        }
        Err(error) => {
            entry["status"] = json!("invalid");
            entry["error"] = json!(error.to_string());
        }
    }
    entry
}

fn human(authorization: &Authorization, subject: &Subject, result: &Result<Simulation, RequestError>) -> String {
    let mut out = String::new();
    let _ = write!(out, "login: {} into {} ({})", subject.user_id, authorization.client_name, authorization.client_id);
    if subject.sso.is_some() {
        out.push_str(", single sign-on");
    }
    let simulation = match result {
        Err(error) => {
            let _ = write!(out, "\n  invalid: {error}");
            return out;
        }
        Ok(simulation) => simulation,
    };
    let ran = simulation.steps.iter().filter(|s| s.status != StepStatus::Skipped).count();
    let _ = write!(out, "\n  status: {}  ({ran} steps, {:.1} ms)", simulation.status.as_str(), simulation.duration_ms);
    for step in &simulation.steps {
        let _ = write!(out, "\n  - {} {}: {}", step.kind.as_str(), step.name, step.status.as_str());
        for log in &step.logs {
            let _ = write!(out, "\n      console: {}", log.message.trim_end());
        }
    }
    if let Some(denial) = &simulation.denial {
        let _ = write!(out, "\n  denied by {}: {}", denial.by, denial.error_description);
    }
    if let Some(redirect) = &simulation.redirect {
        let _ = write!(
            out,
            "\n  redirect by {}: {} (waits for /continue?state={})",
            redirect.by, redirect.url, redirect.state
        );
    }
    if let Some(error) = &simulation.error {
        let at = simulation.failed_step.as_deref().map(|s| format!(" in {s}")).unwrap_or_default();
        let _ = write!(out, "\n  error{at}: {}: {}", error.name, error.message);
    }
    if !simulation.scopes.is_empty() {
        let _ = write!(out, "\n  scopes: {}", simulation.scopes.join(" "));
    }
    for warning in &simulation.warnings {
        let _ = write!(out, "\n  warning: {warning}");
    }
    out
}

/// `GET /actionhost/logins`: the recent logins, newest first.
pub async fn list(State(state): State<Arc<ServeState>>) -> Json<Value> {
    let oidc = state.oidc.lock();
    Json(json!({ "logins": oidc.logins.iter().rev().cloned().collect::<Vec<_>>() }))
}
