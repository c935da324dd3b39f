//! The Actions stage: the post-login Actions bound in `triggers/triggers.json`, in order, each
//! seeing the event as the previous ones left it: `event.transaction.metadata` as set so far,
//! and `event.user.app_metadata` / `user_metadata` with the changes requested so far (applied
//! to the stored user only when the flow ends). `api.access.deny` stops the flow after the
//! current Action; `api.redirect.sendUserTo` suspends it, to resume in the same Action's
//! `onContinuePostLogin`.

use std::time::Instant;

use serde_json::{json, Map, Value};

use super::flow::{End, Flow, Mfa, Resume};
use super::metadata::Field;
use super::step_request;
use super::transcript::{diff, Step, StepKind};
use crate::outcome::{Command, OutcomeError, Status};
use crate::request::{Phase, Request, RequestError, Trigger};
use crate::tenant::Tenant;
use crate::Host;

/// The api calls that change the event the next Action sees.
const EVENT_CHANGING: [&str; 3] = ["user.setAppMetadata", "user.setUserMetadata", "transaction.setMetadata"];

/// Runs the Actions from `start`; with `continue_query`, the first one runs its
/// `onContinuePostLogin` with that `/continue` query.
pub async fn run(
    host: &Host,
    tenant: &Tenant,
    flow: &mut Flow,
    mut event: Value,
    start: usize,
    continue_query: Option<&Map<String, Value>>,
) -> Result<End, RequestError> {
    let actions = tenant.trigger_actions("post-login").map_err(|e| RequestError::new("tenant", e.to_string()))?;
    if start == 0 && continue_query.is_none() {
        flow.warnings.extend(binding_warnings(tenant, &actions));
    }
    if let Some(query) = continue_query {
        event["request"]["query"] = Value::Object(query.clone());
        event["request"]["method"] = json!("GET");
        event["request"]["body"] = json!({});
    }
    for (index, action) in actions.iter().enumerate().skip(start) {
        let phase = if continue_query.is_some() && index == start { Phase::Continue } else { Phase::Execute };
        let by = format!("action {}", action.name);
        let started = Instant::now();
        let request = Request {
            event: Some(event.clone()),
            phase: Some(phase),
            rules_executed: Some(flow.rules_executed.clone()),
            secrets: Some(action.secrets.clone()),
            ..step_request(tenant, &flow.login, Trigger::PostLogin, &action.code, &action.code_path)
        };
        let outcome = host.run(request).await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let unset = crate::warnings::unset_secret_reads(action, &action.secrets);
        flow.warnings
            .extend(action.warnings.iter().chain(&unset).chain(&outcome.warnings).map(|w| format!("{by}: {w}")));
        if !outcome.status.ran() {
            flow.push(Step::ran(StepKind::Action, &action.name, Some(phase), &outcome, ms, vec![]));
            let error = outcome.error.clone().unwrap_or_else(|| OutcomeError::new("Error", outcome.status.as_str()));
            return Ok(End::Failed { by, error: Box::new(error) });
        }
        let mut changes = Vec::new();
        if outcome.commands.iter().any(|c| EVENT_CHANGING.contains(&c.api.as_str())) {
            let before = event.clone();
            apply_commands(flow, &mut event, &outcome.commands, &by);
            diff("/event", &before, &event, &mut changes);
        } else {
            apply_commands(flow, &mut event, &outcome.commands, &by);
        }
        flow.push(Step::ran(StepKind::Action, &action.name, Some(phase), &outcome, ms, changes));
        match outcome.status {
            Status::Denied => {
                let reason = outcome
                    .command("access.deny")
                    .and_then(|c| c.args.first())
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                flow.event = Some(event);
                return Ok(End::Denied { by, reason: reason.to_owned() });
            }
            Status::Redirected => {
                let url = outcome
                    .commands
                    .iter()
                    .rev()
                    .find(|c| c.api == "redirect.sendUserTo")
                    .and_then(|c| c.args.first())
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                flow.event = Some(event);
                return Ok(End::Redirect {
                    by,
                    url: url.to_owned(),
                    resume: Resume::Action { index, name: action.name.clone() },
                });
            }
            _ => {}
        }
    }
    flow.event = Some(event);
    Ok(End::Completed)
}

