//! The Rules stage: every enabled `login_success` Rule in ascending `order`, each given the
//! `user` and `context` the previous one passed to its callback. The first denial or failure
//! ends the login; `auth0.users.update*Metadata` calls for the user are applied at once (they are
//! Management API calls); once every rule has run, `context.redirect` suspends the login, unless
//! the Rules are running again after that redirect (`protocol` `redirect-callback`).

use std::time::Instant;

use serde_json::{json, Map, Value};

use super::flow::{End, Flow, Mfa, Resume};
use super::login::{rules_context, rules_user, REDIRECT_CALLBACK};
use super::step_request;
use super::transcript::{diff, Step, StepKind};
use crate::effects::{self, Effect, ScopeChange, Token};
use crate::outcome::{OutcomeError, Status};
use crate::request::{Prepared, Request, RequestError, Trigger};
use crate::tenant::{RuleStage, Tenant};
use crate::{Host, MissingClientMetadata};

/// What the Rules leave for the Actions.
pub enum RulesEnd {
    /// Every rule completed: their final `user` and `context`.
    Continue { user: Value, context: Value },
    /// The login ends (denied, failed) or is suspended (redirect) here.
    Stop(End),
}

/// Runs the Rules; `callback_query` is the `/continue` query when they run again after a redirect.
pub async fn run(
    host: &Host,
    tenant: &Tenant,
    flow: &mut Flow,
    callback_query: Option<&Map<String, Value>>,
) -> Result<RulesEnd, RequestError> {
    let protocol = if callback_query.is_some() { REDIRECT_CALLBACK } else { flow.login.protocol.as_str() };
    let mut user = rules_user(&flow.login, &flow.profile);
    let mut context = rules_context(&flow.login, &flow.profile, protocol, callback_query);
    // What the host puts in `context.clientMetadata`, so that diffs show only the rules' changes.
    match tenant.client(&flow.login.client).ok().and_then(|c| c.client_metadata.clone()) {
        Some(metadata) => context["clientMetadata"] = Value::Object(metadata),
        None if host.config().missing_client_metadata == MissingClientMetadata::Empty => {
            context["clientMetadata"] = json!({})
        }
        None => {}
    }
    let mut set_by: Map<String, Value> = Map::new();
    flow.rules_executed.clear();
    for rule in &tenant.rules {
        if !rule.enabled {
            flow.push(Step::skipped(StepKind::Rule, &rule.name, "disabled".into()));
            continue;
        }
        if rule.stage != RuleStage::LoginSuccess {
            flow.push(Step::skipped(StepKind::Rule, &rule.name, format!("stage {}", rule.stage)));
            continue;
        }
        let by = format!("rule {}", rule.name);
        let started = Instant::now();
        let request = Request {
            user: Some(user.clone()),
            context: Some(context.clone()),
            ..step_request(tenant, &flow.login, Trigger::Rule, &rule.script, &rule.script_path)
        };
        let modules = Some(crate::tenant::packages::rule_scope(tenant, rule));
        let outcome = host.run_prepared(Prepared { modules, ..request.into() }).await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        flow.warnings.extend(rule.warnings.iter().chain(&outcome.warnings).map(|w| format!("{by}: {w}")));
        for (command, effect) in
            outcome.commands.iter().filter_map(|c| Some((c, Effect::of_call(Trigger::Rule, c.call())?)))
        {
            let Effect::UserUpdate { field, user_id, changes } = effect else { continue };
            match (&user_id, &changes) {
                (Value::String(id), Value::Object(changes)) if *id == flow.login.user_id => {
                    flow.apply_now(field, changes)
                }
                _ => flow.warnings.push(format!(
                    "{by}: {}({user_id}, …) ignored: only the user logging in can be updated",
                    command.name()
                )),
            }
        }
        let callback = outcome.callback.clone();
        match (outcome.status, callback) {
            (Status::Completed | Status::Redirected, Some(cb)) if cb.user.is_object() && cb.context.is_object() => {
                let mut changes = Vec::new();
                diff("/user", &user, &cb.user, &mut changes);
                diff("/context", &context, &cb.context, &mut changes);
                for bag in ["idToken", "accessToken", "multifactor", "redirect"] {
                    if context.get(bag) != cb.context.get(bag) {
                        note_setters(&mut set_by, bag, &context[bag], &cb.context[bag], &by);
                    }
                }
                flow.push(Step::ran(StepKind::Rule, &rule.name, None, &outcome, ms, changes));
                (user, context) = (cb.user, cb.context);
                flow.rules_executed.push(rule.name.clone());
            }
            (Status::Completed | Status::Redirected, _) => {
                let mut step = Step::ran(StepKind::Rule, &rule.name, None, &outcome, ms, vec![]);
                let error = OutcomeError::new(
                    "CallbackError",
                    "the rule passed a user or context that is not an object to callback",
                );
                step.status = Status::Error.into();
                step.error = Some(error.clone());
                flow.push(step);
                return Ok(RulesEnd::Stop(End::Failed { by, error: Box::new(error) }));
            }
            (Status::Denied, cb) => {
                flow.push(Step::ran(StepKind::Rule, &rule.name, None, &outcome, ms, vec![]));
                let reason = cb.and_then(|c| c.error).map(|e| e.message).unwrap_or_default();
                return Ok(RulesEnd::Stop(End::Denied { by, reason }));
            }
            (_, _) => {
                flow.push(Step::ran(StepKind::Rule, &rule.name, None, &outcome, ms, vec![]));
                let error =
                    outcome.error.clone().unwrap_or_else(|| OutcomeError::new("Error", outcome.status.as_str()));
                return Ok(RulesEnd::Stop(End::Failed { by, error: Box::new(error) }));
            }
        }
    }
    let who = |key: &str| set_by.get(key).and_then(Value::as_str).unwrap_or("rules").to_owned();
    if callback_query.is_none() {
        if let Some(url) = context["redirect"]["url"].as_str() {
            let by = who("redirect");
            return Ok(RulesEnd::Stop(End::Redirect { by, url: url.to_owned(), resume: Resume::Rules }));
        }
    }
    take_token_effects(flow, &mut context, &set_by);
    Ok(RulesEnd::Continue { user, context })
}

