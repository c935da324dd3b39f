//! The Rules stage: every enabled `login_success` Rule in ascending `order`, each given the
//! `user` and `context` the previous one passed to its callback. The Rules run as one job (one
//! worker, no round trip between them), each an execution of its own with its own step. The first denial or failure
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
use crate::engine::Script;
use crate::outcome::{CallbackResult, Outcome, OutcomeError, Status};
use crate::request::{Prepared, Request, RequestError, Trigger};
use crate::tenant::{packages, Rule, RuleStage, Tenant};
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
    let skipped = |rule: &Rule| match (rule.enabled, rule.stage) {
        (false, _) => Some("disabled".to_owned()),
        (true, RuleStage::LoginSuccess) => None,
        (true, stage) => Some(format!("stage {stage}")),
    };
    // Rules before `next` have their step in the transcript.
    let mut next = 0;
    while next < tenant.rules.len() {
        // The next rules to run, as one job: those that find the same packages.
        let runnable: Vec<usize> =
            (next..tenant.rules.len()).filter(|&i| skipped(&tenant.rules[i]).is_none()).collect();
        let Some(&first) = runnable.first() else { break };
        let scope = packages::rule_scope(tenant, &tenant.rules[first]);
        let chain: Vec<usize> = runnable
            .into_iter()
            .take_while(|&i| i == first || packages::rule_scope(tenant, &tenant.rules[i]) == scope)
            .collect();
        let rule = &tenant.rules[first];
        let started = Instant::now();
        let request = Request {
            user: Some(user.clone()),
            context: Some(context.clone()),
            ..step_request(tenant, &flow.login, Trigger::Rule, &rule.script, &rule.script_path)
        };
        let then = chain[1..]
            .iter()
            .map(|&i| {
                let rule = &tenant.rules[i];
                Script { filename: rule.script_path.display().to_string(), source: rule.script.clone() }
            })
            .collect();
        let outcomes = host.run_chain(Prepared { modules: Some(scope), ..request.into() }, then).await?;
        // Each rule's share of the job's time: its engine time, and an equal part of the rest.
        let engine_ms: f64 = outcomes.iter().map(|o| o.duration_ms).sum();
        let overhead_ms = (started.elapsed().as_secs_f64() * 1000.0 - engine_ms).max(0.0) / outcomes.len() as f64;
        for (outcome, &index) in outcomes.into_iter().zip(&chain) {
            for rule in &tenant.rules[next..index] {
                let reason = skipped(rule).expect("only skipped rules lie between the rules of a job");
                flow.push(Step::skipped(StepKind::Rule, &rule.name, reason));
            }
            next = index + 1;
            let ms = outcome.duration_ms + overhead_ms;
            let rule = &tenant.rules[index];
            if let Some(end) = take_outcome(flow, rule, outcome, ms, (&mut user, &mut context), &mut set_by) {
                return Ok(RulesEnd::Stop(end));
            }
        }
    }
    for rule in &tenant.rules[next..] {
        let reason = skipped(rule).expect("every rule left is skipped");
        flow.push(Step::skipped(StepKind::Rule, &rule.name, reason));
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

/// Records what one rule did; its callback's `user` and `context` become the current ones.
/// `Some` ends the login here (the rule denied it or failed).
fn take_outcome(
    flow: &mut Flow,
    rule: &Rule,
    mut outcome: Outcome,
    ms: f64,
    (user, context): (&mut Value, &mut Value),
    set_by: &mut Map<String, Value>,
) -> Option<End> {
    let by = format!("rule {}", rule.name);
    flow.warnings.extend(rule.warnings.iter().chain(&outcome.warnings).map(|w| format!("{by}: {w}")));
    for (command, effect) in
        outcome.commands.iter().filter_map(|c| Some((c, Effect::of_call(Trigger::Rule, c.call())?)))
    {
        let Effect::UserUpdate { field, user_id, changes } = effect else { continue };
        match (&user_id, &changes) {
            (Value::String(id), Value::Object(changes)) if *id == flow.login.user_id => flow.apply_now(field, changes),
            _ => flow.warnings.push(format!(
                "{by}: {}({user_id}, …) ignored: only the user logging in can be updated",
                command.name()
            )),
        }
    }
    // The callback's `user` and `context` move out; its error stays for the step.
    let callback = outcome.callback.take();
    outcome.callback =
        callback.as_ref().map(|cb| CallbackResult { error: cb.error.clone(), user: Value::Null, context: Value::Null });
    match (outcome.status, callback) {
        (Status::Completed | Status::Redirected, Some(cb)) if cb.user.is_object() && cb.context.is_object() => {
            let mut changes = Vec::new();
            diff("/user", user, &cb.user, &mut changes);
            diff("/context", context, &cb.context, &mut changes);
            for bag in ["idToken", "accessToken", "multifactor", "redirect"] {
                if context.get(bag) != cb.context.get(bag) {
                    note_setters(set_by, bag, &context[bag], &cb.context[bag], &by);
                }
            }
            flow.push(Step::ran(StepKind::Rule, &rule.name, None, &outcome, ms, changes));
            (*user, *context) = (cb.user, cb.context);
            flow.rules_executed.push(rule.name.clone());
            None
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
            Some(End::Failed { by, error: Box::new(error) })
        }
        (Status::Denied, cb) => {
            flow.push(Step::ran(StepKind::Rule, &rule.name, None, &outcome, ms, vec![]));
            let reason = cb.and_then(|c| c.error).map(|e| e.message).unwrap_or_default();
            Some(End::Denied { by, reason })
        }
        (_, _) => {
            flow.push(Step::ran(StepKind::Rule, &rule.name, None, &outcome, ms, vec![]));
            let error = outcome.error.clone().unwrap_or_else(|| OutcomeError::new("Error", outcome.status.as_str()));
            Some(End::Failed { by, error: Box::new(error) })
        }
    }
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
