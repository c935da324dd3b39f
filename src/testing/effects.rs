//! What a login ends up with, whichever trigger produced it: denial, redirect, token claims,
//! scopes, MFA, user and app metadata changes. A Rule's effects are read from the context it
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
        _ => action(outcome, &mut effects, &mut app, &mut user),
    }
    effects.app_metadata = changes(&base.app_metadata, &app);
    effects.user_metadata = changes(&base.user_metadata, &user);
    effects.scopes.sort();
    effects.scopes.dedup();
    effects
}

fn action(outcome: &Outcome, effects: &mut Effects, app: &mut Map<String, Value>, user: &mut Map<String, Value>) {
    for command in &outcome.commands {
        let arg = |i: usize| command.args.get(i).cloned().unwrap_or(Value::Null);
        let key = || arg(0).as_str().map_or_else(|| arg(0).to_string(), str::to_owned);
        match command.api.as_str() {
            "access.deny" => effects.deny = effects.deny.take().or_else(|| Some(text(&arg(0)))),
            "redirect.sendUserTo" => effects.redirect = Some(text(&arg(0))),
            "idToken.setCustomClaim" => drop(effects.id_token.insert(key(), arg(1))),
            "accessToken.setCustomClaim" => drop(effects.access_token.insert(key(), arg(1))),
            "accessToken.addScope" if !effects.scopes.contains(&key()) => effects.scopes.push(key()),
            "accessToken.removeScope" => effects.scopes.retain(|s| *s != key()),
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
    if outcome.status != Status::Completed {
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