/// What an Action's api calls change for the rest of the flow.
fn apply_commands(flow: &mut Flow, event: &mut Value, commands: &[Command], by: &str) {
    for command in commands {
        let args = command.args.as_slice();
        match (command.api.as_str(), args) {
            ("idToken.setCustomClaim", [Value::String(key), value, ..]) => flow.id_claims.set(key, value.clone(), by),
            ("accessToken.setCustomClaim", [Value::String(key), value, ..]) => {
                flow.access_claims.set(key, value.clone(), by)
            }
            ("accessToken.addScope", [Value::String(scope), ..]) if !flow.scopes.contains(scope) => {
                flow.scopes.push(scope.clone())
            }
            ("accessToken.removeScope", [Value::String(scope), ..]) => flow.scopes.retain(|s| s != scope),
            ("multifactor.enable", [Value::String(provider), options, ..]) => {
                flow.mfa = (provider != "none").then(|| Mfa {
                    provider: provider.clone(),
                    allow_remember_browser: options["allowRememberBrowser"].as_bool().unwrap_or(false),
                    factors: None,
                    by: by.to_owned(),
                });
            }
            (
                api @ ("authentication.challengeWith"
                | "authentication.challengeWithAny"
                | "authentication.enrollWith"
                | "authentication.enrollWithAny"),
                [factors, rest @ ..],
            ) => {
                let mut list: Vec<Value> = match factors {
                    Value::Array(list) => list.clone(),
                    one => vec![one.clone()],
                };
                if let Some(Value::Array(more)) = rest.first().and_then(|o| o.get("additionalFactors")) {
                    list.extend(more.iter().cloned());
                }
                let provider = if api.contains("enroll") { "enroll" } else { "challenge" };
                flow.mfa = Some(Mfa {
                    provider: provider.into(),
                    allow_remember_browser: false,
                    factors: Some(Value::Array(list)),
                    by: by.to_owned(),
                });
            }
            (api @ ("user.setAppMetadata" | "user.setUserMetadata"), [Value::String(key), value, ..]) => {
                let field = if api == "user.setAppMetadata" { Field::App } else { Field::User };
                flow.pending.set(field, key, value.clone());
                let meta = &mut event["user"][field.key()];
                if !meta.is_object() {
                    *meta = json!({});
                }
                set_or_remove(meta, key, value);
            }
            ("transaction.setMetadata", [Value::String(key), value, ..]) => {
                let meta = &mut event["transaction"]["metadata"];
                if !meta.is_object() {
                    *meta = json!({});
                }
                set_or_remove(meta, key, value);
            }
            _ => {}
        }
    }
}

fn set_or_remove(object: &mut Value, key: &str, value: &Value) {
    if let Value::Object(map) = object {
        if value.is_null() {
            map.shift_remove(key);
        } else {
            map.insert(key.to_owned(), value.clone());
        }
    }
}

/// What the tenant's bindings would make Auth0 do differently from what runs here: a bound
/// Action that is not deployed (Auth0 runs only deployed versions; it runs here as written), and
/// an Action that supports post-login but is not bound (it does not run).
fn binding_warnings(tenant: &Tenant, bound: &[&crate::tenant::Action]) -> Vec<String> {
    let mut warnings = Vec::new();
    for action in bound.iter().filter(|action| !action.deployed) {
        warnings.push(format!(
            "action {} is bound to post-login but not deployed (deployed: false): Auth0 would not run it; it ran here as written",
            action.name
        ));
    }
    for action in &tenant.actions {
        let supports = action.supported_triggers.iter().any(|(id, _)| id == "post-login");
        if supports && !bound.iter().any(|b| b.name == action.name) {
            warnings.push(format!(
                "action {} supports post-login but is not bound to it (triggers/triggers.json): it did not run",
                action.name
            ));
        }
    }
    warnings
}
