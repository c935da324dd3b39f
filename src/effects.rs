//! What a script did to a login or flow, in one vocabulary for every Actions trigger and for
//! Rules: each recorded call ([`ApiCall`]) is read once into an [`Effect`] (per trigger where
//! Auth0's api objects differ: `access.deny(reason)` in post-login, `(code, reason)` in
//! credentials-exchange, …), and a Rule's callback context into the same effects (`idToken` /
//! `accessToken` claims, `accessToken.scope`, `multifactor`, `redirect`) as the Auth0 guide
//! "Migrate from Rules to Actions" maps them. [`Effects`] applies them in order; the test runner and
//! the printer read it, and the login simulator applies the same effects to its flow.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api_call::{ApiCall, Command};
use crate::outcome::{CallbackResult, Outcome, Status};
use crate::trigger::Trigger;

/// Which metadata object a change is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    App,
    User,
}

impl Field {
    /// The user's key (`app_metadata`, `user_metadata`).
    pub fn key(self) -> &'static str {
        match self {
            Field::App => "app_metadata",
            Field::User => "user_metadata",
        }
    }
}

/// Which token a custom claim goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Id,
    Access,
}

/// A denial: `code` (an OAuth error or validation code, where the api takes one), `reason` (what
/// the tenant logs; the message of `validation.error`) and `user_message` (pre-user-registration's
/// message for the user).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Denial {
    pub code: Option<String>,
    pub reason: Option<String>,
    pub user_message: Option<String>,
}

impl Denial {
    /// The denial in one line: the reason, else the code.
    pub fn text(&self) -> String {
        self.reason.clone().or_else(|| self.code.clone()).unwrap_or_default()
    }
}

/// MFA a script asked for: `multifactor.enable(provider, options)` and a Rule's
/// `context.multifactor` (`provider`, `allowRememberBrowser`, the rest as `providerOptions`), or a
/// challenge / enrollment (`provider` `challenge` / `enroll` with the `factors`). Provider and
/// remember-browser are kept as the script gave them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mfa {
    pub provider: Value,
    #[serde(rename = "allowRememberBrowser")]
    pub allow_remember_browser: Value,
    #[serde(rename = "providerOptions", default, skip_serializing_if = "Option::is_none")]
    pub provider_options: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors: Option<Value>,
}

/// A change to the access token's scopes.
#[derive(Debug, Clone, PartialEq)]
pub enum ScopeChange {
    Add(String),
    Remove(String),
    /// The whole list (credentials-exchange's `setTargetScopes`, a Rule's `accessToken.scope`).
    Set(Vec<String>),
    Clear,
}

/// What one call, or one part of a Rule's callback, means for the login or flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Deny(Denial),
    Redirect(String),
    Claim {
        token: Token,
        key: String,
        value: Value,
    },
    Scope(ScopeChange),
    Mfa(Mfa),
    /// A first-level metadata write of the user the login is for (`null` deletes the key).
    Metadata {
        field: Field,
        key: String,
        value: Value,
    },
    /// A Rule's `auth0.users.update…Metadata(userId, changes)`: a Management API call, for any user.
    UserUpdate {
        field: Field,
        user_id: Value,
        changes: Value,
    },
    /// `api.transaction.setMetadata(key, value)` (`null` deletes the key).
    TransactionMetadata {
        key: String,
        value: Value,
    },
}

