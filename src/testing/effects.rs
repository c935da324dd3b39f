//! What a login ends up with, whichever trigger produced it: denial, redirect, token claims,
//! scopes, MFA, user and app metadata changes, read per Actions trigger where their `api`
//! differs (credentials-exchange's `access.deny(code, reason)` and target scopes, …). A Rule's effects are read from the context it
//! called back with and its `auth0.users` calls, an Action's from its `api` commands, following
//! the Rules → Actions mapping, so expectations can name them and a Rule can be compared with
//! its Action.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::inputs::Base;
use crate::outcome::{Outcome, Status};
use crate::request::Trigger;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effects {
    /// `redirected` for a Rule that set `context.redirect` too.
    pub status: Status,
    pub deny: Option<String>,
    pub redirect: Option<String>,
    pub id_token: Map<String, Value>,
    pub access_token: Map<String, Value>,
    /// The access token's scopes at the end, sorted.
    pub scopes: Vec<String>,
    /// `{provider, allowRememberBrowser, providerOptions?}`.
    pub multifactor: Option<Map<String, Value>>,
    /// Keys whose value changed (`null`: deleted).
    pub app_metadata: Map<String, Value>,
    pub user_metadata: Map<String, Value>,
}

pub fn of(outcome: &Outcome, base: &Base) -> Effects {
    let mut effects = Effects {
        status: outcome.status,
        deny: None,
        redirect: None,
        id_token: Map::new(),
        access_token: Map::new(),
        scopes: base.requested_scopes.clone(),
        multifactor: None,
        app_metadata: Map::new(),
        user_metadata: Map::new(),
    };
    let (mut app, mut user) = (base.app_metadata.clone(), base.user_metadata.clone());
    match outcome.trigger {
        Some(Trigger::Rule) => rule(outcome, &mut effects, &mut app, &mut user),
        trigger => action(trigger.unwrap_or(Trigger::PostLogin), outcome, &mut effects, &mut app, &mut user),
    }
    effects.app_metadata = changes(&base.app_metadata, &app);
    effects.user_metadata = changes(&base.user_metadata, &user);
    effects.scopes.sort();
    effects.scopes.dedup();
    effects
}

/// The reason a deny command gives, per trigger (Auth0's api objects): `access.deny(reason)` in
/// post-login and password-reset-post-challenge, `access.deny(reason, userMessage)` in
/// pre-user-registration (the reason, which the tenant logs), `access.deny(code, reason)` in
/// credentials-exchange and custom-token-exchange (the reason, else the code),
/// `access.rejectInvalidSubjectToken(reason)`, and pre-user-registration's
/// `validation.error(code, message)` (the message).
fn deny_reason(trigger: Trigger, api: &str, args: &[Value]) -> Option<String> {
    let arg = |i: usize| args.get(i).filter(|v| !v.is_null());
    let reason = match (trigger, api) {
        (Trigger::CredentialsExchange | Trigger::CustomTokenExchange, "access.deny") => arg(1).or(arg(0)),
        (_, "access.deny" | "access.rejectInvalidSubjectToken") => arg(0),
        (Trigger::PreUserRegistration, "validation.error") => arg(1).or(arg(0)),
        _ => return None,
    };
    Some(reason.map_or_else(String::new, text))
}

