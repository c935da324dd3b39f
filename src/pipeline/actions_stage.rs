//! The Actions stage: the post-login Actions bound in `triggers/triggers.json`, in order, each
//! seeing the event as the previous ones left it: `event.transaction.metadata` as set so far,
//! and `event.user.app_metadata` / `user_metadata` with the changes requested so far (applied
//! to the stored user only when the flow ends). `api.access.deny` stops the flow after the
//! current Action; `api.redirect.sendUserTo` suspends it, to resume in the same Action's
//! `onContinuePostLogin`.

use std::time::Instant;

use serde_json::{json, Map, Value};

use super::flow::{End, Flow, Resume};
use super::step_request;
use super::transcript::{diff, Step, StepKind};
use crate::effects::{Effect, Effects};
use crate::outcome::{OutcomeError, Status};
use crate::request::{Phase, Prepared, Request, RequestError, Trigger};
use crate::tenant::Tenant;
use crate::Host;

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
        let modules = Some(crate::tenant::packages::action_scope(tenant, action));
        let outcome = host.run_prepared(Prepared { modules, ..request.into() }).await?;
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
        let mut effects = Effects::default();
        // Only api calls change the event; most Actions make few, many none.
        if !outcome.commands.is_empty() {
            let before = event.clone();
            for effect in Effect::of_commands(Trigger::PostLogin, &outcome.commands) {
                flow.apply(&effect, &mut event, &by);
                effects.apply(effect);
            }
            diff("/event", &before, &event, &mut changes);
        }
        flow.push(Step::ran(StepKind::Action, &action.name, Some(phase), &outcome, ms, changes));
        match outcome.status {
            Status::Denied => {
                let reason = effects.deny.map(|d| d.text()).unwrap_or_default();
                flow.event = Some(event);
                return Ok(End::Denied { by, reason });
            }
            Status::Redirected => {
                flow.event = Some(event);
                return Ok(End::Redirect {
                    by,
                    url: effects.redirect.unwrap_or_default(),
                    resume: Resume::Action { index, name: action.name.clone() },
                });
            }
            _ => {}
        }
    }
    flow.event = Some(event);
    Ok(End::Completed)
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