impl Effect {
    /// What `call` means in `trigger`'s api; `None` for calls that change nothing the host
    /// simulates (the cache, session settings, …) or that only a flow reads
    /// (`authentication.setUserById`, `transaction.setResultUrl`, …).
    pub fn of_call(trigger: Trigger, call: &ApiCall) -> Option<Effect> {
        let denial = |code: Option<&String>, reason: Option<&String>, user_message: Option<&String>| {
            Effect::Deny(Denial { code: code.cloned(), reason: reason.cloned(), user_message: user_message.cloned() })
        };
        let claim = |token, kv: &crate::api_call::KeyValue| Effect::Claim {
            token,
            key: kv.key.clone(),
            value: kv.value.clone(),
        };
        let metadata = |field, kv: &crate::api_call::KeyValue| Effect::Metadata {
            field,
            key: kv.key.clone(),
            value: kv.value.clone(),
        };
        Some(match call {
            ApiCall::AccessDeny(deny) => match trigger {
                Trigger::CredentialsExchange | Trigger::CustomTokenExchange => {
                    denial(Some(&deny.first), deny.second.as_ref(), None)
                }
                Trigger::PreUserRegistration => denial(None, Some(&deny.first), deny.second.as_ref()),
                _ => denial(None, Some(&deny.first), None),
            },
            ApiCall::AccessRejectInvalidSubjectToken(reason) => {
                denial(Some(&"invalid_request".to_owned()), Some(&reason.text), None)
            }
            ApiCall::ValidationError(error) if trigger == Trigger::PreUserRegistration => {
                denial(Some(&error.code), Some(&error.message), None)
            }
            ApiCall::RedirectSendUserTo(url) => Effect::Redirect(url.text.clone()),
            ApiCall::IdTokenSetCustomClaim(kv) => claim(Token::Id, kv),
            ApiCall::AccessTokenSetCustomClaim(kv) => claim(Token::Access, kv),
            ApiCall::AccessTokenAddScope(s) | ApiCall::TransactionAddTargetScope(s) => {
                Effect::Scope(ScopeChange::Add(s.scope.clone()))
            }
            ApiCall::AccessTokenRemoveScope(s) | ApiCall::TransactionRemoveTargetScope(s) => {
                Effect::Scope(ScopeChange::Remove(s.scope.clone()))
            }
            ApiCall::TransactionSetTargetScopes(s) => Effect::Scope(ScopeChange::Set(s.scopes.clone())),
            ApiCall::TransactionClearTargetScopes(_) => Effect::Scope(ScopeChange::Clear),
            ApiCall::MultifactorEnable(enable) => Effect::Mfa(Mfa {
                provider: Value::String(enable.provider.clone()),
                allow_remember_browser: enable
                    .options
                    .get("allowRememberBrowser")
                    .cloned()
                    .unwrap_or(Value::Bool(false)),
                provider_options: enable.options.get("providerOptions").filter(|o| !o.is_null()).cloned(),
                factors: None,
            }),
            ApiCall::AuthenticationChallengeWith(f)
            | ApiCall::AuthenticationChallengeWithAny(f)
            | ApiCall::AuthenticationEnrollWith(f)
            | ApiCall::AuthenticationEnrollWithAny(f) => {
                let mut factors = match &f.factors {
                    Value::Array(list) => list.clone(),
                    one => vec![one.clone()],
                };
                if let Some(Value::Array(more)) = f.options.get("additionalFactors") {
                    factors.extend(more.iter().cloned());
                }
                let enroll =
                    matches!(call, ApiCall::AuthenticationEnrollWith(_) | ApiCall::AuthenticationEnrollWithAny(_));
                Effect::Mfa(Mfa {
                    provider: Value::String(if enroll { "enroll" } else { "challenge" }.into()),
                    allow_remember_browser: Value::Bool(false),
                    provider_options: None,
                    factors: Some(Value::Array(factors)),
                })
            }
            ApiCall::UserSetAppMetadata(kv) => metadata(Field::App, kv),
            ApiCall::UserSetUserMetadata(kv) => metadata(Field::User, kv),
            ApiCall::TransactionSetMetadata(kv) => {
                Effect::TransactionMetadata { key: kv.key.clone(), value: kv.value.clone() }
            }
            ApiCall::Auth0UsersUpdateAppMetadata(u) => {
                Effect::UserUpdate { field: Field::App, user_id: u.user_id.clone(), changes: u.metadata.clone() }
            }
            ApiCall::Auth0UsersUpdateUserMetadata(u) => {
                Effect::UserUpdate { field: Field::User, user_id: u.user_id.clone(), changes: u.metadata.clone() }
            }
            _ => return None,
        })
    }

