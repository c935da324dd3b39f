//! What a login ends up with, whichever trigger produced it, as the `expect` block names it:
//! denial, redirect, token claims, scopes, MFA, user and app metadata changes. Read through the
//! one vocabulary of `crate::effects` (per Actions trigger where their `api` differs, a Rule's
//! callback context as the Rules → Actions mapping reads it), so a Rule can be compared with its
//! Action.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::inputs::Base;
use crate::effects::{Denial, Effects as Applied};
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
    let start = Applied {
        scopes: base.requested_scopes.clone(),
        app_metadata: base.app_metadata.clone(),
        user_metadata: base.user_metadata.clone(),
        ..Applied::default()
    };
    let applied = start.of_outcome(outcome);
    let mut effects = Effects {
        status: outcome.status,
        deny: applied.deny.as_ref().map(Denial::text),
        redirect: applied.redirect,
        id_token: applied.id_token,
        access_token: applied.access_token,
        scopes: applied.scopes,
        // `authentication.challengeWith*` / `enrollWith*` are checked through `commands`.
        multifactor: applied.multifactor.filter(|mfa| mfa.factors.is_none()).map(|mfa| match json!(mfa) {
            Value::Object(fields) => fields,
            _ => unreachable!("an Mfa is an object"),
        }),
        app_metadata: changes(&base.app_metadata, &applied.app_metadata),
        user_metadata: changes(&base.user_metadata, &applied.user_metadata),
    };
    match outcome.trigger {
        // A Rule that set `context.redirect` redirects.
        Some(Trigger::Rule) if effects.redirect.is_some() && outcome.status == Status::Completed => {
            effects.status = Status::Redirected
        }
        Some(Trigger::Rule) => {}
        _ if effects.status == Status::Denied => effects.redirect = None,
        _ => {}
    }
    effects.scopes.sort();
    effects.scopes.dedup();
    effects
}

fn changes(before: &Map<String, Value>, after: &Map<String, Value>) -> Map<String, Value> {
    let mut changed: Map<String, Value> =
        after.iter().filter(|(k, v)| before.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect();
    for key in before.keys().filter(|k| !after.contains_key(*k)) {
        changed.insert(key.clone(), Value::Null);
    }
    changed
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