fn action(
    trigger: Trigger,
    outcome: &Outcome,
    effects: &mut Effects,
    app: &mut Map<String, Value>,
    user: &mut Map<String, Value>,
) {
    for command in &outcome.commands {
        let arg = |i: usize| command.args.get(i).cloned().unwrap_or(Value::Null);
        let key = || arg(0).as_str().map_or_else(|| arg(0).to_string(), str::to_owned);
        if let Some(reason) = deny_reason(trigger, &command.api, &command.args) {
            effects.deny = effects.deny.take().or(Some(reason));
            continue;
        }
        match command.api.as_str() {
            "redirect.sendUserTo" => effects.redirect = Some(text(&arg(0))),
            "idToken.setCustomClaim" => drop(effects.id_token.insert(key(), arg(1))),
            "accessToken.setCustomClaim" => drop(effects.access_token.insert(key(), arg(1))),
            "accessToken.addScope" if !effects.scopes.contains(&key()) => effects.scopes.push(key()),
            "accessToken.removeScope" => effects.scopes.retain(|s| *s != key()),
            // credentials-exchange: the target scopes are the token's scopes.
            "transaction.addTargetScope" if !effects.scopes.contains(&key()) => effects.scopes.push(key()),
            "transaction.removeTargetScope" => effects.scopes.retain(|s| *s != key()),
            "transaction.setTargetScopes" => {
                effects.scopes = arg(0).as_array().into_iter().flatten().map(text).collect();
            }
            "transaction.clearTargetScopes" => effects.scopes.clear(),
            "multifactor.enable" => {
                let options = arg(1);
                let mut mfa = Map::new();
                mfa.insert("provider".into(), arg(0));
                mfa.insert(
                    "allowRememberBrowser".into(),
                    options.get("allowRememberBrowser").cloned().unwrap_or(json!(false)),
                );
                if let Some(provider_options) = options.get("providerOptions").filter(|o| !o.is_null()) {
                    mfa.insert("providerOptions".into(), provider_options.clone());
                }
                effects.multifactor = Some(mfa);
            }
            "user.setAppMetadata" => set(app, key(), arg(1)),
            "user.setUserMetadata" => set(user, key(), arg(1)),
            _ => {}
        }
    }
    if effects.status == Status::Denied {
        effects.redirect = None;
    }
}

fn rule(outcome: &Outcome, effects: &mut Effects, app: &mut Map<String, Value>, user: &mut Map<String, Value>) {
    for command in &outcome.commands {
        let target = match command.api.as_str() {
            "auth0.users.updateAppMetadata" => &mut *app,
            "auth0.users.updateUserMetadata" => &mut *user,
            _ => continue,
        };
        for (key, value) in command.args.get(1).and_then(Value::as_object).into_iter().flatten() {
            set(target, key.clone(), value.clone());
        }
    }
    let Some(callback) = &outcome.callback else { return };
    if outcome.status == Status::Denied {
        effects.deny = callback.error.as_ref().map(|e| e.message.clone());
        return;
    }
    if !matches!(outcome.status, Status::Completed | Status::Redirected) {
        return;
    }
    let context = &callback.context;
    effects.id_token = context["idToken"].as_object().cloned().unwrap_or_default();
    effects.access_token = context["accessToken"].as_object().cloned().unwrap_or_default();
    if let Some(scope) = effects.access_token.remove("scope") {
        effects.scopes = match scope {
            Value::Array(items) => items.iter().map(text).collect(),
            other => text(&other).split_whitespace().map(str::to_owned).collect(),
        };
    }
    if let Some(fields) = context["multifactor"].as_object() {
        let mut mfa = Map::new();
        mfa.insert("provider".into(), fields.get("provider").cloned().unwrap_or(Value::Null));
        mfa.insert("allowRememberBrowser".into(), fields.get("allowRememberBrowser").cloned().unwrap_or(json!(false)));
        let rest: Map<String, Value> = fields
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "provider" | "allowRememberBrowser"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !rest.is_empty() {
            mfa.insert("providerOptions".into(), Value::Object(rest));
        }
        effects.multifactor = Some(mfa);
    }
    if let Some(url) = context["redirect"].get("url") {
        effects.redirect = Some(text(url));
        effects.status = Status::Redirected;
    }
}

/// A first-level metadata update: `null` deletes the key.
fn set(metadata: &mut Map<String, Value>, key: String, value: Value) {
    if value.is_null() {
        metadata.shift_remove(&key);
    } else {
        metadata.insert(key, value);
    }
}