    /// The effects of the recorded calls of an execution of `trigger`, in order.
    pub fn of_commands(trigger: Trigger, commands: &[Command]) -> impl Iterator<Item = Effect> + '_ {
        commands.iter().filter_map(move |c| Effect::of_call(trigger, c.call()))
    }

    /// What the `context` a Rule called back with asks for, as the Actions api would (Auth0's
    /// "Migrate from Rules to Actions"): `context.idToken[k]` is `api.idToken.setCustomClaim`,
    /// `context.accessToken[k]` `api.accessToken.setCustomClaim`, `context.accessToken.scope` the
    /// scopes, `context.multifactor` `api.multifactor.enable`, `context.redirect.url`
    /// `api.redirect.sendUserTo`.
    pub fn of_rule_context(context: &Value) -> Vec<Effect> {
        let mut effects = Vec::new();
        for (bag, token) in [("idToken", Token::Id), ("accessToken", Token::Access)] {
            for (key, value) in context[bag].as_object().into_iter().flatten() {
                if token == Token::Access && key == "scope" {
                    let scopes = match value {
                        Value::Array(items) => items.iter().map(text).collect(),
                        other => text(other).split_whitespace().map(str::to_owned).collect(),
                    };
                    effects.push(Effect::Scope(ScopeChange::Set(scopes)));
                } else {
                    effects.push(Effect::Claim { token, key: key.clone(), value: value.clone() });
                }
            }
        }
        if let Some(fields) = context["multifactor"].as_object() {
            let rest: Map<String, Value> = fields
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "provider" | "allowRememberBrowser"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            effects.push(Effect::Mfa(Mfa {
                provider: fields.get("provider").cloned().unwrap_or(Value::Null),
                allow_remember_browser: fields.get("allowRememberBrowser").cloned().unwrap_or(Value::Bool(false)),
                provider_options: (!rest.is_empty()).then_some(Value::Object(rest)),
                factors: None,
            }));
        }
        if let Some(url) = context["redirect"].get("url") {
            effects.push(Effect::Redirect(text(url)));
        }
        effects
    }
}

/// The effects of one execution applied in order: the first denial, the last redirect, the
/// tokens' custom claims, the scopes, the MFA asked for, the user's metadata and the
/// transaction metadata as the script leaves them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    pub deny: Option<Denial>,
    pub redirect: Option<String>,
    pub id_token: Map<String, Value>,
    pub access_token: Map<String, Value>,
    pub scopes: Vec<String>,
    pub multifactor: Option<Mfa>,
    pub app_metadata: Map<String, Value>,
    pub user_metadata: Map<String, Value>,
    pub transaction_metadata: Map<String, Value>,
}

impl Effects {
    /// Applies one effect.
    pub fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Deny(denial) => {
                self.deny.get_or_insert(denial);
            }
            Effect::Redirect(url) => self.redirect = Some(url),
            Effect::Claim { token: Token::Id, key, value } => drop(self.id_token.insert(key, value)),
            Effect::Claim { token: Token::Access, key, value } => drop(self.access_token.insert(key, value)),
            Effect::Scope(change) => change_scopes(&mut self.scopes, change),
            Effect::Mfa(mfa) => self.multifactor = Some(mfa),
            Effect::Metadata { field, key, value } => set_or_remove(self.metadata_mut(field), &key, &value),
            Effect::UserUpdate { field, changes, .. } => {
                let target = self.metadata_mut(field);
                for (key, value) in changes.as_object().into_iter().flatten() {
                    set_or_remove(target, key, value);
                }
            }
            Effect::TransactionMetadata { key, value } => set_or_remove(&mut self.transaction_metadata, &key, &value),
        }
    }

    fn metadata_mut(&mut self, field: Field) -> &mut Map<String, Value> {
        match field {
            Field::App => &mut self.app_metadata,
            Field::User => &mut self.user_metadata,
        }
    }

    /// What an outcome did, starting from `self` (the scopes and metadata before the script):
    /// an Action's calls; a Rule's `auth0.users` calls, then, when it called back without an
    /// error, its context. A denied Rule's reason is its error's message.
    pub fn of_outcome(mut self, outcome: &Outcome) -> Effects {
        let trigger = outcome.trigger.unwrap_or(Trigger::PostLogin);
        for effect in Effect::of_commands(trigger, &outcome.commands) {
            self.apply(effect);
        }
        if trigger == Trigger::Rule {
            if let Some(CallbackResult { error, context, .. }) = &outcome.callback {
                if outcome.status == Status::Denied {
                    self.deny = error.as_ref().map(|e| Denial { reason: Some(e.message.clone()), ..Denial::default() });
                } else if matches!(outcome.status, Status::Completed | Status::Redirected) {
                    for effect in Effect::of_rule_context(context) {
                        self.apply(effect);
                    }
                }
            }
        }
        self
    }
}

/// Applies a scope change to a list (an added scope already there is not added twice).
pub fn change_scopes(scopes: &mut Vec<String>, change: ScopeChange) {
    match change {
        ScopeChange::Add(scope) if !scopes.contains(&scope) => scopes.push(scope),
        ScopeChange::Add(_) => {}
        ScopeChange::Remove(scope) => scopes.retain(|s| *s != scope),
        ScopeChange::Set(list) => *scopes = list,
        ScopeChange::Clear => scopes.clear(),
    }
}

/// Sets `key` (`null`: removes it).
pub fn set_or_remove(map: &mut Map<String, Value>, key: &str, value: &Value) {
    if value.is_null() {
        map.shift_remove(key);
    } else {
        map.insert(key.to_owned(), value.clone());
    }
}