/// Remembers which rule set each key of `context[bag]` (or the bag itself).
fn note_setters(set_by: &mut Map<String, Value>, bag: &str, before: &Value, after: &Value, by: &str) {
    set_by.insert(bag.to_owned(), json!(by));
    if let Value::Object(after) = after {
        for (key, value) in after {
            if before.get(key) != Some(value) {
                set_by.insert(format!("{bag}/{key}"), json!(by));
            }
        }
    }
}

/// Custom claims, scopes and MFA from the final `context` (its `accessToken.scope` removed: it
/// is no claim), each attributed to the rule that set it.
fn take_token_effects(flow: &mut Flow, context: &mut Value, set_by: &Map<String, Value>) {
    let who = |key: &str| set_by.get(key).and_then(Value::as_str).unwrap_or("rules").to_owned();
    for effect in Effect::of_rule_context(context) {
        match effect {
            Effect::Claim { token, key, value } => {
                let (bag, target) = match token {
                    Token::Id => ("idToken", &mut flow.id_claims),
                    Token::Access => ("accessToken", &mut flow.access_claims),
                };
                target.set(&key, value, &who(&format!("{bag}/{key}")));
            }
            Effect::Scope(change @ ScopeChange::Set(_)) => effects::change_scopes(&mut flow.scopes, change),
            Effect::Mfa(mfa) => {
                if let Some(mfa) = Mfa::required(&mfa, &who("multifactor")) {
                    flow.mfa = Some(mfa);
                }
            }
            _ => {}
        }
    }
    if let Some(Value::Object(claims)) = context.get_mut("accessToken") {
        claims.shift_remove("scope");
    }
}