fn changes(before: &Map<String, Value>, after: &Map<String, Value>) -> Map<String, Value> {
    let mut changed: Map<String, Value> =
        after.iter().filter(|(k, v)| before.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect();
    for key in before.keys().filter(|k| !after.contains_key(*k)) {
        changed.insert(key.clone(), Value::Null);
    }
    changed
}

fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Command;

    fn outcome(trigger: Trigger, status: Status, commands: Value) -> Outcome {
        let commands: Vec<Command> = serde_json::from_value(commands).unwrap();
        Outcome { trigger: Some(trigger), status, commands, ..Outcome::invalid_request(None, "") }
    }

    /// Auth0's credentials-exchange api object: `api.access.deny(code, reason)`; the reason is
    /// what the client is told, the code the OAuth error.
    #[test]
    fn credentials_exchange_deny_reads_the_reason_then_the_code() {
        let base = Base::default();
        let denied = outcome(
            Trigger::CredentialsExchange,
            Status::Denied,
            json!([{"api": "access.deny", "args": ["invalid_scope", "no admin for machines"]}]),
        );
        assert_eq!(of(&denied, &base).deny.as_deref(), Some("no admin for machines"));
        let code_only = outcome(
            Trigger::CredentialsExchange,
            Status::Denied,
            json!([{"api": "access.deny", "args": ["server_error", null]}]),
        );
        assert_eq!(of(&code_only, &base).deny.as_deref(), Some("server_error"));
        let cte = outcome(
            Trigger::CustomTokenExchange,
            Status::Denied,
            json!([{"api": "access.rejectInvalidSubjectToken", "args": ["expired"]}]),
        );
        assert_eq!(of(&cte, &base).deny.as_deref(), Some("expired"));
    }

    /// Auth0's credentials-exchange api object: `accessToken.setCustomClaim` adds access-token
    /// claims, and the target scopes are the scopes the token is issued with.
    #[test]
    fn credentials_exchange_claims_and_target_scopes() {
        let base = Base { requested_scopes: vec!["read".into(), "write".into()], ..Base::default() };
        let effects = of(
            &outcome(
                Trigger::CredentialsExchange,
                Status::Completed,
                json!([
                    {"api": "accessToken.setCustomClaim", "args": ["tier", "gold"]},
                    {"api": "transaction.removeTargetScope", "args": ["write"]},
                    {"api": "transaction.addTargetScope", "args": ["export"]},
                ]),
            ),
            &base,
        );
        assert_eq!(Value::Object(effects.access_token), json!({"tier": "gold"}));
        assert_eq!(effects.scopes, ["export", "read"]);
        let set = of(
            &outcome(
                Trigger::CredentialsExchange,
                Status::Completed,
                json!([
                    {"api": "transaction.clearTargetScopes", "args": []},
                    {"api": "transaction.setTargetScopes", "args": [["b", "a"]]},
                ]),
            ),
            &base,
        );
        assert_eq!(set.scopes, ["a", "b"]);
        let cleared = of(
            &outcome(
                Trigger::CredentialsExchange,
                Status::Completed,
                json!([{"api": "transaction.clearTargetScopes", "args": []}]),
            ),
            &base,
        );
        assert!(cleared.scopes.is_empty());
    }

    /// Auth0's pre-user-registration api object: `user.setUserMetadata` / `setAppMetadata` give
    /// the new user's metadata; `access.deny(reason, userMessage)` and
    /// `validation.error(code, message)` deny the sign-up.
    #[test]
    fn pre_user_registration_metadata_and_denials() {
        let base = Base::default();
        let effects = of(
            &outcome(
                Trigger::PreUserRegistration,
                Status::Completed,
                json!([
                    {"api": "user.setUserMetadata", "args": ["plan", "free"]},
                    {"api": "user.setAppMetadata", "args": ["source", "ads"]},
                ]),
            ),
            &base,
        );
        assert_eq!(Value::Object(effects.user_metadata), json!({"plan": "free"}));
        assert_eq!(Value::Object(effects.app_metadata), json!({"source": "ads"}));
        let denied = outcome(
            Trigger::PreUserRegistration,
            Status::Denied,
            json!([{"api": "access.deny", "args": ["disposable_email", "Use a permanent address."]}]),
        );
        assert_eq!(of(&denied, &base).deny.as_deref(), Some("disposable_email"));
        let invalid = outcome(
            Trigger::PreUserRegistration,
            Status::Denied,
            json!([{"api": "validation.error", "args": ["bad_title", "Job title too long."]}]),
        );
        assert_eq!(of(&invalid, &base).deny.as_deref(), Some("Job title too long."));
    }
}