/// A string's text, any other value's JSON.
fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn command(api: &str, args: Value) -> Command {
        serde_json::from_value(json!({"api": api, "args": args})).unwrap()
    }

    fn effects(trigger: Trigger, commands: &[Command]) -> Effects {
        let mut effects = Effects::default();
        Effect::of_commands(trigger, commands).for_each(|e| effects.apply(e));
        effects
    }

    /// Auth0's api objects: `validation.error(code, message)` denies a sign-up
    /// (pre-user-registration) and nothing else; `access.deny` reads its arguments per trigger.
    #[test]
    fn a_denial_reads_per_trigger() {
        let validation = [command("validation.error", json!(["bad_title", "Job title too long."]))];
        let denied = effects(Trigger::PreUserRegistration, &validation).deny.unwrap();
        assert_eq!((denied.code.as_deref(), denied.text()), (Some("bad_title"), "Job title too long.".into()));
        assert_eq!(effects(Trigger::PostLogin, &validation).deny, None);
        let deny = |trigger, args| effects(trigger, &[command("access.deny", args)]).deny.unwrap();
        assert_eq!(deny(Trigger::PostLogin, json!(["no"])).text(), "no");
        let exchange = deny(Trigger::CredentialsExchange, json!(["invalid_scope", null]));
        assert_eq!((exchange.code.as_deref(), exchange.text()), (Some("invalid_scope"), "invalid_scope".into()));
        let signup = deny(Trigger::PreUserRegistration, json!(["disposable", "Use another address."]));
        assert_eq!(
            (signup.text(), signup.user_message.as_deref()),
            ("disposable".into(), Some("Use another address."))
        );
    }

    /// The Auth0 guide "Migrate from Rules to Actions" (sections "Convert custom claims in
    /// tokens", "Convert multi-factor triggering"): `context.idToken[k] = v` is
    /// `api.idToken.setCustomClaim(k, v)`, `context.accessToken[k] = v`
    /// `api.accessToken.setCustomClaim(k, v)`, `context.multifactor = {provider: "any",
    /// allowRememberBrowser: false}` `api.multifactor.enable("any", {allowRememberBrowser:
    /// false})`; and `context.redirect = {url}` is `api.redirect.sendUserTo(url)`.
    #[test]
    fn a_rules_context_and_the_actions_calls_have_the_same_effects() {
        let context = json!({
            "idToken": {"https://namespace/emp_id": 7},
            "accessToken": {"https://namespace/emp_id": 7},
            "multifactor": {"provider": "any", "allowRememberBrowser": false},
            "redirect": {"url": "https://example.com"},
        });
        let mut rule = Effects::default();
        Effect::of_rule_context(&context).into_iter().for_each(|e| rule.apply(e));
        let action = effects(
            Trigger::PostLogin,
            &[
                command("idToken.setCustomClaim", json!(["https://namespace/emp_id", 7])),
                command("accessToken.setCustomClaim", json!(["https://namespace/emp_id", 7])),
                command("multifactor.enable", json!(["any", {"allowRememberBrowser": false}])),
                command("redirect.sendUserTo", json!(["https://example.com"])),
            ],
        );
        assert_eq!(rule, action);
    }

    /// A Rule's `context.accessToken.scope` (a space-separated string or a list) is the token's
    /// scopes, not a claim.
    #[test]
    fn a_rules_scope_is_the_scope_list() {
        for scope in [json!("openid email"), json!(["openid", "email"])] {
            let mut rule = Effects { scopes: vec!["profile".into()], ..Effects::default() };
            Effect::of_rule_context(&json!({"accessToken": {"scope": scope}})).into_iter().for_each(|e| rule.apply(e));
            assert_eq!(rule.scopes, ["openid", "email"]);
            assert!(rule.access_token.is_empty());
        }
    }

    /// Auth0's post-login api: `challengeWith(factor, {additionalFactors})` offers every factor.
    #[test]
    fn a_challenge_lists_its_factors() {
        let challenge = command(
            "authentication.challengeWith",
            json!([{"type": "otp"}, {"additionalFactors": [{"type": "phone"}]}]),
        );
        let mfa = effects(Trigger::PostLogin, &[challenge]).multifactor.unwrap();
        assert_eq!(mfa.provider, "challenge");
        assert_eq!(mfa.factors, Some(json!([{"type": "otp"}, {"type": "phone"}])));
    }
}
